"""Plain-text layouts: pipe-flattened tables, the crawler's one-line page.txt, GB18030 with CRLF."""

from __future__ import annotations

import zlib

from govreports_cli.samples.model import (
    Block,
    Heading,
    Para,
    SampleTruth,
    Signature,
    Site,
    TableBlock,
    Title,
)


def table_rows(table: TableBlock) -> list[list[str]]:
    """Each row's own cells only: spanned slots vanish, so header rows come out shorter."""
    return [[c.flat for c in row if c is not None] for row in table.grid()]


def _pipe_lines(block: Block, site: Site) -> list[str]:
    if isinstance(block, Title):
        # The CMS's info line names the site's owner as 来源: often not the reporting agency.
        return [*block.text.split("\n"), f"发布时间：{site.published_at} 来源：{site.owner}"]
    if isinstance(block, Heading | Para):
        return block.text.split("\n")
    if isinstance(block, TableBlock):
        return [" | ".join(cells) + " |" for cells in table_rows(block)]
    return [block.agency] + ([block.date_text] if block.date_text else [])


def pipe_text(truth: SampleTruth) -> str:
    assert truth.site is not None
    lines = [ln for b in truth.blocks for ln in _pipe_lines(b, truth.site)]
    return "\n".join(lines) + "\n"


def render_pipe(truth: SampleTruth) -> bytes:
    return pipe_text(truth).encode("utf-8")


def render_gbk(truth: SampleTruth) -> bytes:
    return pipe_text(truth).replace("\n", "\r\n").encode("gb18030")


def _flat_piece(block: Block) -> str:
    if isinstance(block, Title | Heading | Para):
        return block.text.replace("\n", "")
    if isinstance(block, TableBlock):
        return " " + "".join("".join(cells) for cells in table_rows(block)) + " "
    assert isinstance(block, Signature)
    return f" {block.agency} {block.date_text or ''}".rstrip()


def render_flat(truth: SampleTruth) -> bytes:
    """Like the archive's page.txt: crawler header, then the body on one line, cells run on."""
    site = truth.site
    assert site is not None
    page_id = zlib.crc32(truth.title.encode()) % 100000
    month = site.published_at[:7].replace("-", "")
    day = site.published_at[:10].replace("-", "")
    folder = f"zwgk/zfxxgk/zfxxgknb/{month}/{page_id}_{truth.title}"
    header = [
        f"标题: {truth.title}",
        f"发布时间: {site.published_at}",
        "文号: ",
        "发布机构: ",
        "栏目: 政府信息公开年报",
        f"原文链接: https://{site.domain}/zwgk/zfxxgk/zfxxgknb/{month}/t{day}_{page_id}.htm",
        f"本地目录: {folder}",
        "页面链接与图片详见 links.tsv(同目录)",
        "==================== 正文 ====================",
    ]
    body = "".join(_flat_piece(b) for b in truth.blocks)
    if truth.chrome:
        crumbs = "".join(site.breadcrumb)
        body = (
            f"当前位置： {crumbs} {truth.title} 来源：{site.owner} 时间：{site.published_at} "
            f"微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： --> {body} 附件下载"
        )
    return ("\n".join(header) + "\n" + body).encode("utf-8")
