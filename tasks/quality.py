"""The maintainers' quality report for one run, and the GX Data Docs site beside it.

``render_quality_report`` returns one self-contained HTML page (inline CSS and SVG,
no scripts, no external assets): counts by status, every failing or quarantined
report with the rule, the numbers that disagree, the source line and a link to the
raw object, the warnings folded below, and a trend over runs.
"""

from __future__ import annotations

import copy
import html
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

STATUSES = ("pass", "warn", "fail", "quarantined")
COLORS = {"pass": "#2e7d32", "warn": "#b26a00", "fail": "#c62828", "quarantined": "#6a1b9a"}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;
margin:0;background:#f6f7f9;color:#1f2328}
main{max-width:1100px;margin:0 auto;padding:28px 24px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 10px}
.meta{color:#59636e;font-size:13px}
.cards{display:flex;gap:12px;margin:20px 0 8px;flex-wrap:wrap}
.card{background:#fff;border-radius:10px;padding:14px 18px;min-width:130px;
box-shadow:0 1px 2px rgba(0,0,0,.08);border-top:4px solid var(--c)}
.card b{display:block;font-size:28px;color:var(--c)}.card span{font-size:13px;color:#59636e}
table{border-collapse:collapse;width:100%;background:#fff;border-radius:10px;overflow:hidden;
box-shadow:0 1px 2px rgba(0,0,0,.08);font-size:13px}
th{background:#eef1f4;text-align:left;padding:8px 10px;font-weight:600}
td{padding:7px 10px;border-top:1px solid #eef1f4;vertical-align:top}
td{overflow-wrap:break-word;word-break:normal}
td.num{font-family:ui-monospace,Menlo,monospace;min-width:8em;max-width:240px}
td.ln{font-family:ui-monospace,Menlo,monospace}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;font-size:12px}
.report{font-weight:600}.sub{color:#59636e;font-size:12px}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
.empty{color:#59636e;font-style:italic;padding:10px 0}
details{margin-top:8px}summary{cursor:pointer;font-weight:600;margin:8px 0}
"""


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def _badge(status: str) -> str:
    return f'<span class="badge" style="background:{COLORS.get(status, "#59636e")}">{_e(status)}</span>'


def _cards(summary: Mapping[str, Any]) -> str:
    cards = [
        f'<div class="card" style="--c:{COLORS[s]}"><b>{int(summary.get(s, 0) or 0)}</b><span>{s}</span></div>'
        for s in STATUSES
    ]
    return '<div class="cards">' + "".join(cards) + "</div>"


def _report_labels(reports: pd.DataFrame) -> dict[str, Mapping[str, Any]]:
    if reports.empty or "report_id" not in reports.columns:
        return {}
    return {
        str(r["report_id"]): {str(k): v for k, v in r.items()} for r in reports.to_dict("records")
    }


def _problem_rows(
    rule_results: pd.DataFrame,
    reports: pd.DataFrame,
    raw_link: Callable[[str], str],
    severities: Sequence[str],
) -> str:
    if rule_results.empty:
        return '<p class="empty">None.</p>'
    bad = rule_results[
        ~rule_results["passed"].astype(bool) & rule_results["severity"].isin(severities)
    ]
    if bad.empty:
        return '<p class="empty">None.</p>'
    labels = _report_labels(reports)
    body = []
    for rec in bad.sort_values(["report_id", "rule_id"]).to_dict("records"):
        info = labels.get(str(rec["report_id"]), {})
        key = info.get("key")
        name = _e(info.get("agency") or info.get("title") or str(rec["report_id"])[:12])
        year = info.get("report_year")
        year = "" if year is None or pd.isna(year) else str(int(year))
        status = str(info.get("quality_status") or info.get("status") or "")
        link = (
            f'<a href="{_e(raw_link(str(key)))}">{_e(key)}</a>'
            if key
            else _e(str(rec["report_id"])[:12])
        )
        line = rec.get("line")
        body.append(
            "<tr>"
            f'<td><div class="report">{name} {year}</div><div class="sub">{link}</div></td>'
            f"<td>{_badge(status) if status else ''}</td>"
            f"<td><b>{_e(rec['rule_id'])}</b><div class='sub'>{_e(rec['severity'])}</div></td>"
            f'<td class="num">{_e(rec["observed"])}</td><td class="num">{_e(rec["expected"])}</td>'
            f'<td class="ln">{"" if line is None or pd.isna(line) else int(line)}</td>'
            f"<td>{_e(rec['detail'])}</td></tr>"
        )
    head = (
        "<tr><th>report / raw object</th><th>status</th><th>rule</th><th>observed</th>"
        "<th>expected</th><th>line</th><th>why</th></tr>"
    )
    return f"<table>{head}{''.join(body)}</table>"


def _quarantine_rows(reports: pd.DataFrame, raw_link: Callable[[str], str]) -> str:
    """Objects that never became reports: the stage that rejected them and why."""
    if reports.empty or "quality_status" not in reports.columns:
        return ""
    rejected = reports[reports["quality_status"] == "quarantined"]
    if rejected.empty:
        return ""
    body = "".join(
        f'<tr><td><a href="{_e(raw_link(str(r["key"])))}">{_e(r["key"])}</a></td>'
        f"<td>{_badge('quarantined')}</td><td>{_e(r.get('reason'))}</td></tr>"
        for r in reports.loc[rejected.index].to_dict("records")
    )
    head = "<tr><th>raw object</th><th>status</th><th>why it was not published</th></tr>"
    return f"<h2>Quarantined objects</h2><table>{head}{body}</table>"


def _sparkline(values: Sequence[float], color: str, width: int = 160, height: int = 28) -> str:
    if not values:
        return ""
    top = max(*values, 1.0)
    step = width / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values)
    )
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/></svg>'
    )


def _trend(trend: Sequence[Mapping[str, Any]]) -> str:
    if not trend:
        return '<p class="empty">First run: no trend yet.</p>'
    lines = "".join(
        f"<tr><td>{s}</td><td>{_sparkline([float(t.get(s, 0) or 0) for t in trend], COLORS[s])}</td>"
        f'<td class="num">{int(trend[-1].get(s, 0) or 0)}</td></tr>'
        for s in STATUSES
    )
    runs = "".join(
        f"<tr><td class='num'>{_e(t.get('run_id'))}</td><td class='num'>{_e(t.get('at'))}</td>"
        + "".join(f'<td class="num">{int(t.get(s, 0) or 0)}</td>' for s in STATUSES)
        + "</tr>"
        for t in list(trend)[-10:]
    )
    head = "<tr><th>run</th><th>at</th>" + "".join(f"<th>{s}</th>" for s in STATUSES) + "</tr>"
    return (
        f"<table><tr><th>status</th><th>over the last {len(trend)} runs</th><th>last</th></tr>{lines}</table>"
        f"<details><summary>Last runs</summary><table>{head}{runs}</table></details>"
    )


def render_quality_report(
    summary: Mapping[str, Any],
    reports: pd.DataFrame,
    rule_results: pd.DataFrame,
    trend: Sequence[Mapping[str, Any]],
    raw_link: Callable[[str], str],
) -> str:
    """One self-contained HTML page for maintainers.

    ``summary``: counts per status (pass, warn, fail, quarantined) plus optional
    ``run_id``, ``at``, ``data_docs`` (a link). ``reports``: one row per report with
    ``report_id``, ``key``, ``agency``, ``report_year``, ``quality_status``.
    ``trend``: earlier runs' summaries, oldest first.
    """
    total = sum(int(summary.get(s, 0) or 0) for s in STATUSES)
    docs = summary.get("data_docs")
    docs_link = f' · <a href="{_e(docs)}">Great Expectations Data Docs</a>' if docs else ""
    checked = 0 if rule_results.empty else len(rule_results)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>govreports quality · run {_e(summary.get('run_id'))}</title><style>{_CSS}</style></head>"
        "<body><main>"
        "<h1>Data quality report</h1>"
        f'<div class="meta">run {_e(summary.get("run_id"))} · {_e(summary.get("at"))} · '
        f"{total} reports · {checked} rule results{docs_link}</div>"
        f"{_cards(summary)}"
        "<h2>Failing reports</h2>"
        f"{_problem_rows(rule_results, reports, raw_link, ('critical', 'error'))}"
        f"{_quarantine_rows(reports, raw_link)}"
        "<h2>Warnings</h2><details><summary>Soft rules that did not hold</summary>"
        f"{_problem_rows(rule_results, reports, raw_link, ('warning',))}</details>"
        f"<h2>Trend</h2>{_trend(trend)}"
        "</main></body></html>"
    )


def build_data_docs(result_dir: Path) -> Path:
    """Write the GX Data Docs site for the last validation of this process into ``result_dir``.

    The ephemeral context keeps results in memory; a file-backed context in
    ``result_dir`` receives the suites and the last results, then builds the site.
    Returns the path of the site's ``index.html``.
    """
    import great_expectations as gx
    from great_expectations.core.batch import LegacyBatchDefinition
    from great_expectations.core.id_dict import IDDict
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    from expectations._suite import runner

    result_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(result_dir))
    results = runner().last_results
    for name, result in results.items():
        suite = runner().context.suites.get(name)
        if name not in {s.name for s in context.suites.all()}:
            context.suites.add(
                gx.ExpectationSuite(
                    name=name, expectations=[copy.copy(e) for e in suite.expectations]
                )
            )
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=name),
            run_id=result.meta.get("run_id"),
            batch_identifier=LegacyBatchDefinition(
                datasource_name="govreports",
                data_connector_name="fluent",
                data_asset_name=name,
                batch_identifiers=IDDict({}),
            ).id,
        )
        context.validation_results_store.set(key, result)
    context.build_data_docs()
    return result_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
