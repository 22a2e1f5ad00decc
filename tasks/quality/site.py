"""The maintainers' review desk: one static site for the whole dataset, built from the tables.

``quality/`` holds plain HTML pages with inline CSS, SVG and a few lines of inline
JavaScript (filters and search); no server, no fonts, no CDN, every link relative, so
the same files work from the bucket and from a ``file://`` copy of it:

* ``index.html``: reports by status, year, province and format, the rules that fail
  most, trends over runs and over report years, the filterable list of every report
  that needs a look (fail, warn, reviewed), the quarantine, and the runs;
* ``reports/<report_id>.html``: one failing / warned / reviewed report: each rule that
  did not hold with observed and expected values and the source lines around its
  ``line``, the parser's notes, the review decisions, links to the raw object and run;
* ``runs/<run_id>/index.html``: one ingest run: its counts, stage times, reports and
  quarantined objects (linked from the run's Prefect artifact).

Everything comes from the curated tables (``reports``, ``rule_results``,
``outcomes``, ``reviews``) and the run summaries in ``quality/runs.json``, never from
one run's memory, so the overview always covers the dataset. Reads take only the
columns needed; the normalized text (``reports.text``, where source lines come from) is
read only for the reports that get a page. Pure functions here: ``build_site`` returns
``{relative path: bytes}``; the caller writes them to the bucket or a folder.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import pyarrow as pa

    from tasks.delta import Curated

STATUSES = ("pass", "warn", "fail", "quarantined")
ENTRY_PAGES = ("site.json", "index.html")  # written after the pages they link to
PUT_THREADS = 8  # the store's client keeps up to 32 connections (tasks/store.py)
COLORS = {
    "pass": "#2e7d32",
    "warn": "#b26a00",
    "fail": "#c62828",
    "quarantined": "#6a1b9a",
    "reviewed": "#0969da",
}
# A report gets its own page when a maintainer may need to look at it.
PAGE_STATUSES = ("warn", "fail")
# Lines shown either side of a rule's source line.
CONTEXT_LINES = 3
# Columns of ``reports`` the overview needs (never ``text`` or ``notes``: read per page).
REPORT_COLUMNS = [
    "report_id",
    "title",
    "agency",
    "report_year",
    "format",
    "province",
    "city",
    "county",
    "key",
    "etag",
    "run_id",
    "ingested_at",
    "quality_status",
    "failed_rules",
    "warned_rules",
]
RULE_COLUMNS = [
    "report_id",
    "rule_id",
    "severity",
    "passed",
    "observed",
    "expected",
    "detail",
    "line",
    "table",
]
FACT_COLUMNS = ["report_id", "table", "row", "column", "value", "raw", "line"]
OUTCOME_COLUMNS = ["key", "etag", "outcome", "report_id", "stage", "reason", "run_id", "at"]


# The overview's count tables: by report year, province and format.
FACETS = ("report_year", "province", "format")


@dataclass(slots=True)
class Overview:
    """What the overview counts over every report.

    Computed in Arrow from the light columns (``Overview.of``): a run's overview costs a
    columnar pass over the dataset's reports, not a Python dict per report (at 100,000
    reports that loop and the rows it needed were most of a run's quality report).
    """

    reports: int
    status: Counter[str]
    # facet -> label -> status counts (labels: the year as digits, else the value; a missing
    # one is "unknown").
    facets: dict[str, dict[str, Counter[str]]]
    # rule -> reports failing (warned on) it; a report counts once per rule.
    failing: Counter[str]
    warned: Counter[str]

    @classmethod
    def of(cls, reports: pa.Table) -> Overview:
        import pyarrow as pa
        import pyarrow.compute as pc

        status = pc.fill_null(pc.cast(_column(reports, "quality_status"), pa.string()), "None")
        counted = pc.value_counts(status) if reports.num_rows else None
        facets: dict[str, dict[str, Counter[str]]] = {}
        for facet in FACETS:
            grouped = (
                pa.table({"label": _labels(reports, facet), "status": status})
                .group_by(["label", "status"])
                .aggregate([("status", "count")])
            )
            table: dict[str, Counter[str]] = defaultdict(Counter)
            for row in grouped.to_pylist():
                table[row["label"]][row["status"]] += row["status_count"]
            facets[facet] = dict(table)
        return cls(
            reports=reports.num_rows,
            status=Counter(
                {}
                if counted is None
                else dict(
                    zip(
                        counted.field("values").to_pylist(),
                        counted.field("counts").to_pylist(),
                        strict=True,
                    )
                )
            ),
            facets=facets,
            failing=_reports_per_rule(reports, "failed_rules"),
            warned=_reports_per_rule(reports, "warned_rules"),
        )

    @classmethod
    def of_rows(cls, reports: Sequence[Mapping[str, Any]]) -> Overview:
        """The same counts from rows (a site built from rows, as tests do)."""
        import pyarrow as pa

        names = list(dict.fromkeys(k for r in reports for k in r))
        return cls.of(pa.table({k: [r.get(k) for r in reports] for k in names}))


def _column(table: pa.Table, name: str) -> pa.ChunkedArray | pa.Array:
    import pyarrow as pa

    return table[name] if name in table.column_names else pa.nulls(table.num_rows)


def _labels(reports: pa.Table, facet: str) -> pa.Array:
    """A facet's label per report, as ``_year`` and the count tables show it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = _column(reports, facet)
    if facet == "report_year":
        if pa.types.is_floating(values.type):
            values = pc.if_else(pc.is_nan(values), None, values)
        return pc.fill_null(pc.cast(pc.cast(values, pa.int64()), pa.string()), "unknown")
    text = pc.cast(values, pa.string())
    return pc.if_else(pc.fill_null(pc.equal(text, ""), True), "unknown", text)


def _reports_per_rule(reports: pa.Table, column: str) -> Counter[str]:
    import pyarrow as pa
    import pyarrow.compute as pc

    lists = _column(reports, column)
    if not reports.num_rows or not pa.types.is_list(lists.type):
        return Counter()
    pairs = pa.table({"report": pc.list_parent_indices(lists), "rule": pc.list_flatten(lists)})
    pairs = pairs.filter(pc.is_valid(pairs["rule"]))
    unique = pairs.group_by(["report", "rule"]).aggregate([])
    per_rule = unique.group_by("rule").aggregate([("report", "count")])
    return Counter(
        dict(zip(per_rule["rule"].to_pylist(), per_rule["report_count"].to_pylist(), strict=True))
    )


@dataclass(slots=True)
class SiteData:
    """What the site shows, as plain rows (one dict per table row).

    ``reports``: the reports the site shows one by one. From the tables
    (``load_site_data``) those that need a page and those of the runs whose pages are built;
    built from rows, whichever are given. The overview's counts cover every report:
    ``overview`` (from the tables), else computed from ``reports``.
    """

    reports: list[dict[str, Any]]
    # Rule results that did not hold, for the reports that get a page.
    failed: list[dict[str, Any]]
    # report_id -> normalized text, for the reports that get a page.
    texts: dict[str, str]
    quarantined: list[dict[str, Any]]
    # Run summaries, oldest first (quality/runs.json).
    runs: list[dict[str, Any]]
    reviews: list[dict[str, Any]] = field(default_factory=list)
    # Facts of the reports that get a page (to name the numbers on a rule's source line).
    facts: list[dict[str, Any]] = field(default_factory=list)
    # Where the raw objects are, relative to the site root (``../raw/`` in the bucket).
    raw_root: str = "../"
    bucket: str = ""
    generated_at: str = ""
    overview: Overview | None = None

    def counted(self) -> Overview:
        if self.overview is None:
            self.overview = Overview.of_rows(self.reports)
        return self.overview


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def _year(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    return str(int(value))  # type: ignore[call-overload]


def report_page(report_id: str) -> str:
    """The site path of a report's page."""
    return f"reports/{report_id}.html"


def run_page(run_id: str) -> str:
    return f"runs/{quote(str(run_id), safe='')}/index.html"


def _raw_href(data: SiteData, key: str, depth: int) -> str:
    return "../" * depth + data.raw_root + quote(key)


def review_state(data: SiteData) -> dict[str, str]:
    """report_id -> the review that decides its status now (``accepted`` / ``corrected``)."""
    state: dict[str, str] = {}
    for r in sorted(data.reviews, key=lambda r: str(r.get("at"))):
        rid = r.get("report_id")
        if rid and r.get("action") in {"accept", "correct"}:
            state[str(rid)] = "accepted" if r["action"] == "accept" else "corrected"
    return state


def needs_page(report: Mapping[str, Any], reviewed: Mapping[str, str]) -> bool:
    return report.get("quality_status") in PAGE_STATUSES or str(report["report_id"]) in reviewed


_CSS = """
:root{--muted:#59636e;--line:#eef1f4}
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;
margin:0;background:#f6f7f9;color:#1f2328}
main{max-width:1180px;margin:0 auto;padding:24px 24px 48px}
nav{font-size:13px;margin-bottom:10px}nav a{margin-right:14px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:30px 0 10px}h3{font-size:15px;margin:18px 0 6px}
.meta,.sub{color:var(--muted);font-size:12px}
.cards{display:flex;gap:12px;margin:18px 0 8px;flex-wrap:wrap}
.card{background:#fff;border-radius:10px;padding:12px 18px;min-width:120px;
box-shadow:0 1px 2px rgba(0,0,0,.08);border-top:4px solid var(--c)}
.card b{display:block;font-size:26px;color:var(--c)}.card span{font-size:13px;color:var(--muted)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:16px}
.box{background:#fff;border-radius:10px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
.box table{box-shadow:none}
th{background:#eef1f4;text-align:left;padding:6px 9px;font-weight:600}
td{padding:6px 9px;border-top:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-size:12px;white-space:nowrap}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
.empty{color:var(--muted);font-style:italic;padding:8px 0}
.filters{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin:8px 0}
.filters select,.filters input{font:inherit;font-size:13px;padding:4px 6px;border:1px solid #d0d7de;border-radius:6px}
.filters input{min-width:240px}
pre.src{margin:6px 0 0;background:#f6f8fa;border-radius:6px;padding:6px 0;overflow-x:auto;font-size:12px}
pre.src span{display:block;padding:0 10px;white-space:pre-wrap}
pre.src span.hit{background:#fff4c2;font-weight:600}
pre.src i{color:var(--muted);font-style:normal;display:inline-block;min-width:3.5em;user-select:none}
.rule{border-top:1px solid var(--line);padding:10px 0}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px;font-size:13px}
.kv dt{color:var(--muted)}.kv dd{margin:0}
.stale{color:#b26a00;font-weight:600}
details.facts ul{margin:4px 0;padding-left:18px;font-size:12px}
svg text{font-size:10px;fill:#59636e}
"""

# Filters and search: plain JS, no library, no network. Each list row carries its
# facets as data attributes; a facet value of "" means "any".
_FILTER_JS = """
(function(){
  var rows=[].slice.call(document.querySelectorAll('#problems tbody tr'));
  var ctl={year:'f-year',province:'f-province',rule:'f-rule',status:'f-status'};
  var q=document.getElementById('f-search'),shown=document.getElementById('shown');
  function apply(){
    var want={},n=0,text=q.value.trim().toLowerCase();
    for(var k in ctl){want[k]=document.getElementById(ctl[k]).value;}
    rows.forEach(function(r){
      var ok=(!want.year||r.dataset.year===want.year)&&(!want.province||r.dataset.province===want.province)
        &&(!want.status||r.dataset.status===want.status)
        &&(!want.rule||(' '+r.dataset.rules+' ').indexOf(' '+want.rule+' ')>=0)
        &&(!text||r.dataset.search.indexOf(text)>=0);
      r.hidden=!ok;if(ok){n++;}
    });
    shown.textContent=n;
  }
  for(var k in ctl){document.getElementById(ctl[k]).addEventListener('change',apply);}
  q.addEventListener('input',apply);
  [].slice.call(document.querySelectorAll('[data-set-rule]')).forEach(function(a){
    a.addEventListener('click',function(ev){ev.preventDefault();
      document.getElementById('f-rule').value=a.dataset.setRule;apply();
      document.getElementById('problems').scrollIntoView();});
  });
  var h=decodeURIComponent(location.hash.slice(1));
  h.split('&').forEach(function(p){var kv=p.split('=');if(ctl[kv[0]]){document.getElementById(ctl[kv[0]]).value=kv[1]||'';}});
  apply();
})();
"""


def _page(title: str, body: str, depth: int, script: str = "") -> bytes:
    up = "../" * depth
    nav = (
        f'<nav><a href="{up}index.html">Overview</a><a href="{up}index.html#problems">Reports to review</a>'
        f'<a href="{up}index.html#quarantine">Quarantine</a><a href="{up}index.html#decisions">Decisions</a>'
        f'<a href="{up}index.html#runs">Runs</a></nav>'
    )
    js = f"<script>{script}</script>" if script else ""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        # No request may leave the page: everything is inline or a relative link.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body><main>{nav}{body}</main>{js}</body></html>"
    ).encode()


def _badge(status: str) -> str:
    return f'<span class="badge" style="background:{COLORS.get(status, "#59636e")}">{_e(status)}</span>'


def _name(report: Mapping[str, Any]) -> str:
    return str(report.get("agency") or report.get("title") or str(report["report_id"])[:12])


# ---------------------------------------------------------------------------------------------
# Charts: inline SVG, no library.


def _bar_chart(groups: Sequence[tuple[str, Mapping[str, int]]], width: int = 520) -> str:
    """Stacked horizontal bars by status, one per group (e.g. report year)."""
    if not groups:
        return '<p class="empty">No reports yet.</p>'
    bar, gap, label_w = 14, 4, 70
    top = max(sum(c.values()) for _, c in groups) or 1
    scale = (width - label_w - 40) / top
    height = len(groups) * (bar + gap) + 4
    parts = []
    for i, (label, counts) in enumerate(groups):
        y = i * (bar + gap) + 2
        x = float(label_w)
        parts.append(f'<text x="0" y="{y + bar - 3}">{_e(label)}</text>')
        for status in STATUSES:
            n = counts.get(status, 0)
            if n:
                w = n * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{COLORS[status]}">'
                    f"<title>{_e(label)}: {n} {status}</title></rect>"
                )
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar - 3}">{sum(counts.values())}</text>')
    return (
        f'<svg role="img" width="100%" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet">{"".join(parts)}</svg>'
    )


def _line_chart(
    points: Sequence[Mapping[str, Any]], series: Sequence[str], width: int = 520, height: int = 140
) -> str:
    """One line per series over the points (runs, oldest first)."""
    if not points:
        return '<p class="empty">No runs yet.</p>'
    top = max([float(p.get(s, 0) or 0) for p in points for s in series] + [1.0])
    left, bottom = 30, 14
    step = (width - left - 6) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return 4 + (height - bottom - 8) * (1 - v / top)

    lines = []
    for s in series:
        coords = " ".join(
            f"{left + i * step:.1f},{y(float(p.get(s, 0) or 0)):.1f}" for i, p in enumerate(points)
        )
        lines.append(
            f'<polyline fill="none" stroke="{COLORS[s]}" stroke-width="2" points="{coords}">'
            f"<title>{s}</title></polyline>"
        )
        if len(points) <= 40:  # a point per run while they are few enough to tell apart
            lines.extend(
                f'<circle cx="{left + i * step:.1f}" cy="{y(float(p.get(s, 0) or 0)):.1f}" r="2.5" '
                f'fill="{COLORS[s]}"><title>{_e(p.get("run_id"))}: {int(p.get(s, 0) or 0)} {s}</title></circle>'
                for i, p in enumerate(points)
            )
    axis = (
        f'<text x="0" y="{y(top) + 4:.0f}">{int(top)}</text><text x="0" y="{y(0):.0f}">0</text>'
        f'<line x1="{left}" x2="{width}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#d0d7de"/>'
        f'<text x="{left}" y="{height - 2}">{_e(str(points[0].get("at", ""))[:10])}</text>'
        f'<text x="{width - 70}" y="{height - 2}">{_e(str(points[-1].get("at", ""))[:10])}</text>'
    )
    legend = " ".join(f'<span style="color:{COLORS[s]}">■ {s}</span>' for s in series)
    return (
        f'<svg role="img" width="100%" viewBox="0 0 {width} {height}">{axis}{"".join(lines)}</svg>'
        f'<div class="sub">{legend}</div>'
    )


# ---------------------------------------------------------------------------------------------
# The overview.


def overview_counts(data: SiteData) -> dict[str, int]:
    """Reports per status plus quarantined objects: what the cards show."""
    counts = data.counted().status
    out = {s: counts.get(s, 0) for s in ("pass", "warn", "fail")}
    out["quarantined"] = len(data.quarantined)
    out["reviewed"] = len(review_state(data))
    return out


def _cards(counts: Mapping[str, int]) -> str:
    cards = "".join(
        f'<div class="card" style="--c:{COLORS[s]}"><b data-count="{s}">{counts.get(s, 0)}</b>'
        f"<span>{s}</span></div>"
        for s in (*STATUSES, "reviewed")
    )
    return f'<div class="cards">{cards}</div>'


def _count_table(title: str, groups: Mapping[str, Counter[str]], facet: str) -> str:
    statuses = ("pass", "warn", "fail")
    head = f"<tr><th>{_e(title)}</th>" + "".join(f'<th class="n">{s}</th>' for s in statuses)
    head += '<th class="n">all</th></tr>'
    body = "".join(
        f'<tr data-{facet}="{_e(label)}"><td>{_e(label)}</td>'
        + "".join(f'<td class="n">{c.get(s, 0)}</td>' for s in statuses)
        + f'<td class="n">{sum(c.values())}</td></tr>'
        for label, c in sorted(groups.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    )
    return f'<div class="box"><table data-facet="{facet}">{head}{body}</table></div>'


def _top_rules(data: SiteData) -> str:
    failing, warned = data.counted().failing, data.counted().warned
    if not failing and not warned:
        return '<p class="empty">Every rule holds on every report.</p>'
    rules = sorted(set(failing) | set(warned), key=lambda k: (-failing[k], -warned[k], k))
    body = "".join(
        f'<tr><td><a href="#rule={_e(k)}" data-set-rule="{_e(k)}">{_e(k)}</a></td>'
        f'<td class="n">{failing[k]}</td><td class="n">{warned[k]}</td></tr>'
        for k in rules[:15]
    )
    return (
        '<div class="box"><table id="top-rules"><tr><th>rule</th>'
        '<th class="n">reports failing</th><th class="n">reports warned</th></tr>'
        f"{body}</table></div>"
    )


def _options(values: Iterable[str], label: str, ident: str) -> str:
    opts = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
    return (
        f'<label>{label} <select id="{ident}"><option value="">all</option>{opts}</select></label>'
    )


def _problem_list(data: SiteData, reviewed: Mapping[str, str]) -> str:
    rows = [r for r in data.reports if needs_page(r, reviewed)]
    rows.sort(
        key=lambda r: (
            {"fail": 0, "warn": 1}.get(str(r.get("quality_status")), 2),
            _name(r),
            _year(r.get("report_year")),
        )
    )
    if not rows:
        return '<p class="empty">Nothing to review: every report passes.</p>'
    years = sorted({_year(r.get("report_year")) for r in rows})
    provinces = sorted({str(r.get("province") or "unknown") for r in rows})
    rules = sorted(
        {k for r in rows for k in [*(r.get("failed_rules") or []), *(r.get("warned_rules") or [])]}
    )
    statuses = sorted({_row_status(r, reviewed) for r in rows})
    filters = (
        '<div class="filters">'
        + _options(years, "year", "f-year")
        + _options(provinces, "province", "f-province")
        + _options(rules, "rule", "f-rule")
        + _options(statuses, "status", "f-status")
        + '<input id="f-search" type="search" placeholder="search agency, title, key, rule…">'
        + f'<span class="sub"><b id="shown">{len(rows)}</b> of {len(rows)} shown</span></div>'
    )
    body = []
    for r in rows:
        rid = str(r["report_id"])
        status = _row_status(r, reviewed)
        rule_ids = [*(r.get("failed_rules") or []), *(r.get("warned_rules") or [])]
        province = str(r.get("province") or "unknown")
        search = " ".join(
            str(v) for v in (r.get("agency"), r.get("title"), r.get("key"), *rule_ids) if v
        ).lower()
        body.append(
            f'<tr data-year="{_e(_year(r.get("report_year")))}" data-province="{_e(province)}" '
            f'data-status="{_e(status)}" data-rules="{_e(" ".join(rule_ids))}" '
            f'data-search="{_e(search)}">'
            f'<td><a href="{report_page(rid)}">{_e(_name(r))}</a><div class="sub mono">{_e(r.get("key"))}</div></td>'
            f"<td>{_e(_year(r.get('report_year')))}</td><td>{_e(province)}</td><td>{_e(r.get('format'))}</td>"
            f"<td>{_badge(status)}</td>"
            f'<td class="mono">{_e(" ".join(r.get("failed_rules") or []))}'
            f'<div class="sub">{_e(" ".join(r.get("warned_rules") or []))}</div></td></tr>'
        )
    head = (
        "<thead><tr><th>report / raw object</th><th>year</th><th>province</th><th>format</th>"
        "<th>status</th><th>failed <span class='sub'>/ warned</span> rules</th></tr></thead>"
    )
    return f'{filters}<table id="problems">{head}<tbody>{"".join(body)}</tbody></table>'


def _row_status(report: Mapping[str, Any], reviewed: Mapping[str, str]) -> str:
    decided = reviewed.get(str(report["report_id"]))
    return (
        f"{report.get('quality_status')}, {decided}"
        if decided
        else str(report.get("quality_status"))
    )


def _quarantine(data: SiteData, depth: int) -> str:
    if not data.quarantined:
        return '<p class="empty">No object is quarantined.</p>'
    rows = sorted(data.quarantined, key=lambda q: str(q.get("at")), reverse=True)
    body = "".join(
        f'<tr><td class="mono"><a href="{_e(_raw_href(data, str(q["key"]), depth))}">{_e(q["key"])}</a></td>'
        f"<td>{_e(q.get('stage'))}</td><td>{_e(q.get('reason'))}</td>"
        f'<td class="mono">{_e(str(q.get("at") or "")[:19])}</td>'
        f'<td class="mono">{_run_link(q.get("run_id"), depth)}</td></tr>'
        for q in rows
    )
    head = "<tr><th>raw object</th><th>stage</th><th>reason</th><th>at (UTC)</th><th>run</th></tr>"
    return f'<table id="quarantine-list">{head}{body}</table>'


def _run_link(run_id: object, depth: int) -> str:
    if not run_id:
        return ""
    return f'<a href="{"../" * depth}{run_page(str(run_id))}">{_e(str(run_id)[:8])}</a>'


def _runs_table(data: SiteData) -> str:
    if not data.runs:
        return '<p class="empty">No runs yet.</p>'
    cols = ("pass", "warn", "fail", "quarantined", "skipped")
    body = "".join(
        f'<tr><td class="mono">{_run_link(t.get("run_id"), 0)}</td><td class="mono">{_e(str(t.get("at", ""))[:19])}</td>'
        + "".join(f'<td class="n">{int(t.get(c, 0) or 0)}</td>' for c in cols)
        + "</tr>"
        for t in reversed(data.runs[-50:])
    )
    head = "<tr><th>run</th><th>finished (UTC)</th>" + "".join(
        f'<th class="n">{c}</th>' for c in cols
    )
    return f'<table id="runs-list">{head}</tr>{body}</table>'


def render_overview(data: SiteData) -> bytes:
    reviewed = review_state(data)
    counts = overview_counts(data)
    facets = data.counted().facets
    years = sorted(facets["report_year"].items())
    stale = [r for r in data.reviews if r.get("stale")]
    stale_note = (
        f'<p class="stale">{len(stale)} review decision(s) apply to an older version of their file: '
        "they need a new look (see the report pages).</p>"
        if stale
        else ""
    )
    body = (
        "<h1>govreports · data quality</h1>"
        f'<div class="meta">{data.counted().reports} reports · {len(data.quarantined)} quarantined objects · '
        f"{len(data.runs)} runs · generated {_e(data.generated_at)}</div>"
        f"{_cards(counts)}{stale_note}"
        '<div class="grid">'
        f'<div class="box"><h3>Reports by report year</h3>{_bar_chart([(k, v) for k, v in years])}</div>'
        f'<div class="box"><h3>Outcomes over the runs</h3>{_line_chart(data.runs[-200:], STATUSES)}</div>'
        "</div>"
        "<h2>Rules that fail most</h2>"
        f"{_top_rules(data)}"
        '<h2>By year, province and format</h2><div class="grid">'
        f"{_count_table('report year', dict(years), 'year')}"
        f"{_count_table('province', facets['province'], 'province')}"
        f"{_count_table('format', facets['format'], 'format')}"
        "</div>"
        '<h2 id="review">Reports to review</h2>'
        f"{_problem_list(data, reviewed)}"
        '<h2 id="quarantine">Quarantine</h2>'
        f"{_quarantine(data, 0)}"
        '<h2 id="decisions">Review decisions</h2>'
        f"{_decisions(data)}"
        '<h2 id="runs">Runs</h2>'
        f"{_runs_table(data)}"
    )
    return _page("govreports · data quality", body, 0, _FILTER_JS)


def _decisions(data: SiteData, last: int = 50) -> str:
    """The latest decisions, newest first, each linked to its report's page when it has one."""
    if not data.reviews:
        return '<p class="empty">No decision yet (<span class="mono">govreports review</span>).</p>'
    paged = {str(r["report_id"]) for r in data.reports if needs_page(r, review_state(data))}
    rows = sorted(data.reviews, key=lambda r: str(r.get("at")), reverse=True)[:last]
    body = "".join(
        f"<tr><td class='mono'>{_e(str(r.get('at') or '')[:19])}</td><td>{_e(r.get('reviewer'))}</td>"
        f"<td>{_e(r.get('action'))}"
        f"{' <span class=stale>stale: the file changed</span>' if r.get('stale') else ''}</td>"
        f"<td class='mono'>{_decision_target(r, paged)}<div class='sub'>{_e(_fact_label(r))}</div></td>"
        f"<td>{_e(r.get('reason'))}</td></tr>"
        for r in rows
    )
    head = "<tr><th>when (UTC)</th><th>who</th><th>decision</th><th>what</th><th>why</th></tr>"
    return f'<table id="decisions-list">{head}{body}</table>'


def _decision_target(review: Mapping[str, Any], paged: set[str]) -> str:
    rid = str(review.get("report_id") or "")
    if rid in paged:
        return f'<a href="{report_page(rid)}">{_e(review.get("key"))}</a>'
    return _e(review.get("key"))


# ---------------------------------------------------------------------------------------------
# One report.


_HIT = ' class="hit"'


def source_excerpt(text: str, line: int | None, context: int = CONTEXT_LINES) -> str:
    """The normalized text around ``line`` (1-based), that line highlighted."""
    if line is None or not text:
        return ""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    lo, hi = max(1, line - context), min(len(lines), line + context)
    spans = "".join(
        f"<span{_HIT if n == line else ''}><i>{n}</i>{_e(lines[n - 1])}</span>"
        for n in range(lo, hi + 1)
    )
    return f'<pre class="src" data-line="{line}">{spans}</pre>'


def _line_of(rule: Mapping[str, Any]) -> int | None:
    line = rule.get("line")
    if line is None or (isinstance(line, float) and math.isnan(line)):
        return None
    return int(line)


def _facts_on_line(facts: Sequence[Mapping[str, Any]], line: int | None) -> str:
    """The numbers read from the rule's source line, by contract key (what `review correct` takes)."""
    here = [f for f in facts if line is not None and f.get("line") == line]
    if not here:
        return ""
    items = "".join(
        f"<li><span class='mono'>{_e(f['table'])}/{_e(f['row'])}/{_e(f['column'])}</span> = "
        f"<b>{_e(_plain(f.get('value')))}</b> <span class='sub'>read from “{_e(f.get('raw'))}”</span></li>"
        for f in sorted(here, key=lambda f: (str(f["table"]), str(f["row"]), str(f["column"])))
    )
    return f'<details class="facts"><summary class="sub">numbers read from line {line} ({len(here)})</summary><ul>{items}</ul></details>'


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rule_block(rule: Mapping[str, Any], text: str, facts: Sequence[Mapping[str, Any]] = ()) -> str:
    line = _line_of(rule)
    where = f"line {line}" if line else "no source line"
    return (
        f'<div class="rule" data-rule="{_e(rule.get("rule_id"))}">'
        f"<b>{_e(rule.get('rule_id'))}</b> <span class='sub'>{_e(rule.get('severity'))}"
        f"{' · table ' + _e(rule.get('table')) if rule.get('table') else ''} · {where}</span>"
        f'<dl class="kv"><dt>observed</dt><dd class="mono">{_e(rule.get("observed"))}</dd>'
        f'<dt>expected</dt><dd class="mono">{_e(rule.get("expected"))}</dd>'
        f"<dt>why</dt><dd>{_e(rule.get('detail'))}</dd></dl>"
        f"{source_excerpt(text, line)}{_facts_on_line(facts, line)}</div>"
    )


def _reviews_block(reviews: Sequence[Mapping[str, Any]]) -> str:
    if not reviews:
        return '<p class="empty">No decision yet.</p>'
    body = "".join(
        f"<tr><td>{_e(r.get('action'))}"
        f"{'<div class=stale>needs a new look: the file changed</div>' if r.get('stale') else ''}</td>"
        f"<td>{_e(r.get('reviewer'))}</td><td class='mono'>{_e(str(r.get('at') or '')[:19])}</td>"
        f"<td class='mono'>{_e(_fact_label(r))}</td><td>{_e(r.get('reason'))}</td></tr>"
        for r in reviews
    )
    head = "<tr><th>decision</th><th>who</th><th>when (UTC)</th><th>what</th><th>why</th></tr>"
    return f'<table id="reviews">{head}{body}</table>'


def _fact_label(review: Mapping[str, Any]) -> str:
    if review.get("action") != "correct":
        return ""
    value = review.get("value")
    shown = "" if value is None else (int(value) if float(value).is_integer() else value)
    return f"{review.get('table')}/{review.get('row')}/{review.get('column')} = {shown}"


# The completeness rule: its detail names the template cells the parser did not read.
COMPLETENESS_RULE = "R17"


def _missing_cells(failed: Sequence[Mapping[str, Any]]) -> str:
    incomplete = [r for r in failed if r.get("rule_id") == COMPLETENESS_RULE]
    if not incomplete:
        return ""
    items = "".join(
        f"<li><b>{_e(r.get('table'))}</b>: {_e(r.get('observed'))} of {_e(r.get('expected'))} "
        f"cells read<div class='mono'>{_e(r.get('detail'))}</div></li>"
        for r in incomplete
    )
    return (
        f'<h2 id="missing-cells">Missing cells</h2><ul>{items}</ul>'
        '<p class="sub">An incomplete report stays out of <span class="mono">clean</span>; '
        "give each missing value with <span class='mono'>govreports review correct</span>.</p>"
    )


def render_report(
    data: SiteData,
    report: Mapping[str, Any],
    failed: Sequence[Mapping[str, Any]],
    reviews: Sequence[Mapping[str, Any]],
    decided: str | None,
    *,
    facts: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    rid = str(report["report_id"])
    text = data.texts.get(rid, "")
    key = str(report.get("key") or "")
    status = str(report.get("quality_status"))
    region = " / ".join(str(report[c]) for c in ("province", "city", "county") if report.get(c))
    errors = [r for r in failed if r.get("severity") != "warning"]
    warnings = [r for r in failed if r.get("severity") == "warning"]
    notes = report.get("notes") or []
    body = (
        f"<h1>{_e(_name(report))} · {_e(_year(report.get('report_year')))}</h1>"
        f'<div class="meta">{_e(report.get("title"))}</div>'
        f"<p>{_badge(status)} {_badge('reviewed: ' + decided) if decided else ''}</p>"
        '<dl class="kv">'
        f"<dt>report id</dt><dd class='mono'>{_e(rid)}</dd>"
        f"<dt>raw object</dt><dd class='mono'><a id='raw-link' href='{_e(_raw_href(data, key, 1))}'>{_e(key)}</a>"
        f" <span class='sub'>s3://{_e(data.bucket)}/{_e(key)} · etag {_e(report.get('etag'))}</span></dd>"
        f"<dt>run</dt><dd class='mono'>{_run_link(report.get('run_id'), 1)} "
        f"<span class='sub'>ingested {_e(str(report.get('ingested_at') or '')[:19])}</span></dd>"
        f"<dt>format</dt><dd>{_e(report.get('format'))}</dd><dt>region</dt><dd>{_e(region)}</dd>"
        "</dl>"
        f"<h2>Rules that failed ({len(errors)})</h2>"
        + ("".join(_rule_block(r, text, facts) for r in errors) or '<p class="empty">None.</p>')
        + f"<h2>Warnings ({len(warnings)})</h2>"
        + ("".join(_rule_block(r, text, facts) for r in warnings) or '<p class="empty">None.</p>')
        + _missing_cells(failed)
        + "<h2>Parser notes</h2>"
        + (
            "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>"
            if len(notes)
            else '<p class="empty">None.</p>'
        )
        + "<h2>Review decisions</h2>"
        + _reviews_block(reviews)
        + '<p class="sub">Decide with <span class="mono">govreports review accept|correct|reject '
        f"{_e(rid[:16])} --reason …</span></p>"
    )
    return _page(f"{_name(report)} · {_year(report.get('report_year'))}", body, 1)


# ---------------------------------------------------------------------------------------------
# One run.


def render_run(data: SiteData, run: Mapping[str, Any]) -> bytes:
    run_id = str(run.get("run_id"))
    reviewed = review_state(data)
    mine = [r for r in data.reports if r.get("run_id") == run_id]
    quarantined = [q for q in data.quarantined if q.get("run_id") == run_id]
    seconds = run.get("seconds") or {}
    stage_rows = "".join(
        f'<tr><td>{_e(k)}</td><td class="n">{float(v):.2f}</td></tr>' for k, v in seconds.items()
    )
    report_rows = "".join(
        f'<tr><td>{_link_report(r, reviewed, 2)}<div class="sub mono">{_e(r.get("key"))}</div></td>'
        f"<td>{_e(_year(r.get('report_year')))}</td><td>{_badge(str(r.get('quality_status')))}</td>"
        f'<td class="mono">{_e(" ".join(r.get("failed_rules") or []))}</td></tr>'
        for r in sorted(mine, key=lambda r: (str(r.get("quality_status")), str(r.get("key"))))
    )
    counts = {s: int(run.get(s, 0) or 0) for s in STATUSES}
    body = (
        f"<h1>Ingest run <span class='mono'>{_e(run_id)}</span></h1>"
        f'<div class="meta">finished {_e(run.get("at"))} · skipped (already done) {_e(run.get("skipped", 0))}'
        f" · commit attempts {_e(run.get('commit_attempts', ''))}</div>"
        f"{_cards(counts)}"
        "<h2>Stage times</h2>"
        f'<div class="box" style="max-width:360px"><table id="stages"><tr><th>stage</th>'
        f'<th class="n">seconds</th></tr>{stage_rows}</table></div>'
        f"<h2>Reports published by this run ({len(mine)})</h2>"
        + (
            f"<table id='run-reports'><tr><th>report</th><th>year</th><th>status</th><th>failed rules</th></tr>{report_rows}</table>"
            if mine
            else '<p class="empty">None still attributed to this run (a later run may have replaced them).</p>'
        )
        + _revalidated(run.get("revalidated") or [])
        + f"<h2>Quarantined by this run ({len(quarantined)})</h2>"
        + _quarantine(SiteData([], [], {}, quarantined, [], raw_root=data.raw_root), 2)
    )
    return _page(f"govreports · run {run_id}", body, 2)


def _revalidated(rows: Sequence[Mapping[str, Any]]) -> str:
    """Later years re-validated because this run brought an earlier year of their agency."""
    if not rows:
        return ""
    body = "".join(
        f'<tr><td class="mono">{_e(r.get("key"))}</td><td>{_e(_year(r.get("report_year")))}</td>'
        f"<td>{_badge(str(r.get('before')))} → {_badge(str(r.get('after')))}</td>"
        f'<td class="mono">{_e(" ".join(r.get("failed_rules") or []))}</td></tr>'
        for r in rows
    )
    return (
        f"<h2>Re-validated by this run ({len(rows)})</h2>"
        "<p>An earlier year of their agency arrived after them: their cross-year rules "
        "(R8–R11, R16, P10) were checked again against it.</p>"
        "<table id='run-revalidated'><tr><th>report</th><th>year</th><th>verdict</th>"
        f"<th>failed rules</th></tr>{body}</table>"
    )


def _link_report(report: Mapping[str, Any], reviewed: Mapping[str, str], depth: int) -> str:
    if needs_page(report, reviewed):
        href = "../" * depth + report_page(str(report["report_id"]))
        return f'<a href="{href}">{_e(_name(report))}</a>'
    return _e(_name(report))


# ---------------------------------------------------------------------------------------------
# The whole site.


def build_site(
    data: SiteData, *, report_ids: Iterable[str] | None = None, run_ids: Iterable[str] | None = None
) -> dict[str, bytes]:
    """Every page of the site as ``{path relative to the site root: bytes}``.

    ``report_ids`` / ``run_ids`` limit which report and run pages are (re)built (after a
    run: its own reports and itself); ``None`` builds them all. The overview and
    ``site.json`` (the counts the overview shows, for scripts and tests) are always built.
    """
    reviewed = review_state(data)
    failed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rule in data.failed:
        failed[str(rule["report_id"])].append(rule)
    for rules in failed.values():
        rules.sort(key=lambda r: (str(r.get("severity")) == "warning", str(r.get("rule_id"))))
    reviews: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for review in data.reviews:
        if review.get("report_id"):
            reviews[str(review["report_id"])].append(review)
    facts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fact in data.facts:
        facts[str(fact["report_id"])].append(fact)
    wanted = None if report_ids is None else set(report_ids)
    pages: dict[str, bytes] = {"index.html": render_overview(data)}
    for report in data.reports:
        rid = str(report["report_id"])
        if needs_page(report, reviewed) and (wanted is None or rid in wanted):
            pages[report_page(rid)] = render_report(
                data,
                report,
                failed.get(rid, []),
                reviews.get(rid, []),
                reviewed.get(rid),
                facts=facts.get(rid, []),
            )
    runs = None if run_ids is None else set(run_ids)
    for run in data.runs:
        if runs is None or str(run.get("run_id")) in runs:
            pages[run_page(str(run.get("run_id")))] = render_run(data, run)
    summary = {"generated_at": data.generated_at, "counts": overview_counts(data)}
    pages["site.json"] = json.dumps(summary, ensure_ascii=False, indent=1).encode()
    return pages


# ---------------------------------------------------------------------------------------------
# From the curated zone to the bucket.


def load_site_data(
    curated: Curated,
    *,
    page_ids: Iterable[str] | None = None,
    run_ids: Iterable[str] | None = None,
    runs: Sequence[Mapping[str, Any]],
    written: Mapping[str, pa.Table] | None = None,
) -> SiteData:
    """Read what the site needs: light columns of every report, the rest only for pages.

    ``page_ids``: the reports whose pages will be built (``None``: all that need one).
    ``run_ids``: the runs whose pages will be built (``None``: all).
    The overview's counts are computed over the light columns in Arrow; rows become Python
    dicts only for the reports shown one by one (those needing a page, those of the runs
    built) and the quarantined objects.
    Rule results and the normalized text are read for those reports only, with the
    ids pushed into the Delta scan.
    ``written``: the rows a run has just committed (``facts``, ``rule_results``,
    ``reports``): its own reports' pages are built from them instead of scanning those
    tables' id columns again (a scan of every file of the table, each run).
    """
    from datetime import UTC, datetime

    import pyarrow as pa
    import pyarrow.compute as pc
    from deltalake.exceptions import TableNotFoundError

    from tasks.delta import reports_in

    settings = curated.settings
    try:
        every = curated.read("reports", columns=[*REPORT_COLUMNS, "review_status"])
        outcomes = curated.read("outcomes", columns=OUTCOME_COLUMNS)
    except TableNotFoundError:
        curated.ensure_tables()
        every = outcomes = None
    data = SiteData(
        reports=[],
        failed=[],
        texts={},
        quarantined=(
            []
            if outcomes is None
            else outcomes.filter(pc.equal(outcomes["outcome"], "quarantined")).to_pylist()
        ),
        runs=[dict(r) for r in runs],
        reviews=_reviews(curated, outcomes),
        raw_root="../" * settings.quality_prefix.count("/"),
        bucket=settings.bucket,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        overview=Overview.of(every if every is not None else pa.table({})),
    )
    reviewed = review_state(data)
    if every is not None:
        data.reports = _shown(every, reviewed, run_ids)
    reports = data.reports
    asked = None if page_ids is None else set(page_ids)
    ids = sorted(
        str(r["report_id"])
        for r in reports
        if needs_page(r, reviewed) and (asked is None or str(r["report_id"]) in asked)
    )
    fresh = set(written["reports"]["report_id"].to_pylist()) & set(ids) if written else set()
    rest = [i for i in ids if i not in fresh]
    # The other pages' reports are read in their year partitions only: after a run, the
    # later years it re-validated, a few partitions of tables that grow with every run.
    year_of = {str(r["report_id"]): r["report_year"] for r in reports}
    rest_years = [year_of.get(i) for i in rest]
    rest_where = reports_in(
        rest, {int(y) for y in rest_years if y is not None}, whole=None in rest_years
    )

    def page_rows(name: str, columns: list[str], *equal: tuple[str, bool]) -> list[Any]:
        """Rows of the pages' reports: the run's own from the rows it wrote (the same rows
        as reading them back), the others read with the ids and years pushed into the scan
        (``Curated.select``: a pyarrow dataset scan decoded the projected columns, the text
        among them, of every file of the table first)."""
        found: list[Any] = []
        if fresh:
            assert written is not None
            table = written[name]
            keep = pc.is_in(table["report_id"], value_set=pa.array(sorted(fresh)))
            for column, value in equal:
                keep = pc.and_(keep, pc.fill_null(pc.equal(table[column], value), False))
            found += table.filter(keep).select(columns).to_pylist()
        if rest:
            where = " AND ".join([rest_where, *(f"{c} = {str(v).upper()}" for c, v in equal)])
            found += curated.select(name, columns, where).to_pylist()
        return found

    data.failed = page_rows("rule_results", RULE_COLUMNS, ("passed", False))
    texts = page_rows("reports", ["report_id", "text", "notes"])
    data.facts = page_rows("facts", FACT_COLUMNS)
    data.texts = {str(r["report_id"]): str(r["text"] or "") for r in texts}
    notes = {str(r["report_id"]): r["notes"] for r in texts}
    for report in reports:
        if str(report["report_id"]) in notes:
            report["notes"] = notes[str(report["report_id"])]
    return data


def _reviews(curated: Curated, outcomes: pa.Table | None) -> list[dict[str, Any]]:
    """The review decisions as rows, each marked stale when its file changed since."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from tasks.reviews import is_stale

    stored = curated.reviews()
    keys = pa.array(sorted({review.key for review in stored}), pa.string())
    current = (
        {str(o["key"]): o for o in outcomes.filter(pc.is_in(outcomes["key"], keys)).to_pylist()}
        if outcomes is not None
        else {}
    )
    rows = []
    for review in stored:
        row = review.as_row()
        row["stale"] = is_stale(review, current.get(review.key))
        rows.append(row)
    return rows


def _shown(
    every: pa.Table, reviewed: Mapping[str, str], run_ids: Iterable[str] | None
) -> list[dict[str, Any]]:
    """The reports shown one by one: those needing a page (``needs_page``) and the built
    runs' own (every report when every run page is built)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if run_ids is None:
        return cast("list[dict[str, Any]]", every.to_pylist())
    shown = pc.or_(
        pc.or_(
            pc.is_in(every["quality_status"], pa.array(PAGE_STATUSES)),
            pc.is_in(every["report_id"], pa.array(sorted(reviewed), pa.string())),
        ),
        pc.is_in(every["run_id"], pa.array(sorted(map(str, run_ids)), pa.string())),
    )
    return cast("list[dict[str, Any]]", every.filter(pc.fill_null(shown, False)).to_pylist())


def write_site(
    curated: Curated,
    *,
    report_ids: Iterable[str] | None = None,
    run_ids: Iterable[str] | None = None,
    runs: Sequence[Mapping[str, Any]] | None = None,
    written: Mapping[str, pa.Table] | None = None,
) -> dict[str, bytes]:
    """Build the site (all pages, or those of the given reports and runs) into the bucket.

    ``written``: the rows the run just committed (``load_site_data``)."""
    settings = curated.settings
    runs_key = f"{settings.quality_prefix}runs.json"
    if runs is None:
        runs = list(curated.store.get_json(runs_key) or []) if curated.store.head(runs_key) else []
    ids = None if report_ids is None else list(report_ids)
    wanted_runs = None if run_ids is None else list(run_ids)
    data = load_site_data(curated, page_ids=ids, run_ids=wanted_runs, runs=runs, written=written)
    pages = build_site(data, report_ids=ids, run_ids=wanted_runs)

    def put(path: str) -> None:
        kind = "application/json" if path.endswith(".json") else "text/html; charset=utf-8"
        curated.store.put(settings.quality_prefix + path, pages[path], kind)

    # The report and run pages side by side: one after another, a run's hundred-odd PUTs
    # were half the quality report's time, most of it waiting on the store. The overview and
    # site.json go last, once every page they link to is there.
    entry = [p for p in ENTRY_PAGES if p in pages]
    with ThreadPoolExecutor(PUT_THREADS) as pool:
        list(pool.map(put, [p for p in pages if p not in entry]))
    for path in entry:
        put(path)
    return pages
