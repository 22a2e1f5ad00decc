"""The report tables as Word lays them out: labels, spans and value cells.

Labels follow report-formats.md §1.2, §1.3, §2 and §3; spans follow the
national templates (group labels span their rows, headers span their columns).
"""

from __future__ import annotations

from collections.abc import Callable

from govreports.contract.vocabulary import (
    APPLICANT_COLUMNS,
    NOT_PROCESSED_ROWS,
    OTHER_ROWS_2021,
    REVIEW_PARTS,
    REVIEW_ROWS,
    UNAVAILABLE_ROWS,
    WITHHELD_ROWS,
)
from govreports_cli.samples.model import Cell, TableBlock
from govreports_cli.samples.values import Key

Raw = Callable[[Key], Cell]

WITHHELD_LABELS = (
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
)
UNAVAILABLE_LABELS = (
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
)
NOT_PROCESSED_LABELS = (
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
OTHER_2021_LABELS = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan=rowspan, colspan=colspan, header=True)


def _values(cell: Raw, table: str, row: str, cols: tuple[str, ...]) -> tuple[Cell, ...]:
    return tuple(cell((table, row, c)) for c in cols)


def applications_table(fmt: str, cell: Raw) -> TableBlock:
    cols = (*APPLICANT_COLUMNS, "total")
    rows: list[tuple[Cell, ...]] = [
        (
            _h("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            _h("申请人情况", 1, 7),
        ),
        (_h("自然人", 2), _h("法人或其他组织", 1, 5), _h("总计", 2)),
        tuple(
            _h(t) for t in ("商业\n企业", "科研\n机构", "社会公益\n组织", "法律服务\n机构", "其他")
        ),
    ]

    def data(labels: tuple[Cell, ...], row: str) -> None:
        rows.append((*labels, *_values(cell, "applications", row, cols)))

    data((_h("一、本年新收政府信息公开申请数量", 1, 3),), "new_received")
    data((_h("二、上年结转政府信息公开申请数量", 1, 3),), "carried_over")
    outcome_rows = 2 + 8 + 3 + 5 + (3 if fmt == "2021" else 1) + 1
    data((_h("三、本年度办理结果", outcome_rows), _h("（一）予以公开", 1, 2)), "disclosed")
    partial = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    data((_h(partial, 1, 2),), "partially_disclosed")
    groups = [
        ("（三）不予公开", WITHHELD_ROWS, WITHHELD_LABELS),
        ("（四）无法提供", UNAVAILABLE_ROWS, UNAVAILABLE_LABELS),
        ("（五）不予处理", NOT_PROCESSED_ROWS, NOT_PROCESSED_LABELS),
    ]
    if fmt == "2021":
        groups.append(("（六）其他处理", OTHER_ROWS_2021, OTHER_2021_LABELS))
    for group, keys, labels in groups:
        for i, (key, label) in enumerate(zip(keys, labels, strict=True)):
            lead = (_h(group, len(keys)),) if i == 0 else ()
            data((*lead, _h(label)), key)
    if fmt != "2021":
        data((_h("（六）其他处理", 1, 2),), "other")
    data((_h("（七）总计", 1, 2),), "outcome_total")
    data((_h("四、结转下年度继续办理", 1, 3),), "carried_forward")
    return TableBlock(tuple(rows), 10)


def review_table(cell: Raw) -> TableBlock:
    parts = ("结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计")
    rows: list[tuple[Cell, ...]] = [
        (_h("行政复议", 1, 5), _h("行政诉讼", 1, 10)),
        (*(_h(p, 2) for p in parts), _h("未经复议直接起诉", 1, 5), _h("复议后起诉", 1, 5)),
        tuple(_h(p) for p in parts * 2),
        tuple(
            c
            for row in REVIEW_ROWS
            for c in _values(cell, "review_litigation", row, (*REVIEW_PARTS, "total"))
        ),
    ]
    return TableBlock(tuple(rows), 15)


def _block(
    item: str, header: tuple[str, ...], body: list[tuple[str, str, tuple[str, ...]]], cell: Raw
) -> list[tuple[Cell, ...]]:
    """One 第二十条 block in a 4-column grid; the last column label stretches over spare columns."""
    spare = 3 - len(header)
    heads = [_h(t) for t in header]
    heads[-1] = _h(header[-1], 1, 1 + spare)
    rows: list[tuple[Cell, ...]] = [
        (_h(f"第二十条第（{item}）项", 1, 4),),
        (_h("信息内容"), *heads),
    ]
    for label, row, cols in body:
        values = list(_values(cell, "proactive", row, cols))
        last = values[-1]
        values[-1] = Cell(last.text, colspan=1 + spare, zero=last.zero)
        rows.append((_h(label), *values))
    return rows


def proactive_table_2021(cell: Raw) -> TableBlock:
    docs = ("issued", "repealed", "in_force")
    decisions = ("decisions",)
    rows = _block(
        "一",
        ("本年制发\n件数", "本年废止\n件数", "现行有效\n件数"),
        [("规章", "rules", docs), ("行政规范性文件", "normative_documents", docs)],
        cell,
    )
    rows += _block("五", ("本年处理决定数量",), [("行政许可", "licensing", decisions)], cell)
    rows += _block(
        "六",
        ("本年处理决定数量",),
        [("行政处罚", "penalty", decisions), ("行政强制", "enforcement", decisions)],
        cell,
    )
    rows += _block(
        "八",
        ("本年收费金额（单位：万元）",),
        [("行政事业性收费", "admin_fees", ("amount_wan_yuan",))],
        cell,
    )
    return TableBlock(tuple(rows), 4)


def proactive_table_2019(cell: Raw) -> TableBlock:
    docs = ("made", "published", "total_public")
    items = ("prior_year_items", "change", "decisions")
    item_header = ("上一年\n项目数量", "本年\n增/减", "处理决定\n数量")
    rows = _block(
        "一",
        ("本年新\n制作数量", "本年新\n公开数量", "对外公开\n总数量"),
        [("规章", "rules", docs), ("规范性文件", "normative_documents", docs)],
        cell,
    )
    rows += _block(
        "五",
        item_header,
        [
            ("行政许可", "licensing", items),
            ("其他对外管理服务事项", "other_management_services", items),
        ],
        cell,
    )
    rows += _block(
        "六",
        item_header,
        [("行政处罚", "penalty", items), ("行政强制", "enforcement", items)],
        cell,
    )
    rows += _block(
        "八",
        item_header[:2],
        [("行政事业性收费", "admin_fees", ("prior_year_items", "change"))],
        cell,
    )
    rows += _block(
        "九",
        ("采购项目数量", "采购总金额"),
        [("政府集中采购", "procurement", ("items", "amount_wan_yuan"))],
        cell,
    )
    return TableBlock(tuple(rows), 4)


NATIONAL_ROWS: tuple[tuple[str, str | None, str | None], ...] = (
    ("一、主动公开情况", None, None),
    ("（一）主动公开政府信息数\n（不同渠道和方式公开相同信息计1条）", "条", "proactive_items"),
    ("其中：主动公开规范性文件数", "条", "proactive_normative_docs"),
    ("制发规范性文件总数", "件", "normative_docs_issued"),
    ("（二）通过不同渠道和方式公开政府信息的情况", None, None),
    ("1.政府公报公开政府信息数", "条", "channel_gazette"),
    ("2.政府网站公开政府信息数", "条", "channel_website"),
    ("3.政务微博公开政府信息数", "条", "channel_weibo"),
    ("4.政务微信公开政府信息数", "条", "channel_weixin"),
    ("5.其他方式公开政府信息数", "条", "channel_other"),
    ("二、回应解读情况", None, None),
    (
        "（一）回应公众关注热点或重大舆情数\n（不同方式回应同一热点或舆情计1次）",
        "次",
        "responses_hot_topics",
    ),
    ("（二）通过不同渠道和方式回应解读的情况", None, None),
    ("1.参加或举办新闻发布会总次数", "次", "press_conferences"),
    ("其中：主要负责同志参加新闻发布会次数", "次", "press_conferences_by_head"),
    ("2.政府网站在线访谈次数", "次", "online_interviews"),
    ("其中：主要负责同志参加政府网站在线访谈次数", "次", "online_interviews_by_head"),
    ("3.政策解读稿件发布数", "篇", "policy_interpretations"),
    ("4.微博微信回应事件数", "次", "weibo_weixin_responses"),
    ("5.其他方式回应事件数", "次", "other_responses"),
    ("三、依申请公开情况", None, None),
    ("（一）收到申请数", "件", "applications_received"),
    ("1.当面申请数", "件", "applications_in_person"),
    ("2.传真申请数", "件", "applications_fax"),
    ("3.网络申请数", "件", "applications_online"),
    ("4.信函申请数", "件", "applications_letter"),
    ("（二）申请办结数", "件", "applications_closed"),
    ("1.按时办结数", "件", "applications_closed_on_time"),
    ("2.延期办结数", "件", "applications_closed_extended"),
    ("（三）申请答复数", "件", "replies_total"),
    ("1.属于已主动公开范围数", "件", "replies_already_public"),
    ("2.同意公开答复数", "件", "replies_disclosed"),
    ("3.同意部分公开答复数", "件", "replies_partially_disclosed"),
    ("4.不同意公开答复数", "件", "replies_refused"),
    ("其中：涉及国家秘密", "件", "refused_state_secret"),
    ("涉及商业秘密", "件", "refused_commercial_secret"),
    ("涉及个人隐私", "件", "refused_privacy"),
    ("危及国家安全、公共安全、经济安全和社会稳定", "件", "refused_security_stability"),
    ("不是《条例》所指政府信息", "件", "refused_not_government_information"),
    ("法律法规规定的其他情形", "件", "refused_other_legal"),
    ("5.不属于本行政机关公开数", "件", "replies_not_this_agency"),
    ("6.申请信息不存在数", "件", "replies_not_exist"),
    ("7.告知作出更改补充数", "件", "replies_correction_requested"),
    ("8.告知通过其他途径办理数", "件", "replies_other_channel"),
    ("四、行政复议数量", "件", "reconsideration_total"),
    ("（一）维持具体行政行为数", "件", "reconsideration_upheld"),
    ("（二）被依法纠错数", "件", "reconsideration_corrected"),
    ("（三）其他情形数", "件", "reconsideration_other"),
    ("五、行政诉讼数量", "件", "litigation_total"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "litigation_upheld"),
    ("（二）被依法纠错数", "件", "litigation_corrected"),
    ("（三）其他情形数", "件", "litigation_other"),
    ("六、举报投诉数量", "件", "complaints"),
    ("七、依申请公开信息收取的费用", "万元", "fees_wan_yuan"),
    ("八、机构建设和保障经费情况", None, None),
    ("（一）政府信息公开工作专门机构数", "个", "dedicated_units"),
    ("（二）设置政府信息公开查阅点数", "个", "reading_points"),
    ("（三）从事政府信息公开工作人员数", "人", "staff_total"),
    ("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "staff_full_time"),
    ("2.兼职人员数", "人", "staff_part_time"),
    (
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）",
        "万元",
        "special_funds_wan_yuan",
    ),
    ("九、政府信息公开会议和培训情况", None, None),
    ("（一）召开政府信息公开工作会议或专题会议数", "次", "meetings"),
    ("（二）举办各类培训班数", "次", "trainings"),
    ("（三）接受培训人员数", "人次", "trainees"),
)

LEGACY_LABELS: tuple[tuple[str, str, str], ...] = (
    ("主动公开文件数", "条", "proactive_items"),
    ("其中：1、政府网站公开数", "条", "channel_website"),
    ("2、政府公报公开数", "条", "channel_gazette"),
    ("受理依申请公开信息总数", "条", "applications_received"),
    ("其中：1、当面申请数", "条", "applications_in_person"),
    ("2、网上申请数", "条", "applications_online"),
    ("3、信函申请数", "条", "applications_letter"),
    ("4、传真申请数", "条", "applications_fax"),
    ("对申请的答复总数", "条", "replies_total"),
    ("其中：1、同意公开答复数", "条", "replies_disclosed"),
    ("2、同意部分公开答复数", "条", "replies_partially_disclosed"),
    ("3、不予公开答复数", "条", "replies_refused"),
    ("行政复议数", "件", "reconsideration_total"),
    ("行政诉讼数", "件", "litigation_total"),
)


def legacy_unit(row: str, national: bool) -> str:
    table = NATIONAL_ROWS if national else LEGACY_LABELS
    return next(unit or "" for _, unit, key in table if key == row)


def national_stats_table(cell: Raw) -> TableBlock:
    rows: list[tuple[Cell, ...]] = [(_h("统计指标"), _h("单位"), _h("统计数"))]
    for label, unit, key in NATIONAL_ROWS:
        if key is None:
            rows.append((_h(label), Cell(""), Cell("")))
        else:
            rows.append((_h(label), Cell(unit or ""), cell(("legacy_stats", key, "value"))))
    return TableBlock(tuple(rows), 3)


def legacy_stats_table(year: int, cell: Raw) -> TableBlock:
    rows: list[tuple[Cell, ...]] = [
        (_h("指标名称"), _h("计量单位"), _h(f"{year}年度"), _h("历年累计"))
    ]
    for label, unit, key in LEGACY_LABELS:
        values = _values(cell, "legacy_stats", key, ("value", "cumulative"))
        rows.append((_h(label), Cell(unit), *values))
    return TableBlock(tuple(rows), 4)
