"""A Word-exported report inside a government CMS page: spans on every cell, real row/col spans."""

from __future__ import annotations

import zlib
from html import escape

from govreports_cli.samples.model import (
    Block,
    Cell,
    Heading,
    Para,
    SampleTruth,
    Signature,
    TableBlock,
    Title,
)

_TD = (
    "border:solid windowtext 1.0pt;border-top:none;padding:0cm 5.4pt 0cm 5.4pt;"
    "mso-border-alt:solid windowtext .5pt"
)
_SPAN = "font-size:10.5pt;font-family:宋体;mso-ascii-font-family:'Times New Roman';color:black"
_P = "font-size:16pt;font-family:仿宋_GB2312;line-height:28pt"


def _cell(cell: Cell, blank_zeros: bool) -> str:
    attrs = "".join(
        f' {name}="{n}"'
        for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
        if n > 1
    )
    if cell.zero and blank_zeros:
        text = "&nbsp;"
    else:
        text = "<br/>".join(escape(part) for part in cell.text.split("\n"))
    return (
        f'<td{attrs} valign="center" style="{_TD}"><p class="MsoNormal" align="center" '
        f'style="text-align:center"><span style="{_SPAN}">{text}</span></p></td>'
    )


def _table(table: TableBlock, blank_zeros: bool) -> str:
    rows = "".join(
        "<tr>" + "".join(_cell(c, blank_zeros) for c in row) + "</tr>" for row in table.rows
    )
    return (
        '<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" '
        f'style="border-collapse:collapse;border:none"><tbody>{rows}</tbody></table>'
    )


def _block(block: Block, blank_zeros: bool) -> str:
    if isinstance(block, Title):
        return ""  # the CMS shows the title in its own header above the article body
    if isinstance(block, Heading):
        return (
            f'<p style="{_P};font-family:黑体"><span style="{_P}">{escape(block.text)}</span></p>'
        )
    if isinstance(block, Para):
        text = "<br/>".join(escape(line) for line in block.text.split("\n"))
        return f'<p style="{_P};text-indent:32pt"><span style="{_P}">{text}</span></p>'

    if isinstance(block, TableBlock):
        return _table(block, blank_zeros)
    assert isinstance(block, Signature)
    lines = [block.agency] + ([block.date_text] if block.date_text else [])
    return "".join(
        f'<p align="right" style="text-align:right"><span style="{_P}">{escape(x)}</span></p>'
        for x in lines
    )


def render_html(truth: SampleTruth) -> bytes:
    site = truth.site
    assert site is not None
    title = escape(truth.title)
    crumbs = " &gt; ".join(f'<a href="#">{escape(c)}</a>' for c in site.breadcrumb)
    # Blocks above the title (a preamble) come before the article's heading, as on the page.
    at = next(i for i, b in enumerate(truth.blocks) if isinstance(b, Title))
    heading_block = truth.blocks[at]
    assert isinstance(heading_block, Title)
    above = "".join(_block(b, truth.blank_zeros) for b in truth.blocks[:at])
    body = "".join(_block(b, truth.blank_zeros) for b in truth.blocks[at + 1 :])
    heading = "<br/>".join(escape(line) for line in heading_block.text.split("\n"))
    chrome_top = f'<div class="location">当前位置：{crumbs}</div>' if truth.chrome else ""
    chrome_bottom = (
        '<div class="share">扫一扫在手机上查看当前页面</div>'
        f'<div class="attach">附件下载：<a href="#">{title}.docx</a></div>'
        if truth.chrome
        else ""
    )
    # CMSs name the site in <title> after the title (_某市人民政府) or before it (某市人民政府
    # 门户网站 - …), and not all of them carry an ArticleTitle meta; fixed per title, so one
    # truth always renders the same bytes.
    owner = escape(site.owner)
    pick = zlib.crc32(truth.title.encode()) % 3
    page_title = f"{owner}门户网站 - {title}" if pick == 0 else f"{title}_{owner}"
    article_meta = "" if pick == 1 else f'<meta name="ArticleTitle" content="{title}">'
    page = (
        "<!DOCTYPE html><html><head>"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f"<title>{page_title}</title>"
        f"{article_meta}"
        f'<meta name="PubDate" content="{site.published_at}">'
        f'<meta name="ContentSource" content="{escape(site.owner)}">'
        f'<meta name="SiteName" content="{escape(site.owner)}门户网站">'
        "</head><body>"
        f'<div class="header"><a href="https://{site.domain}/">{escape(site.owner)}门户网站</a></div>'
        f"{chrome_top}"
        f'<div class="article">{above}<h1 class="article-title">{heading}</h1>'
        f'<div class="article-info">发布时间：{site.published_at} 来源：{escape(site.owner)} '
        '【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>'
        f'<div class="TRS_Editor"><div class="WordSection1">{body}</div></div></div>'
        f"{chrome_bottom}"
        f'<div class="footer">主办：{escape(site.owner)}办公室</div>'
        "</body></html>"
    )
    return page.encode("utf-8")
