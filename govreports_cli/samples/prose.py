"""Report prose: sections, headline sentences and the contact line, with their `text` facts.

Headline numbers are taken from the tables, so prose and tables agree (R12);
channel counts are phrased as parts ("其中通过政府网站…"), which the contract says
are not headline facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from govreports.contract.models import Fact
from govreports_cli.samples.model import Block, Heading, Para

if TYPE_CHECKING:
    import random

    from govreports_cli.samples.regions import Agency

_DIGITS = "零一二三四五六七八九十"
_STREETS = ("人民路", "解放路", "建设大道", "府前路", "中山路", "行政中心路", "新华街", "文化路")

GENERAL_2019 = (
    (
        "坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》和上级关于政务公开工作的部署，"
        "围绕中心工作，以公开促落实、以公开促规范、以公开促服务，政府信息公开工作取得新进展。"
    ),
    (
        "坚持“公开为常态、不公开为例外”原则，聚焦群众关切，推进决策、执行、管理、服务、结果公开，"
        "不断提升政务公开质量和实效。"
    ),
)
MANAGEMENT = (
    (
        "（三）政府信息管理方面。严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”，"
        "全年未发生泄密事件。及时清理规范性文件，动态更新政府信息公开目录。"
    ),
    (
        "（三）政府信息管理方面。健全信息发布审核机制，明确分管领导和经办人员，规范信息发布流程，"
        "确保公开信息准确、规范、及时。"
    ),
)
PLATFORM = (
    (
        "（四）平台建设方面。持续优化政府网站政府信息公开专栏，加强政务新媒体日常监管，"
        "及时关停整合更新缓慢的账号，提升平台集约化水平。"
    ),
    (
        "（四）平台建设方面。依托政府门户网站集约化平台，完善政策文件库，"
        "推进政务服务事项办事指南标准化，方便群众查询。"
    ),
)
OVERSIGHT = (
    (
        "（五）监督保障方面。将政务公开工作纳入年度绩效考核，定期开展自查和第三方评估，"
        "对发现的问题及时督促整改，全年未发生政府信息公开工作责任追究情况。"
    ),
    (
        "（五）监督保障方面。加强业务培训，组织工作人员参加政务公开专题培训，"
        "畅通社会评议渠道，自觉接受社会监督。"
    ),
)
PROBLEMS = (
    (
        "（一）存在的主要问题：政策解读形式还不够丰富，图解、视频等解读方式运用较少；"
        "部分栏目信息更新不够及时。（二）改进措施：一是丰富政策解读形式，提升解读质量；"
        "二是加强栏目日常维护，确保信息及时更新；三是加强业务培训，提升工作人员业务能力。"
    ),
    (
        "本年度政府信息公开工作虽取得一定成效，但仍存在公开内容不够全面、互动回应不够及时等问题。"
        "下一步，将进一步健全工作机制，强化重点领域信息公开，加强队伍建设，推动政务公开工作再上新台阶。"
    ),
)
OVERVIEW_PRE2019 = (
    (
        "本机关高度重视政府信息公开工作，成立了政府信息公开工作领导小组，由分管领导任组长，"
        "办公室负责日常工作，明确专人负责信息的收集、审核和发布，做到机构、人员、责任三落实。"
    ),
    (
        "认真贯彻落实《条例》，进一步完善政府信息公开工作制度，落实保密审查和信息发布协调机制，"
        "推动政府信息公开工作规范化、制度化。"
    ),
)


@dataclass
class Context:
    rng: random.Random
    agency: Agency
    year: int
    fmt: str
    site_owner: str
    domain: str
    values: dict[tuple[str, str, str], int | float]
    has_table: bool
    blocks: list[Block] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    @property
    def we(self) -> str:
        return self.rng.choice(("本机关", self.agency.name, "我单位"))

    def heading(self, text: str) -> None:
        self.blocks.append(Heading(text))
        self.sections.append(text)

    def para(self, text: str) -> None:
        self.blocks.append(Para(text))

    def fact(self, row: str, value: int | float, unit: str, raw: str, approx: bool = False) -> None:
        self.facts.append(Fact("text", row, "value", value, unit, approx, raw))


def count(rng: random.Random, n: int, unit: str) -> str:
    """A count as a report writes it: digits, or a Chinese numeral for small numbers."""
    if 0 < n <= 10 and rng.random() < 0.3:
        return ("两" if n == 2 else _DIGITS[n]) + unit
    return f"{n}{unit}"


def contact(rng: random.Random, agency: Agency) -> str:
    d = agency.division
    place = f"{d.province}{d.city or ''}{d.county or ''}"
    if d.county and rng.random() < 0.4:
        place = f"{d.city}{d.county}"
    phone = f"0{rng.randint(100, 999)}-{rng.randint(2000000, 8999999)}"
    address = f"{place}{rng.choice(_STREETS)}{rng.randint(1, 300)}号"
    return f"联系地址：{address}；邮编：{rng.randint(100000, 859999)}；电话：{phone}"


def _intro(ctx: Context, parts: str) -> None:
    y = ctx.year
    basis = "《中华人民共和国政府信息公开条例》（以下简称《条例》）"
    if ctx.fmt != "pre2019":
        basis += "和政府信息公开工作年度报告格式要求"
    ctx.para(
        f"本报告根据{basis}编制。本报告由{parts}组成。本报告中所列数据的统计期限自{y}年1月1日起"
        f"至{y}年12月31日止。本报告的电子版可在{ctx.site_owner}门户网站（{ctx.domain}）下载。"
        f"如对本报告有任何疑问，请与{ctx.agency.name}办公室联系（{contact(ctx.rng, ctx.agency)}）。"
    )


def _proactive_sentence(ctx: Context, n: int) -> str:
    rng = ctx.rng
    lead = f"{ctx.year}年，{ctx.we}" if ctx.fmt == "pre2019" else "全年"
    if n >= 100 and rng.random() < 0.25:
        step = 100 if n >= 1000 else 10
        about = n // step * step
        ctx.fact("proactive_items", about, "条", f"{about}余条", approx=True)
        text = f"{lead}共主动公开政府信息{about}余条"
    else:
        ctx.fact("proactive_items", n, "条", f"{n}条")
        text = f"{lead}主动公开政府信息{n}条"
    if n >= 10 and rng.random() < 0.4:
        text += f"，其中通过政府网站公开{rng.randint(n // 2, n)}条"
    return text + "，主要包括机构职能、政策文件、规划计划、财政预决算、人事信息等内容。"


def _received_sentence(ctx: Context, received: int) -> str:
    if received == 0:
        ctx.fact("applications_received", 0, "件", "未收到政府信息公开申请")
        return f"{ctx.year}年，{ctx.we}未收到政府信息公开申请。"
    written = count(ctx.rng, received, "件")
    ctx.fact("applications_received", received, "件", written)
    return f"{ctx.year}年，{ctx.we}共收到政府信息公开申请{written}，均已依法依规办理。"


def _review_sentence(ctx: Context, reconsideration: int, litigation: int) -> str:
    if reconsideration == litigation == 0:
        raw = "未发生因政府信息公开申请提起行政复议、行政诉讼的情况"
        ctx.fact("reconsideration_total", 0, "件", raw)
        ctx.fact("litigation_total", 0, "件", raw)
        return f"{ctx.year}年，{raw}。"
    r, lit = count(ctx.rng, reconsideration, "件"), count(ctx.rng, litigation, "件")
    ctx.fact("reconsideration_total", reconsideration, "件", r)
    ctx.fact("litigation_total", litigation, "件", lit)
    return f"{ctx.year}年，发生因政府信息公开申请提起的行政复议{r}、行政诉讼{lit}。"


def _fee_sentence(ctx: Context) -> str:
    raw = "未收取任何费用" if ctx.fmt == "pre2019" else "未收取信息处理费用"
    ctx.fact("fees_wan_yuan", 0, "万元", raw)
    return f"{ctx.year}年，{ctx.we}在政府信息公开工作中{raw}。"


def pre2019_body(ctx: Context, table: list[Block]) -> None:
    rng, v = ctx.rng, ctx.values
    headings = [
        rng.choice(("一、概述", "一、总体情况")),
        "二、主动公开政府信息情况",
        rng.choice(("三、政府信息依申请公开情况", "三、依申请公开政府信息情况")),
        "四、政府信息公开的收费及减免情况",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        rng.choice(
            ("六、政府信息公开工作存在的主要问题及改进措施", "六、存在的主要问题及改进情况")
        ),
        "七、其他需要报告的事项",
    ]
    if table:
        headings.append("八、政府信息公开情况统计表")
    parts = "、".join(h.split("、", 1)[1] for h in headings)
    _intro(ctx, f"{parts}共{len(headings)}个部分")

    def stat(row: str, default: int) -> int:
        return int(v.get(("legacy_stats", row, "value"), default))

    proactive = stat("proactive_items", rng.randint(30, 3000))
    sentences = (
        rng.choice(OVERVIEW_PRE2019),
        _proactive_sentence(ctx, proactive),
        _received_sentence(ctx, stat("applications_received", 0)),
        _fee_sentence(ctx),
        _review_sentence(ctx, stat("reconsideration_total", 0), stat("litigation_total", 0)),
        rng.choice(PROBLEMS),
        "无。",
    )
    for heading, text in zip(headings[: len(sentences)], sentences, strict=True):
        ctx.heading(heading)
        ctx.para(text)
    if table:
        ctx.heading(headings[-1])
        ctx.blocks.extend(table)


def modern_body(ctx: Context, t2: Block, t3: Block, t4: Block) -> None:
    rng, v = ctx.rng, ctx.values
    review = (
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
    )
    headings = (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        rng.choice(review),
        rng.choice(("五、存在的主要问题及改进情况", "五、存在的主要问题及改进措施")),
        "六、其他需要报告的事项",
    )
    _intro(ctx, "、".join(h.split("、", 1)[1] for h in headings) + "六个部分")
    received = int(v["applications", "new_received", "total"])
    handled = int(v["applications", "outcome_total", "total"])
    forward = int(v["applications", "carried_forward", "total"])
    reconsideration = int(v["review_litigation", "reconsideration", "total"])
    litigation = int(v["review_litigation", "litigation_direct", "total"]) + int(
        v["review_litigation", "litigation_after_reconsideration", "total"]
    )
    ctx.heading(headings[0])
    ctx.para(f"{ctx.year}年，{ctx.we}{rng.choice(GENERAL_2019)}")
    ctx.para("（一）主动公开方面。" + _proactive_sentence(ctx, rng.randint(20, 6000)))
    request = "（二）依申请公开方面。" + _received_sentence(ctx, received)
    if handled or forward:
        request += f"全年办结申请{handled}件，结转下年度继续办理{forward}件。"
    ctx.para(request + _review_sentence(ctx, reconsideration, litigation))
    for pool in (MANAGEMENT, PLATFORM, OVERSIGHT):
        ctx.para(rng.choice(pool))
    for heading, table in zip(headings[1:4], (t2, t3, t4), strict=True):
        ctx.heading(heading)
        ctx.blocks.append(table)
    ctx.heading(headings[4])
    ctx.para(rng.choice(PROBLEMS))
    ctx.heading(headings[5])
    other = (
        _fee_sentence(ctx) if ctx.fmt == "2021" or rng.random() < 0.5 else "无其他需要报告的事项。"
    )
    ctx.para(other)
