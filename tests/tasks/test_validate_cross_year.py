"""Cross-year verdicts do not depend on upload order (R8-R11, R16, P10 against the dataset).

Years Y and Y-1 of one agency, in one batch, in two batches Y-1 then Y, and Y then Y-1:
the same final verdicts and rule results. In the last order the second run re-validates
the already published Y and says so in its summary (the run page shows it too).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from tasks import batch
from tasks import parse as parse_stage
from tasks import publish as publish_stage
from tasks import validate as validate_stage
from tasks.delta import Curated
from tasks.quality import report as quality_stage
from tasks.store import ObjectRef, S3ObjectStore
from tests.support.validation_examples import report_2021

if TYPE_CHECKING:
    from collections.abc import Sequence

    from govreports.contract.models import Report
    from govreports.settings import Settings

pytestmark = [pytest.mark.s3, pytest.mark.gx]

AGENCY = "平潭综合实验区管委会"


def _reports() -> tuple[Report, Report]:
    # Y-1 carries 3 forward, Y says 1 carried over: R8 (a warning) fails once both are known.
    earlier = report_2021(
        hashlib.sha256(b"y-1").hexdigest(), agency=AGENCY, year=2021, forward={"natural_person": 3}
    )
    later = report_2021(hashlib.sha256(b"y").hexdigest(), agency=AGENCY, year=2022)
    return earlier, later


def _run(settings: Settings, reports: Sequence[Report], run_id: str) -> publish_stage.Published:
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    curated.ensure_tables()
    now = datetime.now(UTC)
    parsed = parse_stage.Parsed(
        [(ObjectRef(f"raw/{r.report_year}.txt", r.report_id[:8], 100, now), r) for r in reports],
        [],
        [],
        batch.Timings(),
        curated,
    )
    return publish_stage.publish(settings, validate_stage.validate(settings, parsed), run_id)


def _final(settings: Settings) -> dict[str, Any]:
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    reports = {
        r["report_year"]: (r["quality_status"], r["failed_rules"], r["warned_rules"])
        for r in curated.read("reports").to_pylist()
    }
    clean = sorted(r["report_year"] for r in curated.read("clean", ["report_year"]).to_pylist())
    rules = sorted(
        (r["report_year"], r["rule_id"], r["passed"], r["observed"])
        for r in curated.read("rule_results").to_pylist()
    )
    return {"reports": reports, "clean": clean, "rules": rules}


@pytest.fixture
def fresh(settings: Settings) -> Any:
    """A new bucket per order (the settings fixture gives one per test; this makes more)."""
    import uuid

    def make() -> Settings:
        s = settings.model_copy(update={"bucket": f"order-{uuid.uuid4().hex[:10]}"})
        S3ObjectStore.from_settings(s).ensure_bucket()
        return s

    return make


def test_same_verdicts_whatever_the_upload_order(fresh: Any) -> None:
    earlier, later = _reports()

    together = fresh()
    _run(together, [later, earlier], "one-batch")

    in_order = fresh()
    _run(in_order, [earlier], "first")
    second = _run(in_order, [later], "second")
    assert second.revalidated == []

    reversed_ = fresh()
    first = _run(reversed_, [later], "first")
    [alone] = first.items
    assert "R8" not in alone.warned_rules  # nothing to compare with yet
    late = _run(reversed_, [earlier], "second")

    expected = _final(together)
    assert expected["reports"][2022][0] == "warn"
    assert "R8" in expected["reports"][2022][2]
    assert _final(in_order) == expected
    assert _final(reversed_) == expected
    [changed] = late.summary()["revalidated"]
    assert (changed["report_year"], changed["before"], changed["after"]) == (2022, "pass", "warn")
    # The new verdict rides in the batch's own commits: five, as for a run that re-validates
    # nothing (it used to take three more).
    assert late.curated is not None and first.curated is not None
    assert late.curated.commits == first.curated.commits == 5
    assert "R8" in changed["warned_rules"]
    # The run's page in the quality site says so.
    from tasks.quality.site import run_page

    quality_stage.quality_report(reversed_, late, "second")
    store = S3ObjectStore.from_settings(reversed_)
    page = store.read(reversed_.quality_prefix + run_page("second"), 1 << 24).data or b""
    assert "Re-validated by this run (1)" in page.decode()


def test_a_batch_without_later_years_revalidates_nothing(fresh: Any) -> None:
    earlier, _ = _reports()
    done = _run(fresh(), [earlier], "only")
    assert done.revalidated == []
    assert done.summary()["revalidated"] == []


def test_a_later_year_gone_before_publish_leaves_no_rule_results_behind(fresh: Any) -> None:
    """Another run dropped the later report between this batch's validation and its publish:
    its re-validated rule results are not written (no rows without their report)."""
    earlier, later = _reports()
    settings = fresh()
    _run(settings, [later], "first")
    curated = Curated(settings, S3ObjectStore.from_settings(settings))
    now = datetime.now(UTC)
    parsed = parse_stage.Parsed(
        [(ObjectRef("raw/2021.txt", "e", 100, now), earlier)], [], [], batch.Timings(), curated
    )
    validated = validate_stage.validate(settings, parsed)
    assert [r.report_id for r in validated.revalidated] == [later.report_id]
    gone = f"report_id = '{later.report_id}'"
    for name in ("facts", "rule_results", "reports", "clean"):
        curated.table(name).delete(gone)

    publish_stage.publish(settings, validated, "second")

    final = _final(settings)
    assert set(final["reports"]) == {2021}
    assert {year for year, *_ in final["rules"]} == {2021}


def test_an_earlier_year_found_superseded_at_publish_revalidates_nothing(fresh: Any) -> None:
    """The earlier year arrives late as an older version of a key already on record: publish
    drops it as superseded, and the later year keeps the verdict the newer version gave it."""
    settings = fresh()
    _, later = _reports()
    _run(settings, [later], "first")
    newer = report_2021(
        hashlib.sha256(b"y-1 newer").hexdigest(),
        agency=AGENCY,
        year=2021,
        forward={"natural_person": 3},
    )
    older = report_2021(hashlib.sha256(b"y-1 older").hexdigest(), agency=AGENCY, year=2021)
    t1 = datetime.now(UTC)
    t0 = t1.replace(year=t1.year - 1)
    curated = Curated(settings, S3ObjectStore.from_settings(settings))

    def run(report: Report, at: datetime, run_id: str) -> publish_stage.Published:
        ref = ObjectRef("raw/2021.txt", report.report_id[:8], 100, at)
        parsed = parse_stage.Parsed([(ref, report)], [], [], batch.Timings(), curated)
        return publish_stage.publish(settings, validate_stage.validate(settings, parsed), run_id)

    second = run(newer, t1, "second")
    assert [r["after"] for r in second.summary()["revalidated"]] == ["warn"]
    third = run(older, t0, "third")

    assert third.result.superseded == ["raw/2021.txt"]
    assert third.summary()["revalidated"] == []  # its validation re-checked 2022 against it
    final = _final(settings)
    assert final["reports"][2022][0] == "warn"
    assert "R8" in final["reports"][2022][2]


def test_a_verdict_unchanged_by_revalidation_rewrites_no_report_file(fresh: Any) -> None:
    """Y-1 arrives after Y and agrees with it: Y's cross-year rule results are rewritten, its
    reports and clean rows are not (replacing a row rewrites the file holding it, text
    included). The final state is the one-batch order's all the same."""
    # Carries 1 forward as Y says it carried over; its rules in force + Y's issued - repealed
    # = Y's in force.
    earlier = report_2021(
        hashlib.sha256(b"y-1 agrees").hexdigest(), agency=AGENCY, year=2021, in_force=(9, 27)
    )
    _, later = _reports()

    together = fresh()
    _run(together, [later, earlier], "one-batch")

    settings = fresh()
    _run(settings, [later], "first")
    curated = Curated(settings, S3ObjectStore.from_settings(settings))

    def files(name: str) -> set[str]:
        return {u for u in curated.table(name).file_uris() if "report_year=2022" in u}

    before = {name: files(name) for name in ("reports", "clean", "rule_results")}
    late = _run(settings, [earlier], "second")

    [same] = late.summary()["revalidated"]
    assert (same["report_year"], same["before"], same["after"]) == (2022, "pass", "pass"), same
    after = {name: files(name) for name in before}
    assert after["reports"] == before["reports"]
    assert after["clean"] == before["clean"]
    assert after["rule_results"] != before["rule_results"]
    assert _final(settings) == _final(together)
