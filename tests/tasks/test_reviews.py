"""Maintainers' decisions: recorded in ``reviews``, applied at once and on every re-validation,
kept for the same bytes, flagged when the file changes, exported as labelled cases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from govreports.contract.models import Fact, Report
from govreports_cli.cli import main
from tasks.quality.site import report_page
from tasks.reviews import Review, apply_corrections, decide, is_stale
from tasks.store import S3ObjectStore
from tests.support.site import (
    BROKEN_KEY,
    CORPUS_FILES,
    FAILING_KEY,
    curated_zone,
    failing_report,
    ingest,
)

if TYPE_CHECKING:
    from pathlib import Path

    from govreports.settings import Settings

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def review(action: str, **kw: Any) -> Review:
    base: dict[str, Any] = {
        "key": "raw/a.txt",
        "etag": "e1",
        "report_id": "r1",
        "reason": "checked against the PDF",
        "reviewer": "alice",
        "at": T0,
    }
    return Review(action=action, **{**base, **kw})  # type: ignore[arg-type]


# --- the rules of application, without storage ------------------------------------------------


def test_latest_verdict_wins_and_corrections_are_per_fact() -> None:
    reviews = [
        review("reject"),
        review("accept", at=T0 + timedelta(hours=1)),
        review("correct", table="t", row="r", column="c", value=1.0),
        review("correct", table="t", row="r", column="c", value=2.0, at=T0 + timedelta(hours=2)),
        review("accept", report_id="other"),
    ]
    d = decide(reviews, "r1", "raw/a.txt", "e1")
    assert d.accepted is reviews[1] and d.rejected is None and d.status == "accepted"
    assert [c.value for c in d.corrections] == [2.0]


def test_decisions_follow_the_bytes_not_the_key() -> None:
    accepted = review("accept")
    assert decide([accepted], "r1", "raw/copy-elsewhere.txt", "e9").accepted is accepted
    assert decide([accepted], "r2", "raw/a.txt", "e2").accepted is None
    # A rejected object that never parsed has no report id: its key and etag identify it.
    unreadable = review("reject", report_id=None)
    assert decide([unreadable], None, "raw/a.txt", "e1").rejected is unreadable
    assert decide([unreadable], None, "raw/a.txt", "e2").rejected is None


def test_stale_when_the_current_version_is_another() -> None:
    accepted = review("accept")
    assert not is_stale(accepted, {"etag": "e1", "report_id": "r1"})
    assert is_stale(accepted, {"etag": "e2", "report_id": "r2"})
    assert not is_stale(accepted, None)


def test_a_correction_keeps_what_the_report_states_and_says_so() -> None:
    stated = Fact("review_litigation", "reconsideration", "total", 3, "件", False, "3", 40)
    report = Report(report_id="r1", facts=[stated])
    fixed = apply_corrections(
        report,
        [review("correct", table=stated.table, row=stated.row, column="total", value=2.0)],
    )
    (fact,) = fixed.facts
    assert fact.value == 2 and isinstance(fact.value, int)
    assert (fact.raw, fact.line) == ("3", 40)
    assert "read as 3" in fixed.notes[-1] and "corrected to 2 by alice" in fixed.notes[-1]
    assert report.facts == [stated]  # the parsed report itself is not changed


@pytest.mark.parametrize(
    ("action", "kw", "problem"),
    [
        ("accept", {"reason": " "}, "needs a reason"),
        ("correct", {"value": 1.0}, "names the fact"),
        ("accept", {"report_id": None}, "published report"),
        ("approve", {}, "unknown review action"),
    ],
)
def test_incomplete_decisions_are_refused(action: str, kw: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        review(action, **kw)


# --- through the command, on a real bucket ----------------------------------------------------


@pytest.fixture
def ingested(settings: Settings, corpus_dir: Path) -> Settings:
    store = S3ObjectStore.from_settings(settings)
    store.put(f"raw/{CORPUS_FILES[0]}", (corpus_dir / "reports" / CORPUS_FILES[0]).read_bytes())
    store.put(FAILING_KEY, failing_report())
    store.put(BROKEN_KEY, b"")
    ingest(settings, [f"raw/{CORPUS_FILES[0]}", FAILING_KEY, BROKEN_KEY], "run-1")
    return settings


def _report(settings: Settings, key: str) -> dict[str, Any] | None:
    rows = curated_zone(settings).read("reports").to_pylist()
    return next((r for r in rows if r["key"] == key), None)


def _clean_ids(settings: Settings) -> set[str]:
    rows = curated_zone(settings).read("clean", columns=["report_id"]).to_pylist()
    return {r["report_id"] for r in rows}


@pytest.mark.s3
@pytest.mark.gx
@pytest.mark.corpus
def test_accept_joins_clean_marked_reviewed_and_stays_on_revalidation(
    ingested: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _report(ingested, FAILING_KEY)
    assert before and before["quality_status"] == "fail"
    assert before["report_id"] not in _clean_ids(ingested)

    assert (
        main(["review", "accept", FAILING_KEY, "--reason", "表四 is misprinted", "--by", "alice"])
        == 0
    )
    assert "recorded and applied" in capsys.readouterr().out
    after = _report(ingested, FAILING_KEY)
    assert after and after["quality_status"] == "fail" and after["review_status"] == "accepted"
    assert after["report_id"] in _clean_ids(ingested)
    (row,) = curated_zone(ingested).read("reviews").to_pylist()
    assert (row["action"], row["reviewer"], row["reason"]) == (
        "accept",
        "alice",
        "表四 is misprinted",
    )
    assert (row["key"], row["etag"], row["report_id"]) == (
        FAILING_KEY,
        before["etag"],
        before["report_id"],
    )

    # Re-validating the same bytes (a re-ingest) applies the decision again.
    ingest(ingested, [FAILING_KEY], "run-2", force=True)
    again = _report(ingested, FAILING_KEY)
    assert again and again["review_status"] == "accepted" and again["run_id"] == "run-2"
    assert again["report_id"] in _clean_ids(ingested)

    page = S3ObjectStore.from_settings(ingested).read(
        ingested.quality_prefix + report_page(before["report_id"]), 1 << 24
    )
    assert (
        page.data and "reviewed: accepted" in page.data.decode() and "alice" in page.data.decode()
    )
    # The overview lists the decision, linked to the report's page.
    store = S3ObjectStore.from_settings(ingested)
    index = store.read(ingested.quality_prefix + "index.html", 1 << 24)
    assert index.data
    decisions = index.data.decode().split('id="decisions-list"')[1]
    assert f'<a href="{report_page(before["report_id"])}">{FAILING_KEY}</a>' in decisions
    assert "alice" in decisions and "表四 is misprinted" in decisions


@pytest.mark.s3
@pytest.mark.gx
@pytest.mark.corpus
def test_correction_changes_the_value_and_the_verdict(ingested: Settings, tmp_path: Path) -> None:
    from govreports_cli.evaluate import parse_label

    report = _report(ingested, FAILING_KEY)
    assert report and "R4" in report["failed_rules"]
    facts = {
        f["column"]: f
        for f in curated_zone(ingested).read("facts").to_pylist()
        if f["report_id"] == report["report_id"]
        and (f["table"], f["row"]) == ("review_litigation", "reconsideration")
    }
    right = sum(facts[c]["value"] for c in ("upheld", "corrected", "other", "pending"))
    assert right != facts["total"]["value"]
    fact = "review_litigation/reconsideration/total"
    code = main(
        ["review", "correct", report["report_id"][:16], fact, str(right), "--reason", "总计 typo"]
    )
    assert code == 0
    after = _report(ingested, FAILING_KEY)
    assert after and "R4" not in after["failed_rules"] and after["review_status"] == "corrected"
    fixed = next(
        f
        for f in curated_zone(ingested).read("facts").to_pylist()
        if f["report_id"] == report["report_id"]
        and (f["table"], f["row"], f["column"]) == ("review_litigation", "reconsideration", "total")
    )
    assert fixed["value"] == right and fixed["raw"] == facts["total"]["raw"]
    assert any("corrected to" in n for n in after["notes"])
    # The page shows the note among the parser's notes (read for the pages only).
    page = S3ObjectStore.from_settings(ingested).read(
        ingested.quality_prefix + report_page(report["report_id"]), 1 << 24
    )
    assert page.data
    note = next(n for n in after["notes"] if "corrected to" in n)
    assert f"<li>{note}</li>".replace("'", "&#x27;") in page.data.decode()

    # Exported as a labelled case the parser's evaluation takes in.
    assert main(["review", "export", "--out", str(tmp_path)]) == 0
    (case,) = tmp_path.glob("*.json")
    label = parse_label(json.loads(case.read_text()), case.stem, tmp_path, "bugs")
    assert label.document.read_text(encoding="utf-8") == report["text"]
    assert [(f.table, f.row, f.column, f.value) for f in label.facts] == [
        ("review_litigation", "reconsideration", "total", int(right))
    ]


@pytest.mark.s3
@pytest.mark.gx
@pytest.mark.corpus
def test_reject_quarantines_and_a_new_file_asks_for_a_new_look(
    ingested: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "reject", FAILING_KEY, "--reason", "a draft", "--by", "bob"]) == 0
    assert _report(ingested, FAILING_KEY) is None
    outcome = curated_zone(ingested).outcomes()[FAILING_KEY]
    assert (outcome["outcome"], outcome["stage"]) == ("quarantined", "review")
    record = S3ObjectStore.from_settings(ingested).get_json(
        curated_zone(ingested).quarantine_key(FAILING_KEY)
    )
    assert record["stage"] == "review" and "rejected by bob" in record["reason"]
    capsys.readouterr()

    # The maintainer uploads the real report at the same key: the rejection was about other bytes.
    S3ObjectStore.from_settings(ingested).put(FAILING_KEY, failing_report() + b"\n<!-- v2 -->")
    ingest(ingested, [FAILING_KEY], "run-3")
    assert _report(ingested, FAILING_KEY) is not None
    assert main(["review", "list", "--stale"]) == 0
    out = capsys.readouterr().out
    assert "reject" in out and "STALE" in out and "1 decision(s)" in out


@pytest.mark.s3
def test_unknown_or_ambiguous_targets_are_clear_errors(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    curated_zone(settings).ensure_tables()
    assert main(["review", "accept", "raw/nothing.txt", "--reason", "x"]) == 2
    assert "no published report or raw object" in capsys.readouterr().err
    assert main(["review", "correct", "raw/nothing.txt", "t/r/c", "1", "--reason", "x"]) == 2
    capsys.readouterr()
    # An empty dataset still has its site: the overview and its counts.
    assert main(["review", "site"]) == 0
    assert capsys.readouterr().out.startswith("wrote 2 pages under s3://")
    assert main(["review", "list"]) == 0
    assert capsys.readouterr().out == "0 decision(s)\n"


@pytest.mark.gx
def test_the_reviews_contract_holds_for_decisions_and_catches_broken_rows() -> None:
    import pandas as pd

    from expectations.reviews import COLUMNS, problems
    from tasks.reviews import REVIEWS, review_rows

    assert tuple(REVIEWS.names) == COLUMNS
    good = review_rows(
        [
            review("accept"),
            review("reject", report_id=None),
            review("correct", table="t", row="r", column="c", value=1.0),
        ]
    ).to_pandas()
    assert problems(good) == []
    broken = pd.concat([good, good.iloc[[2]].assign(value=None, reviewer=None)], ignore_index=True)
    assert problems(broken) == [
        "reviewer: expected who (1 row(s))",
        "correction_has_value: expected the corrected value (correct) (1 row(s))",
    ]


@pytest.mark.s3
@pytest.mark.gx
@pytest.mark.corpus
def test_an_incomplete_report_cannot_be_accepted_into_clean(
    settings: Settings, corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report missing 表三 cells (R17) never reaches clean, reviewed or not.

    The document is a real report with one 表三 row printed without its numbers (the parser
    now reads every cell of the corpus reports, 洪泽 2023 included).
    """
    from tasks.reviews import record_and_apply

    key = "raw/2021fmt_pingtan_2022_row_blank.txt"
    text = (corpus_dir / "reports" / "2021fmt_pingtan_2022.txt").read_text(encoding="utf-8")
    assert text.count("（一）予以公开 210000021") == 1
    blank = text.replace("（一）予以公开 210000021", "（一）予以公开")
    S3ObjectStore.from_settings(settings).put(key, blank.encode("utf-8"))
    ingest(settings, [key], "run-1")
    report = _report(settings, key)
    assert report and "R17" in report["failed_rules"]

    assert main(["review", "accept", key, "--reason", "looks fine"]) == 2
    assert "fails R17 (incomplete)" in capsys.readouterr().err
    assert curated_zone(settings).reviews() == []

    # Even an acceptance on record (made before R17 existed) does not let it in.
    record_and_apply(
        settings,
        Review("accept", key, report["etag"], report["report_id"], "older decision", "carol"),
    )
    after = _report(settings, key)
    assert after and after["review_status"] is None and after["quality_status"] == "fail"
    assert after["report_id"] not in _clean_ids(settings)
    # The report's page names what is missing, so the maintainer can supply the values.
    page = S3ObjectStore.from_settings(settings).read(
        settings.quality_prefix + report_page(report["report_id"]), 1 << 24
    )
    assert page.data
    html = page.data.decode()
    # (The row blanked above is 表三's 予以公开: every one of its cells is named missing.)
    missing = html.split('<h2 id="missing-cells">Missing cells</h2>', 1)[1].split("</ul>", 1)[0]
    assert "表三 missing 7 cells: (disclosed, *)" in missing, missing


@pytest.mark.s3
@pytest.mark.gx
@pytest.mark.corpus
def test_rejecting_an_object_that_never_parsed_is_recorded_on_its_quarantine(
    ingested: Settings,
) -> None:
    assert main(["review", "reject", BROKEN_KEY, "--reason", "a test upload", "--by", "dan"]) == 0
    curated = curated_zone(ingested)
    (row,) = curated.read("reviews").to_pylist()
    assert row["report_id"] is None and row["key"] == BROKEN_KEY
    record = S3ObjectStore.from_settings(ingested).get_json(curated.quarantine_key(BROKEN_KEY))
    assert record["stage"] == "parse" and record["code"] == "empty"
    assert record["reason"].endswith(
        "; rejected by dan on " + f"{row['at']:%Y-%m-%d}"
        f" (review {row['review_id'][:8]}): a test upload"
    )
