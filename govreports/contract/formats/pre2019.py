"""The pre-2019 统计表 (report-formats.md §1): one free-form statistics table per province.

Its rows differ by province and year, so it has no template cells (R17 does not apply);
its labels are the parser's legacy aliases (``tasks/parsing/labels.py``).
"""

from __future__ import annotations

import re

from govreports.contract.formats._layout import Layout

LAYOUT = Layout(
    name="pre2019",
    fingerprint=re.compile(r"统计指标|主动公开政府信息数|收到申请数|历年累计|指标名称"),
    first_year=None,
    last_year=2018,
    uniform=False,
)
