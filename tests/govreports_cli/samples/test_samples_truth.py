"""Ground truth obeys the hard rules of report-formats.md §4; an injected violation breaks one."""

from __future__ import annotations

import random
import warnings
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govreports.contract.vocabulary import (
    APPLICANT_COLUMNS,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    OUTCOME_ROWS_2019,
    REVIEW_ROWS,
)
from govreports_cli.samples import FORMATS, make_truth
from govreports_cli.samples.model import Para
from govreports_cli.samples.truth import FORMAT_YEARS, PRE2019_VARIANTS, TITLE_STYLES
from govreports_cli.samples.violations import RULE_VARIANTS

if TYPE_CHECKING:
    from govreports_cli.samples.model import SampleTruth

APPLICANTS = APPLICANT_COLUMNS
OUTCOMES_2019 = list(OUTCOME_ROWS_2019)
OTHER = {"2019": list(OTHER_ROWS_2019), "2021": list(OTHER_ROWS_2021)}
REVIEW = REVIEW_ROWS
MONEY_OR_CHANGE = ("amount_wan_yuan", "change")


def failed_rules(truth: SampleTruth) -> set[str]:
    """An independent reading of rules R1–R7, P1–P8 and P10 over the truth's facts."""
    f = {(x.table, x.row, x.column): x.value for x in truth.facts}
    failed: set[str] = set()

    def a(row: str, col: str) -> float:
        return f["applications", row, col]

    if truth.format in ("2019", "2021"):
        outcomes = OUTCOMES_2019 + OTHER[truth.format]
        for col in (*APPLICANTS, "total"):
            if a("new_received", col) + a("carried_over", col) != a("outcome_total", col) + a(
                "carried_forward", col
            ):
                failed.add("R1")
            if a("outcome_total", col) != sum(a(r, col) for r in outcomes):
                failed.add("R2")
        for row in ("new_received", "carried_over", *outcomes, "outcome_total", "carried_forward"):
            if a(row, "total") != sum(a(row, c) for c in APPLICANTS):
                failed.add("R3")
        for rule, row in zip(("R4", "R5", "R6"), REVIEW, strict=True):
            parts = ("upheld", "corrected", "other", "pending")
            total = f["review_litigation", row, "total"]
            if total != sum(f["review_litigation", row, p] for p in parts):
                failed.add(rule)
        for (table, _row, col), value in f.items():
            counted = table in ("applications", "review_litigation", "proactive")
            if counted and col not in MONEY_OR_CHANGE and (value < 0 or value != int(value)):
                failed.add("R7")
    failed |= _pre2019_failures(f)
    return failed


def _pre2019_failures(f: dict[tuple[str, str, str], float]) -> set[str]:
    failed: set[str] = set()
    for col in ("value", "cumulative"):
        s = {row: v for (t, row, c), v in f.items() if t == "legacy_stats" and c == col}
        if not s:
            continue

        def parts_sum(prefix: str, names: tuple[str, ...], values: dict[str, float] = s) -> float:
            return sum(values.get(f"{prefix}{n}", 0) for n in names)

        channels = ("in_person", "fax", "online", "letter", "email", "other")
        if "applications_received" in s and s["applications_received"] != parts_sum(
            "applications_", channels
        ):
            failed.add("P1")
        if "applications_closed" in s and s["applications_closed"] != parts_sum(
            "applications_closed_", ("on_time", "extended")
        ):
            failed.add("P2")
        replies: tuple[str, ...] = ("already_public", "disclosed", "partially_disclosed", "refused")
        replies += ("not_this_agency", "not_exist", "correction_requested", "other_channel")
        if "replies_total" in s and s["replies_total"] != parts_sum("replies_", replies):
            failed.add("P3")
        refused: tuple[str, ...] = (
            "state_secret",
            "commercial_secret",
            "privacy",
            "security_stability",
        )
        refused += ("not_government_information", "other_legal")
        if "refused_state_secret" in s and s["replies_refused"] != parts_sum("refused_", refused):
            failed.add("P4")
        for rule, kind in (("P5", "reconsideration"), ("P6", "litigation")):
            if f"{kind}_upheld" in s and s[f"{kind}_total"] != parts_sum(
                f"{kind}_", ("upheld", "corrected", "other")
            ):
                failed.add(rule)
        if "staff_total" in s and s["staff_total"] != s["staff_full_time"] + s["staff_part_time"]:
            failed.add("P7")
        pairs = (
            ("proactive_normative_docs", "proactive_items"),
            ("press_conferences_by_head", "press_conferences"),
            ("online_interviews_by_head", "online_interviews"),
        )
        if any(child in s and s[child] > s[parent] for child, parent in pairs):
            failed.add("P8")
    for (t, row, c), v in f.items():
        if t == "legacy_stats" and c == "value" and f.get((t, row, "cumulative"), v) < v:
            failed.add("P10")
    return failed


def _truth(
    seed: int, fmt: str, variant: str | None = None, violate: str | None = None
) -> SampleTruth:
    rng = random.Random(seed)
    year = rng.choice(FORMAT_YEARS[fmt])
    return make_truth(rng, fmt=fmt, year=year, variant=variant, violate=violate)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), fmt=st.sampled_from(FORMATS))
def test_clean_truth_satisfies_every_hard_rule(seed: int, fmt: str) -> None:
    truth = _truth(seed, fmt)
    assert failed_rules(truth) == set()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), fmt=st.sampled_from(("2019", "2021")))
def test_prose_headlines_agree_with_the_tables(seed: int, fmt: str) -> None:
    truth = _truth(seed, fmt)
    f = {(x.table, x.row, x.column): x.value for x in truth.facts}
    assert f["text", "applications_received", "value"] == f["applications", "new_received", "total"]
    assert (
        f["text", "reconsideration_total", "value"]
        == f["review_litigation", "reconsideration", "total"]
    )
    litigation = sum(f["review_litigation", r, "total"] for r in REVIEW[1:])
    assert f["text", "litigation_total", "value"] == litigation


@pytest.mark.parametrize("rule", list(RULE_VARIANTS))
def test_an_injected_violation_breaks_exactly_that_rule(rule: str) -> None:
    fmt = "2021" if rule.startswith("R") else "pre2019"
    for seed in range(20):
        truth = _truth(seed, fmt, violate=rule)
        assert failed_rules(truth) == {rule}, f"seed {seed}"
        assert truth.violated == rule


@pytest.mark.parametrize(
    ("fmt", "variant", "rule"),
    [
        ("pre2019", None, "R1"),
        ("2019", None, "P1"),
        ("pre2019", "none", "P3"),
        ("2021", None, "X9"),
    ],
    ids=["R-rule-on-pre2019", "P-rule-on-2019", "P-rule-without-table", "unknown-rule"],
)
def test_a_violation_the_format_cannot_carry_is_refused(
    fmt: str, variant: str | None, rule: str
) -> None:
    with pytest.raises(ValueError, match=rule if rule != "P3" else "cannot carry"):
        _truth(1, fmt, variant=variant, violate=rule)


@pytest.mark.parametrize("variant", PRE2019_VARIANTS)
def test_pre2019_variants(variant: str) -> None:
    truth = _truth(7, "pre2019", variant=variant)
    tables = {x.table for x in truth.facts}
    columns = {x.column for x in truth.facts if x.table == "legacy_stats"}
    if variant == "none":
        assert tables == {"text"}
        received = [x for x in truth.facts if x.row == "applications_received"]
        assert [x.value for x in received] == [0]
        assert received[0].raw.startswith("未收到")
    else:
        assert tables == {"legacy_stats", "text"}
        assert columns == ({"value", "cumulative"} if variant == "legacy" else {"value"})


def test_fact_keys_are_those_of_the_data_contract() -> None:
    contract = {
        "applications": {*APPLICANTS, "total"},
        "review_litigation": {"upheld", "corrected", "other", "pending", "total"},
        "legacy_stats": {"value", "cumulative"},
        "text": {"value"},
    }
    proactive_cols = {"issued", "repealed", "in_force", "decisions", "amount_wan_yuan"}
    proactive_cols |= {"made", "published", "total_public", "prior_year_items", "change", "items"}
    contract["proactive"] = proactive_cols
    for seed in range(30):
        for fmt in FORMATS:
            for fact in _truth(seed, fmt).facts:
                assert fact.column in contract[fact.table], fact


def test_regions_are_real_divisions_that_the_gazetteer_resolves() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import cpca

    truths = [_truth(seed, fmt) for seed in range(40) for fmt in FORMATS]
    levels = {
        "county" if t.region.county else "city" if t.region.city else "province" for t in truths
    }
    assert levels == {"province", "city", "county"}
    assert len({t.region.province for t in truths}) >= 15
    places = [f"{t.region.province}{t.region.city or ''}{t.region.county or ''}" for t in truths]
    resolved = cpca.transform(places)
    for truth, (_, row) in zip(truths, resolved.iterrows(), strict=True):
        assert row["省"] == truth.region.province
        if truth.region.county:
            assert (row["市"], row["区"]) == (truth.region.city, truth.region.county)
        place = truth.region.county or truth.region.city or truth.region.province
        assert place is not None and truth.agency.startswith(place)


def test_years_dates_and_title_are_consistent() -> None:
    for seed in range(50):
        for fmt in FORMATS:
            t = _truth(seed, fmt)
            assert t.report_year in FORMAT_YEARS[fmt]
            # The title names the year unless it is year-less, and the agency unless it drops
            # the place: then it names the department alone, and the agency ends with that.
            assert (str(t.report_year) in t.title) == (t.title_style != "no_year")
            if t.title_style == "no_place":
                department = t.title.split(str(t.report_year))[0]
                assert t.agency.endswith(department) and len(department) < len(t.agency)
            else:
                assert t.agency in t.title
            assert t.published_on is not None and t.published_on.startswith(str(t.report_year + 1))
            if t.signed_on is not None:
                assert f"{t.report_year + 1}-01-01" < t.signed_on <= t.published_on


def test_every_title_style_and_the_preamble_occur() -> None:
    truths = [_truth(seed, fmt) for seed in range(60) for fmt in FORMATS]
    assert {t.title_style for t in truths} == set(TITLE_STYLES)
    with_preamble = [t for t in truths if t.preamble]
    assert with_preamble and len(with_preamble) < len(truths)
    for t in with_preamble:
        first = t.blocks[0]
        assert isinstance(first, Para) and "《" in first.text and "\n" in first.text


def test_some_prose_counts_are_approximate() -> None:
    facts = [f for seed in range(60) for f in _truth(seed, "pre2019").facts if f.table == "text"]
    approx = [f for f in facts if f.approximate]
    assert approx and all(f.raw == f"{int(f.value)}余条" for f in approx)


def test_same_seed_same_truth() -> None:
    assert _truth(11, "2019").to_dict() == _truth(11, "2019").to_dict()
    assert _truth(11, "2019").to_dict() != _truth(12, "2019").to_dict()
