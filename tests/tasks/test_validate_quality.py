"""The quality page names each failing report's rule, numbers, line and raw link."""

from __future__ import annotations

import pandas as pd

from tasks.quality import render_quality_report
from tasks.validate import validate_batch
from tasks.validation_examples import report_2021, with_fact


def test_page_lists_failing_rule_with_numbers_line_and_link() -> None:
    bad = with_fact(report_2021("bad"), "review_litigation", "reconsideration", "total", 3)
    result = validate_batch([report_2021("good"), bad])
    reports = pd.DataFrame(
        [
            {
                "report_id": "bad",
                "key": "raw/x.txt",
                "agency": "甲局",
                "report_year": 2021,
                "quality_status": result.verdicts["bad"].status,
            }
        ]
    )
    page = render_quality_report(
        {"pass": 1, "fail": 1, "run_id": "r1"},
        reports,
        result.rule_results,
        [{"run_id": "r0", "pass": 2, "fail": 0}],
        lambda k: f"https://store/{k}",
    )
    assert "https://store/raw/x.txt" in page
    assert "R4" in page and "1+0+0+1=2" in page and "=3" in page
    assert page.startswith("<!doctype html>") and "<script" not in page
