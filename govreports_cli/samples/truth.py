"""Ground-truth reports: contract fields, consistent tables and the prose around them."""

from __future__ import annotations

import datetime as dt
import string
from typing import TYPE_CHECKING

from govreports.contract.models import Fact, Format
from govreports_cli.samples import tables, values
from govreports_cli.samples.model import Block, Cell, Para, SampleTruth, Signature, Site, Title
from govreports_cli.samples.prose import Context, modern_body, pre2019_body
from govreports_cli.samples.regions import Agency, pick_agency
from govreports_cli.samples.violations import RULE_VARIANTS
from govreports_cli.samples.violations import violate as break_rule

if TYPE_CHECKING:
    import random

FORMAT_YEARS: dict[str, range] = {
    "pre2019": range(2012, 2019),
    "2019": range(2019, 2021),
    "2021": range(2021, 2026),
}
FORMATS = tuple(FORMAT_YEARS)
PRE2019_VARIANTS = ("national", "legacy", "none")

TITLES = (
    "{a}{y}年政府信息公开工作年度报告",
    "{a}{y}年度政府信息公开工作年度报告",
    "{a}{y}年政府信息公开年度报告",
)
# Title layouts seen on real pages (issue 8): the agency first (plain), the year first
# (2019年上海市人民政府办公厅…), no year at all (the year only in the statistics period), the
# department without its place (财政局2024年…, the place only in the body and the 落款), and
# the agency on its own line above 'YYYY年…报告' (the district PDFs).
TITLE_STYLES = ("plain", "year_first", "no_year", "no_place", "split")
_TITLE_WEIGHTS = (10, 3, 2, 2, 3)
_STYLE_TITLES = {
    "year_first": ("{y}年{a}政府信息公开工作年度报告", "{y}年度{a}政府信息公开工作年度报告"),
    "no_year": ("{a}政府信息公开工作年度报告", "{a}政府信息公开年度报告"),
    "no_place": ("{k}{y}年政府信息公开工作年度报告", "{k}{y}年度政府信息公开工作年度报告"),
    "split": ("{a}\n{y}年政府信息公开工作年度报告", "{a}\n{y}年度政府信息公开工作年度报告"),
}
PREAMBLE_SHARE = 0.25
# Visual line width of a wrapped preamble (characters), as a page or a PDF breaks it.
_PREAMBLE_WIDTH = 38


def _raw(value: int | float) -> str:
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0")


def _unit(key: values.Key, variant: str) -> str:
    table, row, column = key
    if table == "legacy_stats":
        return tables.legacy_unit(row, variant == "national")
    return "万元" if column == "amount_wan_yuan" else "件"


def _variant(rng: random.Random, fmt: str, variant: str | None, violate: str | None) -> str:
    if fmt != "pre2019":
        return "national"
    allowed = [v for v in PRE2019_VARIANTS if violate is None or v in RULE_VARIANTS[violate]]
    chosen = variant or rng.choices(allowed, weights=[3, 2, 2][: len(allowed)])[0]
    if chosen not in allowed:
        raise ValueError(f"variant {chosen!r} cannot carry {violate!r}")
    return chosen


def _values(
    rng: random.Random, fmt: str, year: int, variant: str, agency: Agency
) -> tuple[values.Values, dict[values.Key, str]]:
    raws: dict[values.Key, str] = {}
    if fmt == "pre2019":
        if variant == "national":
            return values.legacy_stats_national(rng), raws
        if variant == "legacy":
            return values.legacy_stats_cumulative(rng, year - 2008), raws
        return {}, raws
    makes_rules = agency.is_government and agency.division.level != "county"
    v = values.applications(rng, fmt) | values.review_litigation(rng)
    if fmt == "2021":
        return values.proactive_2021(rng, makes_rules) | v, raws
    p = values.proactive_2019(rng, makes_rules)
    amount, raws["proactive", "procurement", "amount_wan_yuan"] = values.procurement_amount(rng)
    p["proactive", "procurement", "amount_wan_yuan"] = amount
    return p | v, raws


def _table_blocks(
    fmt: str, year: int, variant: str, cell: tables.Raw, *, agency: Agency, filled: dt.date
) -> list[Block]:
    if fmt != "pre2019":
        builders = (
            tables.proactive_table_2021 if fmt == "2021" else tables.proactive_table_2019,
            lambda c: tables.applications_table(fmt, c),
            tables.review_table,
        )
        return [b(cell) for b in builders]
    if variant == "legacy":
        return [tables.legacy_stats_table(year, cell)]
    if variant == "national":
        return [
            Para(f"填报单位（盖章）：{agency.name}"),
            tables.national_stats_table(cell),
            Para(
                "单位负责人：张某某 审核人：李某 填报人：王某某 "
                f"填报日期：{filled.year}年{filled.month}月{filled.day}日"
            ),
        ]
    return []


def _dates(rng: random.Random, year: int, agency: Agency) -> tuple[dt.date, dt.date | None, str]:
    deadline = dt.date(year + 1, 1, 31) if year >= 2019 and not agency.is_government else None
    last = deadline or dt.date(year + 1, 3, 31)
    first = dt.date(year + 1, 1, 5)
    published = first + dt.timedelta(days=rng.randint(0, (last - first).days))
    signed = published - dt.timedelta(days=rng.randint(0, 6))
    signed = max(signed, dt.date(year + 1, 1, 2))
    clock = f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    return published, signed if rng.random() < 0.9 else None, clock


def _site(rng: random.Random, agency: Agency, published: dt.date, clock: str) -> Site:
    letters = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 6)))
    return Site(
        owner=agency.site_owner,
        domain=f"www.{letters}.gov.cn",
        published_at=f"{published.isoformat()} {clock}",
        breadcrumb=("首页", "政务公开", "政府信息公开", "政府信息公开年报"),
    )


def _signed_text(rng: random.Random, d: dt.date) -> str:
    if rng.random() < 0.3:
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    return f"{d.year}年{d.month}月{d.day}日"


def _title(rng: random.Random, agency: Agency, year: int, style: str | None) -> tuple[str, str]:
    """The title text (with "\n" where it is split) and its style."""
    if style is None:
        style = rng.choices(TITLE_STYLES, weights=_TITLE_WEIGHTS)[0]
    if style not in TITLE_STYLES:
        raise ValueError(f"unknown title style {style!r}; expected one of {TITLE_STYLES}")
    if style == "no_place" and agency.is_government:
        style = "plain"  # 人民政府 / 办公室 without their place name is no name at all
    templates = TITLES if style == "plain" else _STYLE_TITLES[style]
    return rng.choice(templates).format(a=agency.name, y=year, k=agency.kind), style


def _preamble(rng: random.Random, agency: Agency, year: int) -> Para:
    """A paragraph citing the 条例, the province's 规定 and the notice, hard-wrapped."""
    notice = rng.choice(
        (
            f"《关于做好{year}年政府信息公开工作年度报告编制和发布工作的通知》",
            "《关于政府信息公开工作年度报告有关事项的通知》",
        )
    )
    text = (
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
        f"《{agency.division.province}政府信息公开规定》（以下简称《规定》）以及{notice}要求，"
        "现将本机关政府信息公开工作年度报告予以公布。"
    )
    lines = [text[i : i + _PREAMBLE_WIDTH] for i in range(0, len(text), _PREAMBLE_WIDTH)]
    return Para("\n".join(lines))


def make_truth(
    rng: random.Random,
    *,
    fmt: str,
    year: int,
    agency: Agency | None = None,
    variant: str | None = None,
    violate: str | None = None,
    title_style: str | None = None,
    preamble: bool | None = None,
) -> SampleTruth:
    """One consistent report of ``fmt`` for ``year``; ``violate="R1"`` etc. breaks that one rule
    (the tables are then inconsistent as published, and the truth records them as stated).

    ``variant`` picks the pre-2019 table: ``national`` (统计指标/单位/统计数), ``legacy``
    (指标名称/计量单位/本年度/历年累计) or ``none`` (prose only). ``title_style`` picks one of
    ``TITLE_STYLES`` and ``preamble`` puts a preamble paragraph above the title (random when
    ``None``).
    """
    if fmt not in FORMAT_YEARS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if violate is not None and violate not in RULE_VARIANTS:
        raise ValueError(f"unknown rule {violate!r}; known: {', '.join(RULE_VARIANTS)}")
    if violate is not None and fmt != "pre2019" and fmt not in RULE_VARIANTS[violate]:
        raise ValueError(f"rule {violate} does not apply to format {fmt}")
    if violate is not None and fmt == "pre2019" and violate.startswith("R"):
        raise ValueError(f"rule {violate} does not apply to format {fmt}")
    agency = agency or pick_agency(rng, year)
    variant = _variant(rng, fmt, variant, violate)
    v, raws = _values(rng, fmt, year, variant, agency)
    if violate:
        break_rule(v, violate)
    published, signed, clock = _dates(rng, year, agency)
    site = _site(rng, agency, published, clock)
    blank_zeros = rng.random() < 0.3 and any(x for k, x in v.items() if k[0] == "applications")

    def cell(key: values.Key) -> Cell:
        return Cell(raws.get(key) or _raw(v[key]), zero=key[0] == "applications" and v[key] == 0)

    table = _table_blocks(
        fmt, year, variant, cell, agency=agency, filled=published - dt.timedelta(days=20)
    )
    ctx = Context(rng, agency, year, fmt, site.owner, site.domain, v, bool(table))
    title_text, style = _title(rng, agency, year, title_style)
    title = title_text.replace("\n", "")
    with_preamble = rng.random() < PREAMBLE_SHARE if preamble is None else preamble
    if with_preamble:
        ctx.blocks.append(_preamble(rng, agency, year))
    ctx.blocks.append(Title(title_text))
    if fmt == "pre2019":
        pre2019_body(ctx, table)
    else:
        modern_body(ctx, *table)
    ctx.blocks.append(Signature(agency.name, _signed_text(rng, signed) if signed else None))
    table_facts = [
        Fact(k[0], k[1], k[2], x, _unit(k, variant), False, raws.get(k) or _raw(x))
        for k, x in v.items()
    ]
    report_format: Format = "pre2019" if fmt == "pre2019" else "2019" if fmt == "2019" else "2021"
    return SampleTruth(
        title=title,
        agency=agency.name,
        report_year=year,
        format=report_format,
        published_on=published.isoformat(),
        signed_on=signed.isoformat() if signed else None,
        region=agency.division.region,
        sections=ctx.sections,
        facts=table_facts + ctx.facts,
        blocks=tuple(ctx.blocks),
        site=site,
        table_variant=variant,
        blank_zeros=blank_zeros,
        chrome=rng.random() < 0.5,
        violated=violate,
        title_style=style,
        preamble=with_preamble,
    )
