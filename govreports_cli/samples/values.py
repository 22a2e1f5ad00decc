"""Table numbers that satisfy the format's hard rules by construction.

Each generator returns ``{(table, row, column): value}``; sums are computed from
their parts, never drawn on their own, so R1–R7, P1–P8 and P10 hold unless a
violation is injected on purpose afterwards (see ``violate``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govreports.contract.vocabulary import (
    APPLICANT_COLUMNS,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    OUTCOME_ROWS_2019,
    REVIEW_PARTS,
    REVIEW_ROWS,
)

if TYPE_CHECKING:
    import random

Key = tuple[str, str, str]
Values = dict[Key, int | float]


def outcome_rows(fmt: str) -> tuple[str, ...]:
    return (*OUTCOME_ROWS_2019, *(OTHER_ROWS_2021 if fmt == "2021" else OTHER_ROWS_2019))


def split(rng: random.Random, total: int, parts: int, active: int | None = None) -> list[int]:
    """``total`` spread over ``parts`` slots, only a few of them non-zero, like real tables."""
    out = [0] * parts
    if total <= 0:
        return out
    slots = rng.sample(range(parts), min(parts, active or rng.randint(1, 3)))
    cuts = sorted(rng.randint(0, total) for _ in range(len(slots) - 1))
    for slot, lo, hi in zip(slots, [0, *cuts], [*cuts, total], strict=True):
        out[slot] = hi - lo
    return out


def _scale(rng: random.Random) -> int:
    """Yearly application count: many small agencies get none, a few get thousands."""
    return rng.choice((0, 0, rng.randint(1, 9), rng.randint(5, 80), rng.randint(50, 3200)))


def applications(rng: random.Random, fmt: str) -> Values:
    rows = outcome_rows(fmt)
    v: Values = {}
    scale = _scale(rng)
    shares = (1.0, 0.25, 0.05, 0.02, 0.02, 0.03)
    for col, share in zip(APPLICANT_COLUMNS, shares, strict=True):
        new = scale if col == "natural_person" else round(scale * share * rng.random())
        carried = rng.choice((0, 0, 0, rng.randint(0, 3)))
        forward = min(new + carried, rng.choice((0, 0, rng.randint(0, 4))))
        handled = new + carried - forward
        main = split(rng, handled, 2, 2)
        rest = split(rng, handled - main[0] - main[1], len(rows) - 2)
        for row, n in zip(rows, [*main, *rest], strict=True):
            v["applications", row, col] = n
        v["applications", "new_received", col] = new
        v["applications", "carried_over", col] = carried
        v["applications", "outcome_total", col] = handled
        v["applications", "carried_forward", col] = forward
    for row in ("new_received", "carried_over", *rows, "outcome_total", "carried_forward"):
        v["applications", row, "total"] = sum(
            int(v["applications", row, c]) for c in APPLICANT_COLUMNS
        )
    return v


def review_litigation(rng: random.Random) -> Values:
    v: Values = {}
    for row in REVIEW_ROWS:
        parts = split(rng, rng.choice((0, 0, 0, rng.randint(1, 4), rng.randint(1, 40))), 4)
        for col, n in zip(REVIEW_PARTS, parts, strict=True):
            v["review_litigation", row, col] = n
        v["review_litigation", row, "total"] = sum(parts)
    return v


def _money(rng: random.Random, high: float, decimals: int) -> float:
    return round(rng.uniform(0, high), decimals) if rng.random() < 0.6 else 0.0


def proactive_2021(rng: random.Random, makes_rules: bool) -> Values:
    v: Values = {}
    for row, high in (("rules", 6 if makes_rules else 0), ("normative_documents", 60)):
        issued = rng.randint(0, high)
        repealed = rng.randint(0, high)
        v["proactive", row, "issued"] = issued
        v["proactive", row, "repealed"] = repealed
        v["proactive", row, "in_force"] = issued + rng.randint(0, high * 12)
    for row, high in (("licensing", 20000), ("penalty", 4000), ("enforcement", 300)):
        v["proactive", row, "decisions"] = rng.choice((0, rng.randint(0, high)))
    v["proactive", "admin_fees", "amount_wan_yuan"] = _money(rng, 30000, rng.choice((0, 2, 6)))
    return v


def proactive_2019(rng: random.Random, makes_rules: bool) -> Values:
    v: Values = {}
    for row, high in (("rules", 6 if makes_rules else 0), ("normative_documents", 90)):
        made = rng.randint(0, high)
        v["proactive", row, "made"] = made
        v["proactive", row, "published"] = made - rng.choice((0, 0, 0, min(made, 1)))
        v["proactive", row, "total_public"] = made + rng.randint(0, high * 10)
    items: tuple[tuple[str, int], ...] = (("licensing", 400), ("other_management_services", 100))
    items += (("penalty", 3000), ("enforcement", 150), ("admin_fees", 40))
    for row, high in items:
        prior = rng.randint(0, high)
        v["proactive", row, "prior_year_items"] = prior
        v["proactive", row, "change"] = rng.randint(-min(prior, high // 10), high // 10)
        if row != "admin_fees":
            v["proactive", row, "decisions"] = rng.choice((0, rng.randint(0, high * 8)))
    v["proactive", "procurement", "items"] = rng.randint(0, 300)
    return v


def procurement_amount(rng: random.Random) -> tuple[float, str]:
    """Amount in 万元 and the cell as written, with the unit the agency chose (元 or 万元)."""
    cents = rng.choice((0, rng.randint(1_000_00, 900_000_000_00)))
    if rng.random() < 0.5:
        raw = f"{cents // 100}.{cents % 100:02d}元" if cents % 100 else f"{cents // 100}元"
        return cents / 1_000_000, raw
    wan = round(cents / 1_000_000, 2)
    # Not ``:g`` (six significant digits: 82449.84 was written 82449.8, a truth/raw mismatch).
    written = f"{wan:.2f}".rstrip("0").rstrip(".")
    return wan, f"{written}万元" if wan else "0万元"


def legacy_stats_national(rng: random.Random) -> Values:
    v: dict[str, int | float] = {}
    n = rng.randint(20, 5000)
    v["proactive_items"] = n
    v["proactive_normative_docs"] = rng.randint(0, min(n, 30))
    v["normative_docs_issued"] = rng.randint(0, 30)
    for key, share in (("gazette", 0.1), ("website", 1.0), ("weibo", 0.8), ("weixin", 0.8)):
        v[f"channel_{key}"] = rng.randint(0, round(n * share))
    v["channel_other"] = rng.randint(0, n // 2)
    v["responses_hot_topics"] = rng.randint(0, 50)
    for key, high in (("press_conferences", 10), ("online_interviews", 12)):
        v[key] = rng.randint(0, high)
        v[f"{key}_by_head"] = rng.randint(0, int(v[key]))
    for key, high in (("policy_interpretations", 40), ("weibo_weixin_responses", 30)):
        v[key] = rng.randint(0, high)
    v["other_responses"] = rng.randint(0, 10)
    v.update(_requests(rng))
    closed = int(v["replies_total"])
    extended = rng.randint(0, min(closed, 2))
    v["applications_closed_on_time"] = closed - extended
    v["applications_closed_extended"] = extended
    v["applications_closed"] = closed
    for kind in ("reconsideration", "litigation"):
        parts = split(rng, rng.choice((0, 0, 0, rng.randint(1, 3))), 3)
        for col, part in zip(("upheld", "corrected", "other"), parts, strict=True):
            v[f"{kind}_{col}"] = part
        v[f"{kind}_total"] = sum(parts)
    v["complaints"] = rng.choice((0, 0, rng.randint(1, 5)))
    v["fees_wan_yuan"] = 0
    v["dedicated_units"] = rng.randint(0, 3)
    v["reading_points"] = rng.randint(0, 5)
    full, part = rng.randint(0, 3), rng.randint(0, 6)
    v["staff_total"], v["staff_full_time"], v["staff_part_time"] = full + part, full, part
    v["special_funds_wan_yuan"] = rng.choice((0, 0.5, 1.5, 3, 5, 12.8, rng.randint(1, 40)))
    v["meetings"] = rng.randint(0, 10)
    v["trainings"] = rng.randint(0, 8)
    v["trainees"] = rng.randint(0, 500) if v["trainings"] else 0
    return {("legacy_stats", row, "value"): x for row, x in v.items()}


def _requests(rng: random.Random) -> dict[str, int | float]:
    v: dict[str, int | float] = {}
    received = rng.choice((0, 0, rng.randint(1, 12), rng.randint(10, 300)))
    channels = ("in_person", "fax", "online", "letter")
    for key, n in zip(channels, split(rng, received, 4), strict=True):
        v[f"applications_{key}"] = n
    v["applications_received"] = received
    answered = received - rng.randint(0, min(received, 2))
    replies: tuple[str, ...] = ("already_public", "disclosed", "partially_disclosed", "refused")
    replies += ("not_this_agency", "not_exist", "correction_requested", "other_channel")
    for key, n in zip(replies, split(rng, answered, 8, 4), strict=True):
        v[f"replies_{key}"] = n
    refused: tuple[str, ...] = (
        "state_secret",
        "commercial_secret",
        "privacy",
        "security_stability",
    )
    refused += ("not_government_information", "other_legal")
    for key, n in zip(refused, split(rng, int(v["replies_refused"]), 6), strict=True):
        v[f"refused_{key}"] = n
    v["replies_total"] = answered
    return v


LEGACY_ROWS = (
    "proactive_items",
    "channel_website",
    "channel_gazette",
    "applications_received",
    "applications_in_person",
    "applications_online",
    "applications_letter",
    "applications_fax",
    "replies_total",
    "replies_disclosed",
    "replies_partially_disclosed",
    "replies_refused",
    "reconsideration_total",
    "litigation_total",
)


def _legacy_year(rng: random.Random, scale: int) -> dict[str, int]:
    n = rng.randint(scale // 4, scale)
    received = rng.choice((0, 0, rng.randint(1, 30)))
    channels = split(rng, received, 4)
    answers = split(rng, received, 3, 2)
    return {
        "proactive_items": n,
        "channel_website": n - rng.randint(0, n // 10),
        "channel_gazette": rng.randint(0, n // 20),
        "applications_received": received,
        "applications_in_person": channels[0],
        "applications_online": channels[1],
        "applications_letter": channels[2],
        "applications_fax": channels[3],
        "replies_total": received,
        "replies_disclosed": answers[0],
        "replies_partially_disclosed": answers[1],
        "replies_refused": answers[2],
        "reconsideration_total": rng.choice((0, 0, 0, 1)),
        "litigation_total": rng.choice((0, 0, 0, 1)),
    }


def legacy_stats_cumulative(rng: random.Random, years_before: int) -> Values:
    """The older 本年度/历年累计 table: 历年累计 is this year plus every earlier year."""
    this = _legacy_year(rng, rng.randint(100, 4000))
    earlier = [_legacy_year(rng, rng.randint(50, 3000)) for _ in range(years_before)]
    v: Values = {}
    for row in LEGACY_ROWS:
        v["legacy_stats", row, "value"] = this[row]
        v["legacy_stats", row, "cumulative"] = this[row] + sum(y[row] for y in earlier)
    return v
