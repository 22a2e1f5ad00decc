"""The 2019 uniform format (report-formats.md §2): 表二 with 新制作/新公开/对外公开总数 and
item counts, 表三 with a single （六）其他处理 row, 表四."""

from __future__ import annotations

import re

from govreports.contract.formats._layout import Layout, ProactiveForm, application_rows, grid
from govreports.contract.vocabulary import (
    APPLICATION_COLUMNS,
    OTHER_ROWS_2019,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
)

_DOCS = ("made", "published", "total_public")
_ITEMS = ("prior_year_items", "change", "decisions")
PROACTIVE: ProactiveForm = (
    ("rules", _DOCS),
    ("normative_documents", _DOCS),
    ("licensing", _ITEMS),
    ("other_management_services", _ITEMS),
    ("penalty", _ITEMS),
    ("enforcement", _ITEMS),
    ("admin_fees", ("prior_year_items", "change")),
    ("procurement", ("items", "amount_wan_yuan")),
)
# 表三 rows that carry cells, in form order: 23. report-formats.md §2.3 says 25 (27 in 2021),
# presumably counting row-group headings such as 三、本年度办理结果 that carry no cells
# (docs/rules.md).
APPLICATION_ROWS = application_rows(OTHER_ROWS_2019)

LAYOUT = Layout(
    name="2019",
    fingerprint=re.compile(
        r"本年新制作数量|对外公开总数量|第二十条第（九）项|其他对外管理服务事项"
    ),
    first_year=2019,
    last_year=2020,
    uniform=True,
    proactive=PROACTIVE,
    labels={
        "applications": {"other": ("其他处理",)},
        "proactive": {
            "other_management_services": ("其他对外管理服务事项",),
            "procurement": ("政府集中采购",),
        },
        "proactive_columns": {
            "made": ("本年新制作数量",),
            "published": ("本年新公开数量",),
            "total_public": ("对外公开总数量",),
            "prior_year_items": ("上一年项目数量",),
            "change": ("本年增/?减",),
            "amount_wan_yuan": ("采购总金额",),
            "items": ("采购项目数量",),
        },
    },
    tables={
        "proactive": tuple((r, c) for r, cs in PROACTIVE for c in cs),
        "applications": grid(APPLICATION_ROWS, APPLICATION_COLUMNS),
        "review_litigation": grid(REVIEW_ROWS, REVIEW_COLUMNS),
    },
)
