"""Batching and acknowledgement rules of the watcher (real sources: tests/tasks)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from flows.watcher import Watcher, idempotency_key
from tasks.sources import Arrival
from tasks.store import ObjectRef


@dataclass
class ListSource:
    """Arrivals queued by the test; like polling, unacknowledged ones are delivered again."""

    waiting: list[Arrival] = field(default_factory=list)
    acked: list[str] = field(default_factory=list)
    pace: float = 0.0

    def receive(self, wait_seconds: float) -> list[Arrival]:
        return list(self.waiting)

    def ack(self, arrivals: list[Arrival]) -> None:
        done = {a.ref.version_id for a in arrivals}
        self.acked += sorted(done)
        self.waiting = [a for a in self.waiting if a.ref.version_id not in done]


def arrival(key: str, etag: str = "e") -> Arrival:
    return Arrival(ObjectRef(key, etag))


@dataclass
class Launches:
    calls: list[tuple[list[str], str]] = field(default_factory=list)
    fail: bool = False

    def __call__(self, keys: list[str], key: str) -> None:
        if self.fail:
            raise ConnectionError("Prefect API unavailable")
        self.calls.append((keys, key))


def watcher(source: ListSource, launch: Launches, **kw: float) -> Watcher:
    return Watcher(
        source=source, launch=launch, bucket="b", window=kw.get("window", 1.0), max_batch=3
    )


def test_a_lone_upload_launches_on_the_next_quiet_turn() -> None:
    source, launch = ListSource([arrival("raw/a.txt")]), Launches()
    w = watcher(source, launch)

    assert w.step(now=0.0) == 0
    assert w.step(now=0.25) == 1
    assert launch.calls == [(["raw/a.txt"], "b/raw/a.txt@e")]
    assert source.acked == ["raw/a.txt@e"]


def test_a_burst_is_batched_until_the_window_closes() -> None:
    source, launch = ListSource([arrival("raw/0.txt")]), Launches()
    w = watcher(source, launch, window=1.0)
    w.step(now=0.0)
    source.waiting.append(arrival("raw/1.txt"))
    assert w.step(now=0.5) == 0  # still arriving: keep collecting
    source.waiting += [arrival("raw/2.txt"), arrival("raw/3.txt")]

    assert w.step(now=1.0) == 3  # the window closed: a full run (max_batch 3) goes
    assert w.step(now=1.5) == 1  # a quiet turn: the burst is over, the rest goes
    assert [len(keys) for keys, _ in launch.calls] == [3, 1]


def test_a_window_closing_mid_burst_launches_full_runs_and_keeps_the_rest() -> None:
    """Burst bench (10,000 objects, max_batch 800, a listing every ~5 s): windows closed on
    more than two runs' worth of pending objects and each went as full runs plus its
    remainder (runs of 69, 148 and 183 objects), each costing a full run's commits and
    suite runs."""
    source, launch = ListSource([arrival(f"raw/{i}.txt") for i in range(2)]), Launches()
    w = Watcher(source=source, launch=launch, bucket="b", window=1.0, max_batch=3, burst_window=5)
    w.step(now=0.0)
    source.waiting.append(arrival("raw/2.txt"))
    assert w.step(now=0.5) == 3  # full
    source.waiting += [arrival(f"raw/{i}.txt") for i in range(3, 7)]
    w.step(now=2.0)
    source.waiting.append(arrival("raw/7.txt"))
    assert w.step(now=5.5) == 3  # its window closed while objects still arrive
    assert launch.calls[-1][0] == ["raw/3.txt", "raw/4.txt", "raw/5.txt"]  # oldest first
    assert sorted(w.pending) == ["raw/6.txt@e", "raw/7.txt@e"]  # collecting on
    assert w.step(now=6.0) == 2  # a quiet turn: the burst is over, the rest goes
    assert [len(keys) for keys, _ in launch.calls] == [3, 3, 2]
    assert w.pending == {} and w.first_arrival is None


def test_a_failed_launch_is_retried_and_not_acknowledged() -> None:
    source, launch = ListSource([arrival("raw/a.txt")]), Launches(fail=True)
    w = watcher(source, launch)
    w.step(now=0.0)

    assert w.step(now=0.25) == 0
    assert source.acked == []
    launch.fail = False
    assert w.step(now=0.5) == 1
    assert source.acked == ["raw/a.txt@e"]


def test_a_redelivered_version_is_not_launched_twice_in_one_batch() -> None:
    source, launch = ListSource([arrival("raw/a.txt"), arrival("raw/a.txt")]), Launches()
    w = watcher(source, launch)
    w.step(now=0.0)
    w.step(now=0.25)

    assert launch.calls == [(["raw/a.txt"], "b/raw/a.txt@e")]


@pytest.mark.parametrize(
    ("refs", "expected_prefix"),
    [
        pytest.param([ObjectRef("raw/a.txt", "e1")], "b/raw/a.txt@e1", id="single-object"),
        pytest.param(
            [ObjectRef("raw/a.txt", "e1"), ObjectRef("raw/b.txt", "e2")], "b/batch-2-", id="batch"
        ),
    ],
)
def test_idempotency_key(refs: list[ObjectRef], expected_prefix: str) -> None:
    key = idempotency_key("b", refs)
    assert key.startswith(expected_prefix)
    assert key == idempotency_key("b", list(reversed(refs)))


@dataclass
class AckFailsOnce(ListSource):
    fail: bool = True

    def ack(self, arrivals: list[Arrival]) -> None:
        if self.fail:
            self.fail = False
            raise ConnectionError("the store stopped")  # the soak's stopped S3 endpoint
        super().ack(arrivals)


def test_a_failed_acknowledgement_relaunches_under_the_same_key_and_acks_later() -> None:
    """Soak bug: the S3 endpoint stopped while the watcher saved its cursor, and the watcher
    thread died with the exception (later uploads waited for reconcile)."""
    source, launch = AckFailsOnce([arrival("raw/a.txt")]), Launches()
    w = watcher(source, launch)
    w.step(now=0.0)

    assert w.step(now=0.25) == 0
    assert source.acked == []
    w.step(now=0.5)
    assert source.acked == ["raw/a.txt@e"]
    # The same idempotency key both times: Prefect keeps one run.
    assert {key for _, key in launch.calls} == {"b/raw/a.txt@e"}


def test_a_burst_going_on_collects_for_the_burst_window() -> None:
    source, launch = ListSource([arrival("raw/0.txt")]), Launches()
    w = Watcher(source=source, launch=launch, bucket="b", window=1.0, max_batch=10, burst_window=5)
    w.step(now=0.0)
    source.waiting.append(arrival("raw/1.txt"))
    assert w.step(now=1.0) == 2  # the first batch of a burst goes after the window
    source.waiting.append(arrival("raw/2.txt"))
    w.step(now=1.5)  # arrivals go on right after the launch: a burst
    for i, now in enumerate((2.5, 4.0, 6.0)):
        source.waiting.append(arrival(f"raw/{3 + i}.txt"))
        assert w.step(now=now) == 0  # past the 1 s window, within the burst window
    assert w.step(now=6.5) == 4  # the burst is over (a quiet turn)
    assert [len(keys) for keys, _ in launch.calls] == [2, 4]
    # After a quiet spell longer than the window, a new upload waits the plain window again.
    source.waiting.append(arrival("raw/9.txt"))
    w.step(now=20.0)
    source.waiting.append(arrival("raw/10.txt"))
    assert w.step(now=21.0) == 2


def test_a_full_batch_launches_full_runs_and_the_rest_keeps_collecting() -> None:
    """Burst bench: 2,022 objects pending at max_batch 1,000 went as runs of 1,000, 1,000
    and 22, and the 22-object run cost as much in commits and suite runs as a full one."""
    source, launch = ListSource([arrival(f"raw/{i}.txt") for i in range(2)]), Launches()
    w = Watcher(source=source, launch=launch, bucket="b", window=1.0, max_batch=3, burst_window=5)
    w.step(now=0.0)
    source.waiting += [arrival(f"raw/{i}.txt") for i in range(2, 7)]
    assert w.step(now=0.5) == 6  # full: two runs of 3, oldest first
    assert [keys for keys, _ in launch.calls] == [
        ["raw/0.txt", "raw/1.txt", "raw/2.txt"],
        ["raw/3.txt", "raw/4.txt", "raw/5.txt"],
    ]
    assert source.waiting == [arrival("raw/6.txt")]  # not acknowledged: still pending
    source.waiting.append(arrival("raw/7.txt"))
    assert w.step(now=3.0) == 0  # the rest collects on, for the burst window
    assert w.step(now=3.5) == 2  # a quiet turn: the burst is over, the rest goes whole
    assert launch.calls[-1][0] == ["raw/6.txt", "raw/7.txt"]
    assert w.pending == {} and w.first_arrival is None


def test_turns_are_paced_by_the_source_when_a_receive_costs_more_than_the_interval() -> None:
    source, launch = ListSource(), Launches()
    w = Watcher(source=source, launch=launch, bucket="b", window=2.0, poll_interval=0.25)
    assert w.rest(started=0.0, now=0.1) == pytest.approx(0.15)  # a cheap listing: the interval
    source.pace = 4.0  # a listing took 1 s: four more before the next
    assert w.rest(started=0.0, now=1.0) == pytest.approx(3.0)
    # A pending batch is launched when its window ends, not a whole pace later.
    source.waiting.append(arrival("raw/a.txt"))
    w.step(now=1.0)
    assert w.rest(started=0.0, now=1.0) == pytest.approx(2.0)
    assert w.rest(started=2.9, now=3.0) == pytest.approx(0.25)  # past due: the next turn soon


def test_runs_are_cut_by_bytes_as_well_as_by_count() -> None:
    """Scanned PDFs of a few MB: a run holds at most ``max_bytes`` of them, in upload order;
    mid-burst the part below both limits keeps collecting."""
    mb = 1024 * 1024
    sizes = [30, 30, 30, 5, 80, 10]
    source = ListSource(
        [Arrival(ObjectRef(f"raw/{i}.pdf", "e", n * mb)) for i, n in enumerate(sizes)]
    )
    launch = Launches()
    w = Watcher(
        source=source,
        launch=launch,
        bucket="b",
        window=1.0,
        max_batch=10,
        max_bytes=64 * mb,
        burst_window=5,
    )
    w.step(now=0.0)
    source.waiting.append(Arrival(ObjectRef("raw/6.pdf", "e", 1 * mb)))
    assert w.step(now=0.5) == 5  # 185 MB pending: full by bytes
    assert [keys for keys, _ in launch.calls] == [
        ["raw/0.pdf", "raw/1.pdf"],
        ["raw/2.pdf", "raw/3.pdf"],
        ["raw/4.pdf"],  # larger than a run may be: alone
    ]
    assert sorted(w.pending) == ["raw/5.pdf@e", "raw/6.pdf@e"]  # 11 MB: collects on
    assert w.step(now=1.0) == 2  # a quiet turn: the rest goes
    assert launch.calls[-1][0] == ["raw/5.pdf", "raw/6.pdf"]
