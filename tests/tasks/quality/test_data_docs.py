"""GX Data Docs come from the run's own validation results, not the runner's latest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tasks.quality.data_docs import build_data_docs
from tasks.validate import validate_batch
from tests.support.validation_examples import report_2019, report_2021

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.usefixtures("gx")


def _rows_seen(result: object) -> set[int]:
    return {int((item.result or {}).get("element_count", -1)) for item in result.results}  # type: ignore[attr-defined]


def test_each_validation_keeps_its_own_results_for_the_data_docs(tmp_path: Path) -> None:
    # Two runs in one worker: the second validates after the first and before the first
    # writes its quality report. Each result must still describe its own batch.
    first = validate_batch([report_2021()])
    second = validate_batch([report_2021(), report_2019()])
    assert set(first.gx_results) == {"reports", "facts", "rules", "rule_results"}
    assert _rows_seen(first.gx_results["reports"]) == {1}
    assert _rows_seen(second.gx_results["reports"]) == {2}

    index = build_data_docs(tmp_path / "docs", first.gx_results)
    assert index.is_file()
    pages = [p.read_text() for p in index.parent.rglob("*.html") if "validations" in p.parts]
    assert pages, "no validation result page was built"
