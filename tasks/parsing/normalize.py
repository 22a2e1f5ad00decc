"""Text normalization shared by every reader, so extractors match one spelling of each label.

Choices (extractors rely on them):
- Full-width digits, Latin letters and the punctuation that occurs inside numbers,
  dates, e-mail addresses and URLs (``０-９ Ａ-Ｚ ａ-ｚ ．，́ ％ ＠ ／ － ＋ ＃ ＆``) become
  ASCII. Chinese punctuation that carries meaning in labels (``、，。：；（）《》“”``)
  is kept full-width. ASCII parentheses around a Chinese or Arabic ordinal
  (``(一)``, ``(1)``) become full-width ``（一）``, so ordinals have one spelling.
- U+00A0, U+3000 and other space characters become U+0020; zero-width characters go.
- Whitespace between two CJK characters is deleted (``商业 企业`` → ``商业企业``); whitespace
  between digits, or between a digit and a CJK character, is kept, because the table
  extractor needs it to separate cells (``200 000121``, ``条 425 1516``).
- Web-page boilerplate is removed; the chrome block of the Pingtan pages
  (``当前位置：… 来源：X 时间：Y … -->``) is removed after its 来源/时间 are kept as metadata.
"""

from __future__ import annotations

import re

from tasks.parsing.document import Document, Table, TableRow

_FULLWIDTH_KEEP = set("，：；（）！？")
_TO_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _FULLWIDTH_KEEP}
_SPACES = dict.fromkeys((160, 12288, 8194, 8195, 8201, 8202, 8239, 9), " ")
_ZERO_WIDTH = dict.fromkeys((8203, 8204, 8205, 8288, 65279, 173))
_TRANSLATE = {**_TO_HALF, **_SPACES, **_ZERO_WIDTH}

# C0/C1 control characters (tab becomes a space above; line breaks are already split off):
# a NUL inside a cell ("4\x001") would otherwise cut the number it sits in.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"、，。：；！？（）《》“”‘’〈〉【】"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}]) +(?=[{_CJK}{_CJK_PUNCT}])")
_MULTI_SPACE = re.compile(r" {2,}")
_ASCII_ORDINAL = re.compile(r"\(([一二三四五六七八九十]{1,3}|\d{1,2})\)")

_CHROME = re.compile(r"当前位置\s*[:：][^\n]{0,400}?相关链接\s*[:：]?\s*-->")
_CHROME_SOURCE = re.compile(r"来源\s*[:：]\s*(\S{2,40}?)\s+时间\s*[:：]")
_CHROME_TIME = re.compile(r"时间\s*[:：]\s*(\d{4}-\d{1,2}-\d{1,2}(?: \d{1,2}:\d{2})?)")
_BREADCRUMB_LINE = re.compile(r"^\s*(?:当前位置|您的位置|你的位置|所在位置)\s*[:：][^。]{0,200}$")
_BOILERPLATE = re.compile(
    r"<!--.{0,80}?-->"
    r"|【\s*字体\s*[:：]?[^】]{0,20}】"
    r"|字体\s*[:：]\s*\[?\s*大\s*中\s*小\s*\]?"
    r"|[【\[]\s*(?:打印(?:本页)?|关闭(?:窗口)?|收藏|返回顶部)\s*[】\]]"
    r"|扫一扫在手机上查看当前页面"
    r"|微信\s*微博\s*QQ空间\s*全真版\s*文字版(?:\s*文件下载)?(?:\s*相关链接\s*[:：]?\s*-->)?"
    r"|分享到\s*[:：]"
    r"|\s*附件下载\s*$"
)
_RELATED_LINE = re.compile(r"^\s*相关(?:解读|链接|文件)\s*[:：]?[^。]{0,200}$")


def normalize_text(text: str) -> str:
    """Normalize one line or cell; see the module docstring for the rules."""
    text = text.translate(_TRANSLATE)
    text = _ASCII_ORDINAL.sub(r"（\1）", text)
    text = _BOILERPLATE.sub(" ", text)
    text = _MULTI_SPACE.sub(" ", text)
    text = _CJK_GAP.sub("", text)
    return text.strip()


def _take_chrome(line: str, meta: dict[str, str]) -> str:
    """Cut the Pingtan page chrome out of ``line``, keeping its source and time as metadata."""
    m = _CHROME.search(line)
    if not m:
        return line
    chrome = m.group(0)
    if (src := _CHROME_SOURCE.search(chrome)) and "来源" not in meta:
        meta["来源"] = src.group(1)
    if (when := _CHROME_TIME.search(chrome)) and "时间" not in meta:
        meta["时间"] = when.group(1)
    return line[: m.start()] + " " + line[m.end() :]


def _is_boilerplate_line(line: str) -> bool:
    return bool(_BREADCRUMB_LINE.match(line) or _RELATED_LINE.match(line))


def normalize_document(doc: Document) -> Document:
    """A new Document with normalized lines and cells; blank and boilerplate lines dropped.

    Table rows keep pointing at the line that renders them (line numbers are remapped).
    """
    meta = dict(doc.meta)
    notes = list(doc.notes)
    lines: list[str] = []
    new_index: dict[int, int] = {}
    controls: dict[int, int] = {}  # raw line number -> control characters removed
    for old_no, raw in enumerate(doc.lines, start=1):
        if _CONTROL.search(raw):
            controls[old_no] = len(_CONTROL.findall(raw))
            raw = _CONTROL.sub("", raw)  # noqa: PLW2901 - the cleaned line replaces the raw one
        line = normalize_text(_take_chrome(raw, meta))
        if not line or _is_boilerplate_line(line):
            continue
        lines.append(line)
        new_index[old_no] = len(lines)
    tables = [
        Table(
            rows=[
                TableRow(
                    cells=[normalize_text(_CONTROL.sub("", c)) for c in row.cells],
                    line=new_index.get(row.line, _nearest(new_index, row.line)),
                )
                for row in table.rows
            ]
        )
        for table in doc.tables
    ]
    meta = {k: normalize_text(_CONTROL.sub("", v)) for k, v in meta.items()}
    if controls:
        where = ", ".join(str(n) for n in list(controls)[:10])
        where += " …" if len(controls) > 10 else ""
        notes.append(
            f"control_characters: {sum(controls.values())} control characters (NUL and the like) "
            f"removed from {len(controls)} line(s) of the file: {where}"
        )
    return Document(
        kind=doc.kind,
        lines=lines,
        tables=tables,
        meta=meta,
        notes=notes,
        ocr_lines={new_index[n] for n in doc.ocr_lines if n in new_index},
    )


def _nearest(index: dict[int, int], line: int) -> int:
    """The kept line at or before ``line`` (a table row whose own line was blank)."""
    earlier = [new for old, new in index.items() if old <= line]
    return max(earlier) if earlier else 1
