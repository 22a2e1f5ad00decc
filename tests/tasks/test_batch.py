"""How objects are cut into runs: by count and by bytes together."""

from __future__ import annotations

import itertools

import pytest

from tasks.batch import is_full, runs_of


@pytest.mark.parametrize(
    ("sizes", "max_objects", "max_bytes", "expected"),
    [
        pytest.param([1, 1, 1, 1, 1], 2, 100, [[1, 1], [1, 1], [1]], id="by-count"),
        pytest.param([40, 30, 30, 50, 10], 10, 100, [[40, 30, 30], [50, 10]], id="by-bytes"),
        pytest.param([30, 150, 30], 10, 100, [[30], [150], [30]], id="too-large-alone"),
        pytest.param([60, 40, 1], 10, 100, [[60, 40], [1]], id="exactly-the-limit"),
        pytest.param([], 10, 100, [], id="nothing"),
    ],
)
def test_runs_of(
    sizes: list[int], max_objects: int, max_bytes: int, expected: list[list[int]]
) -> None:
    runs = runs_of(sizes, lambda n: n, max_objects, max_bytes)
    assert runs == expected
    assert [n for run in runs for n in run] == sizes  # in order, none lost
    # A run is cut only where the next object would not fit in it.
    for run, after in itertools.pairwise(runs):
        assert len(run) == max_objects or sum(run) + after[0] > max_bytes


def test_a_run_below_both_limits_is_not_full() -> None:
    assert not is_full([10, 20], lambda n: n, 3, 100)
    assert is_full([10, 20, 30], lambda n: n, 3, 100)
    assert is_full([60, 40], lambda n: n, 3, 100)
