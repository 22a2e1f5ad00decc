"""The 2021 uniform format (report-formats.md §3): 表二 with 制发/废止/现行有效 and decision
counts, 表三 with （六） split into three sub-rows, 表四 as in 2019."""

from __future__ import annotations

import re

from govreports.contract.formats._layout import Layout, ProactiveForm, application_rows, grid
from govreports.contract.vocabulary import (
    APPLICATION_COLUMNS,
    OTHER_ROWS_2021,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
)

_DOCS = ("issued", "repealed", "in_force")
PROACTIVE: ProactiveForm = (
    ("rules", _DOCS),
    ("normative_documents", _DOCS),
    ("licensing", ("decisions",)),
    ("penalty", ("decisions",)),
    ("enforcement", ("decisions",)),
    ("admin_fees", ("amount_wan_yuan",)),
)
# 表三 rows that carry cells, in form order: 25 (report-formats.md §2.3 counts 27, with the
# row-group headings).
APPLICATION_ROWS = application_rows(OTHER_ROWS_2021)

LAYOUT = Layout(
    name="2021",
    fingerprint=re.compile(r"本年制发件数|本年废止件数|逾期未按收费通知"),
    first_year=2021,
    last_year=None,
    uniform=True,
    proactive=PROACTIVE,
    labels={
        "applications": {
            "other_no_correction": (
                "(?:申请人)?无正当理由逾期不补正(?:、?行政机关不再处理其政府信息公开申请)?",
            ),
            "other_fee_unpaid": (
                "(?:申请人)?逾期未按收费通知要求缴纳费用(?:、?行政机关不再处理其政府信息公开申请)?",
            ),
        },
        # "3.其他" is only a row label with its ordinal; bare 其他 is a column header.
        "applications_exact": {
            "other_misc": ("3[.．、]\\s*其他(?!处理|法律|结果|对外|组织|方式|形式|情形)",),
        },
        "proactive_columns": {
            "issued": ("本年制发件数",),
            "repealed": ("本年废止件数",),
            "in_force": ("现行有效件数",),
            "amount_wan_yuan": ("本年收费金额(?:（单位：万元）)?",),
        },
    },
    tables={
        "proactive": tuple((r, c) for r, cs in PROACTIVE for c in cs),
        "applications": grid(APPLICATION_ROWS, APPLICATION_COLUMNS),
        "review_litigation": grid(REVIEW_ROWS, REVIEW_COLUMNS),
    },
)
