"""File readers: bytes of a .txt, .html/.htm, .pdf or .docx report → ``Document``.

The file signature decides the reader, the extension only breaks ties (a ``.txt``
that is really a PDF is read as a PDF, with a note). Readers return raw lines;
``normalize.normalize_document`` is applied by the caller.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import PurePath
from typing import TYPE_CHECKING

from lxml import etree

from govreports.contract.models import ParseError
from tasks.parsing.document import Document, Table, TableRow
from tasks.parsing.ocr import OcrOptions

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import IO

    from lxml.etree import _Element

    from tasks.parsing.pdf_geometry import PageGeometry

# A .docx member larger than this once inflated, or inflating more than _MAX_RATIO times,
# is treated as a zip bomb; real reports stay far below both.
_MAX_UNZIPPED = 200 * 1024 * 1024
_MAX_RATIO = 200
_MAX_RATIO_MIN_SIZE = 10 * 1024 * 1024

# An inflated word/document.xml above this is not a report (real ones stay under 5 MB): it is
# refused before python-docx builds a tree of ~20x its size in memory.
_MAX_DOCUMENT_XML = 64 * 1024 * 1024
# Characters of text a report can hold: the longest real one has ~17,000; past this a file is
# quarantined as too large before the line splitter and the extractors walk it.
MAX_TEXT_CHARS = 2_000_000

_CRAWLER_SEPARATOR = re.compile(r"^=+\s*正文\s*=+\s*$", re.MULTILINE)
_CRAWLER_FIELD = re.compile(r"^([^\s:：]{1,12})\s*[:：]\s?(.*)$")

_NUMERAL = "一二三四五六七八九十"
# A top-level heading (一、…十、) starts a line when it follows a sentence end or a blank;
# the table group labels that look like headings stay inside their table line.
_HEADING_START = re.compile(
    rf"(?:(?<=[。！？；])|(?<=\s)|^)\s*(?=[{_NUMERAL}]{{1,2}}、\s*"
    r"(?!本年新收|上年结转|本年度办理|结转下|本年度))"
)
_SENTENCE_END = re.compile(r"(?<=[。！？])\s*(?=\S)|(?<=-->)\s*|\s+(?=附件\s*\d{0,2}\s*[:：])")
# Section headings glued to the digits of a flattened table still start a line.
_SECTION_AFTER_TABLE = re.compile(
    rf"(?<![{_NUMERAL}])(?=[{_NUMERAL}]{{1,2}}、\s*(?:总体情况|概述|主动公开政府信息情况|收到和处理|"
    r"(?:因)?政府信息公开(?:申请)?行政|存在的主要问题|政府信息公开工作存在|其他需要报告|"
    r"政府信息公开情况统计表|政府信息依申请公开|依申请公开|政府信息公开的收费))"
)
_TITLE_LEAD_BLOCKER = re.compile(r"[。；]|当前位置|-->")
_TITLE_LEAD = re.compile(r"^(\S.{3,60}?报告)\s+(?=\S)")
_HEADING_TEXT = re.compile(
    rf"^([{_NUMERAL}]{{1,2}}、\s*[^\s，。；：0-9]{{0,40}}?(?:情况统计表|统计表|情况|事项|措施|概述)"
    r"(?:[^\s，。；：0-9]{0,4}?(?:情况|事项|措施))?)"
)
_HEADING_TO_BLANK = re.compile(rf"^([{_NUMERAL}]{{1,2}}、\s*[^\s，。；：0-9]{{2,30}})\s+(?=\S)")

_PAGE_FOOTER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
_TRAILING_NUMBERS = re.compile(r"(?:^|\s)-?\d[\d.,]*(?:\s+-?\d[\d.,]*)*\s*$")
_ROW_VALUES = re.compile(r"\d\s+-?\d[\d.,]*\s*$")
_ONLY_NUMBERS = re.compile(r"^\s*-?\d[\d.,]*(?:\s+-?\d[\d.,]*)*\s*$")
_ROW_MARKER = re.compile(
    rf"^\s*(?:[{_NUMERAL}]{{1,2}}、|（[{_NUMERAL}]{{1,2}}）|\d{{1,2}}\s*[.、．])"
)
_GROUP_THEN_ROW = re.compile(rf"^(（[{_NUMERAL}]）\S{{0,4}})\s+(\d{{1,2}}[.、].*)$")
_FRAGMENT_THEN_ROW = re.compile(r"^([\u4e00-\u9fff]{1,4})\s+(\d{1,2}[.、].*)$")
# Control characters, replacement characters and private-use/astral code points: rare in real
# text, common when binary bytes happen to decode.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd\ue000-\uf8ff\U00010000-\U0010ffff]")
_TERMINATORS = tuple("。！？；：")


def read_document(
    data: bytes, filename: str, *, max_bytes: int | None = None, ocr: OcrOptions | None = None
) -> Document:
    """Read one report file into a Document of raw lines, tables and container metadata.

    ``ocr`` says whether and how far scanned PDF pages are read by OCR (default: on).
    """
    if max_bytes is not None and len(data) > max_bytes:
        raise ParseError("too_large", f"{len(data)} bytes is over the limit of {max_bytes}")
    if not data.strip():
        raise ParseError("empty", "the file is empty")
    ext = PurePath(filename).suffix.lower().lstrip(".")
    kind = _sniff(data) or {"htm": "html", "html": "html", "txt": "txt", "text": "txt"}.get(ext)
    if kind is None:
        raise ParseError("unsupported_type", f"cannot read a .{ext or '?'} file as a report")
    readers: dict[str, Callable[[bytes], Document]] = {
        "txt": _read_txt,
        "html": _read_html,
        "pdf": lambda pdf: _read_pdf(pdf, OcrOptions() if ocr is None else ocr),
        "docx": _read_docx,
    }
    doc = readers[kind](data)
    declared = "html" if ext == "htm" else ext
    if declared and declared != kind and not (kind == "txt" and declared in ("text", "csv")):
        doc.notes.append(f"file_type_mismatch: .{ext} file read as {kind}")
    return doc


def _sniff(data: bytes) -> str | None:
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError("unsupported_type", "an old binary Office file (.doc/.xls), not .docx")
    for magic in (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf"):
        if head.startswith(magic):
            raise ParseError("unsupported_type", "an image or archive, not a report")
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in lowered:
        return "html"
    return None


def decode_text(data: bytes) -> str:
    """Decode text bytes: strict UTF-8 (with or without BOM), then GB18030, then detection."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and _looks_like_text(text := str(best)):
        return text
    raise ParseError("unreadable", "the bytes are not text in any known encoding")


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    return len(_NOT_TEXT.findall(sample)) / len(sample) < 0.02


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def check_text_size(text_chars: int, longest_line: int) -> None:
    """Refuse a text too long to be a report (a single 10 MB line, a dump), saying how long."""
    if text_chars <= MAX_TEXT_CHARS:
        return
    shape = (
        f"a single line of {longest_line:,} characters"
        if longest_line > text_chars // 2
        else f"over {text_chars:,} characters of text"
    )
    raise ParseError(
        "too_large", f"{shape}, over the limit of {MAX_TEXT_CHARS:,} characters for a report"
    )


def _read_txt(data: bytes) -> Document:
    text = decode_text(data)
    if len(text) > MAX_TEXT_CHARS:
        check_text_size(len(text), max(map(len, _split_lines(text))))
    lines = _split_lines(text)
    meta: dict[str, str] = {}
    sep = _CRAWLER_SEPARATOR.search("\n".join(lines[:40]))
    if sep is not None:
        head_count = "\n".join(lines[:40])[: sep.start()].count("\n")
        for line in lines[:head_count]:
            if (m := _CRAWLER_FIELD.match(line.strip())) and m.group(2).strip():
                meta[m.group(1)] = m.group(2).strip()
        lines = lines[head_count + 1 :]
    body: list[str] = []
    for line in lines:
        body.extend(split_body_line(line) if len(line) > 200 else [line])
    return Document(kind="txt", lines=body, meta=meta)


def split_body_line(text: str) -> list[str]:
    """Split a page body flattened onto one line into sentences and headings.

    Deterministic and modest: a break after 。！？, a break before a top-level heading
    (一、…) that follows a sentence end or a blank, and one after the heading's own text.
    Table rows stay together (their group labels are excluded from the heading rule).
    """
    out: list[str] = []
    for n, raw_sentence in enumerate(_SENTENCE_END.split(text)):
        sentence = raw_sentence
        if (
            n < 3
            and (m := _TITLE_LEAD.match(sentence))
            and not _TITLE_LEAD_BLOCKER.search(m.group(1))
        ):
            out.append(m.group(1))
            sentence = sentence[m.end() :]
        for chunk in _HEADING_START.split(sentence):
            for piece in _SECTION_AFTER_TABLE.split(chunk):
                if piece.strip():
                    out.extend(_split_heading(piece.strip()))
    return out


def _split_heading(piece: str) -> list[str]:
    if not piece[:1] or piece[0] not in _NUMERAL:
        return [piece]
    m = _HEADING_TEXT.match(piece) or _HEADING_TO_BLANK.match(piece)
    if m is None or m.end() >= len(piece):
        return [piece]
    rest = piece[m.end() :].strip()
    return [m.group(1).strip(), rest] if rest else [m.group(1).strip()]


def _read_html(data: bytes) -> Document:
    """Lines and table grids of an HTML page, parsed by lxml.

    Text comes out as BeautifulSoup's lxml tree builder gave it (this reader replaced it, at
    a fraction of the cost): a text node of ASCII blanks only is one blank outside <pre> and
    <textarea>, comments and processing instructions are skipped, block elements and <br>
    break the line, and each table is rendered row by row from its expanded grid.
    """
    text = decode_text(data).removeprefix("\ufeff")
    root = _parse_html(text, from_events=False)
    if root is None:  # nothing but comments, declarations or blanks
        return Document(kind="html", lines=[""])
    lines, tables, deepest = _render_html(root)
    if deepest >= _MAX_TREE_DEPTH and (full := _parse_html(text, from_events=True)) is not None:
        # The tree stopped at libxml2's depth limit and lost what lies deeper: read again.
        root = full
        lines, tables, _ = _render_html(root)
    notes = [t.note for t in tables if t.note]
    return Document(kind="html", lines=lines, tables=tables, meta=_html_meta(root), notes=notes)


def _render_html(root: _Element) -> tuple[list[str], list[Table], int]:
    """Lines and tables of the page's body, and the depth of its deepest element read."""
    body = next(root.iter("body"), None)
    lines: list[str] = [""]
    tables: list[Table] = []
    deepest = _walk_html(root if body is None else body, lines, tables)
    return lines, tables, deepest


def _parse_html(text: str, *, from_events: bool) -> _Element | None:
    """The page as an lxml tree; ``from_events`` builds it from parser events, at any depth.

    libxml2's own tree stops at ``_MAX_TREE_DEPTH`` levels (dropping what is nested deeper);
    the event-built tree has no limit but costs about three times as much, so it is only
    the fallback for pages that reach the limit.
    """
    parser = (
        etree.HTMLParser(
            recover=True, target=etree.TreeBuilder(insert_comments=True, insert_pis=True)
        )
        if from_events
        else etree.HTMLParser(recover=True, huge_tree=True)
    )
    try:
        parser.feed(text)
        root: _Element | None = parser.close()
        return root
    except MemoryError:
        raise  # the memory budget, not a damaged file: the isolation worker reports it
    except Exception as exc:  # noqa: BLE001 - lxml raises several types on hostile input
        raise ParseError(
            "unreadable", f"the HTML could not be parsed ({type(exc).__name__})"
        ) from None


def _walk_html(start: _Element, lines: list[str], tables: list[Table]) -> int:
    """Render ``start`` into ``lines`` (appending to the last one) and ``tables``.

    Returns the depth of the deepest element rendered.
    """
    deepest = 0
    # Entries: an element, a text node (str) or _BREAK; whether it sits in <pre>; its depth.
    stack: list[tuple[object, bool, int]] = [(start, False, sum(1 for _ in start.iterancestors()))]
    while stack:
        node, verbatim, depth = stack.pop()
        if node is _BREAK:
            lines.append("")
        elif isinstance(node, str):
            lines[-1] += _text_node(node, verbatim=verbatim).replace("\n", " ")
        elif isinstance(node, _ELEMENT) and isinstance(name := node.tag, str):
            if name in _DROP_TAGS or _is_boilerplate_block(node):
                continue
            deepest = max(deepest, depth)
            if name == "br":
                lines.append("")
            elif name == "table":
                tables.append(_render_table(node, lines))
            else:
                inner = verbatim or name in _VERBATIM_TAGS
                children = [(child, inner, depth + 1) for child in reversed(_contents(node))]
                if name in _BLOCK_TAGS:
                    stack += [(_BREAK, False, depth), *children, (_BREAK, False, depth)]
                else:
                    stack += children
    return deepest


def _contents(element: _Element) -> list[_Element | str]:
    """An element's children in document order, its text and their tails as text nodes."""
    out: list[_Element | str] = [element.text] if element.text else []
    for child in element:
        out.append(child)
        if child.tail:
            out.append(child.tail)
    return out


def _text_node(text: str, *, verbatim: bool) -> str:
    """A text node as BeautifulSoup kept it: ASCII blanks only become one blank or newline."""
    if verbatim or text.strip(_ASCII_BLANKS):
        return text
    return "\n" if "\n" in text else " "


def _cell_text(cell: _Element) -> str:
    """The text a cell shows (BeautifulSoup ``get_text``): no comments, scripts or ruby notes."""
    out: list[str] = []
    stack: list[_Element | str] = [cell]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node.tag, str) and node.tag not in _HIDDEN_TEXT_TAGS:
            stack += reversed(_contents(node))
    return "".join(out)


_BREAK = object()
# Cells of one table's expanded grid read at most (real statistics tables: a few hundred).
_MAX_TABLE_CELLS = 20_000
_ELEMENT = etree._Element
# libxml2 builds a tree at most this deep and drops what is nested further.
_MAX_TREE_DEPTH = 2047
_ASCII_BLANKS = " \n\t\x0c\r"
_VERBATIM_TAGS = frozenset({"pre", "textarea"})
# Text inside these is not page text to BeautifulSoup's get_text (script, style, ruby notes).
_HIDDEN_TEXT_TAGS = frozenset({"script", "style", "template", "rt", "rp"})
_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "header",
        "footer",
        "iframe",
        "form",
        "select",
        "button",
        "svg",
        "head",
        "template",
        "object",
        "embed",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "main",
        "tr",
        "blockquote",
        "pre",
        "dl",
        "dt",
        "dd",
        "center",
        "aside",
        "hr",
        "caption",
    }
)
_BOILERPLATE_CLASS = re.compile(
    r"(?:^|[-_\s])(?:nav|breadcrumb|crumb|share|footer|header|menu)(?:$|[-_\s])", re.I
)
_META_NAMES = (
    "pubdate",
    "publishdate",
    "articletitle",
    "contentsource",
    "sitename",
    "author",
    "description",
    "keywords",
    "columnname",
    "firstimagesrc",
)


def _is_boilerplate_block(element: _Element) -> bool:
    names = " ".join(str(element.get("class") or "").split())
    ident = element.get("id") or ""
    return bool(_BOILERPLATE_CLASS.search(f"{names} {ident}"))


def _html_meta(root: _Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = next(root.iter("title"), None)
    if title is not None and (string := _only_string(title)):
        meta["title"] = string.strip()
    for tag in root.iter("meta"):
        name = str(tag.get("name") or tag.get("property") or "").strip()
        content = str(tag.get("content") or "").strip()
        if name and content and name.lower() in _META_NAMES:
            meta[name] = content
    return meta


def _only_string(element: _Element) -> str | None:
    """The element's one text, looking through single children (BeautifulSoup ``.string``)."""
    contents = _contents(element)
    while (
        len(contents) == 1 and not isinstance(contents[0], str) and isinstance(contents[0].tag, str)
    ):
        contents = _contents(contents[0])
    if len(contents) != 1:
        return None
    child = contents[0]
    if isinstance(child, str):
        return _text_node(child, verbatim=False)
    return child.text  # a comment or processing instruction


def _render_table(table: _Element, lines: list[str]) -> Table:
    """Expand rowspan/colspan into a full grid; render each row as ``a | b | c`` on its own line."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    expanded = 0
    rows = _own_rows(table)
    for r, tr in enumerate(rows):
        if expanded > _MAX_TABLE_CELLS:
            # A statistics table has a few hundred cells; a colspan storm has millions.
            truncated = (
                f"table_truncated: a table expanding past {_MAX_TABLE_CELLS:,} cells (rowspan/"
                f"colspan); its first {r} of {len(rows)} rows were read"
            )
            break
        row: list[str] = []
        col = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            text = " ".join(_cell_text(cell).split())
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            for dc in range(colspan):
                row.append(text)
                for dr in range(1, rowspan):
                    pending[(r + dr, col + dc)] = text
            col += colspan
            expanded += colspan * rowspan
        while (r, col) in pending:
            row.append(pending.pop((r, col)))
            col += 1
        grid.append(row)
    else:
        truncated = None
    width = max((len(row) for row in grid), default=0)
    out = Table(note=truncated)
    lines.append("")
    for row in grid:
        if not any(c.strip() for c in row):
            continue
        cells = row + [""] * (width - len(row))
        lines[-1] = " | ".join(cells)
        out.rows.append(TableRow(cells=cells, line=len(lines)))
        lines.append("")
    return out


def _own_rows(table: _Element) -> list[_Element]:
    rows: list[_Element] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if row.tag == "tr")
    return rows


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value).strip() or "1"), 100))
    except ValueError:
        return 1


def _read_pdf(data: bytes, ocr: OcrOptions) -> Document:
    """Text and ruled tables from PDFium in one pass (docs/adr/0013); pypdf where PDFium fails.

    Scanned pages, and pictures of tables on text pages, are read by OCR (docs/adr/0014).
    pypdf stays the reader of last resort: it names what is wrong with an encrypted or
    damaged file, and reads a few files PDFium refuses.
    """
    from tasks.parsing.pdf_geometry import read_pdf, tables_of

    try:
        content = read_pdf(data)
    except MemoryError:
        raise  # the memory budget, not a damaged file: the isolation worker reports it
    except Exception:  # noqa: BLE001 - PDFium's errors are untyped; pypdf says what is wrong
        return _read_pdf_text_only(data)
    page_lines = [
        [ln for ln in _split_lines(page.text) if ln.strip() and not _PAGE_FOOTER.match(ln)]
        for page in content.pages
    ]
    notes: list[str] = []
    after: dict[int, list[str]] = {}
    ocr_lines = _ocr_pdf(data, content.pages, page_lines, ocr, notes=notes, after=after)
    lines, ocr_line_numbers = _join_runs(page_lines, ocr_lines, after)
    if not any(lines) and not notes:
        notes.append("pdf_no_text_layer: the PDF has no extractable text")
    tables = tables_of(content.pages, lines)
    return Document(
        kind="pdf",
        lines=lines,
        tables=tables,
        meta=content.meta,
        notes=notes,
        ocr_lines=ocr_line_numbers,
    )


def _read_pdf_text_only(data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError("encrypted", "the PDF is encrypted with a password")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except ParseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise ParseError("encrypted", "the PDF is encrypted") from None
        raise ParseError("unreadable", f"the PDF is damaged ({type(exc).__name__})") from None
    except MemoryError:
        raise  # the memory budget, not a damaged file: the isolation worker reports it
    except Exception as exc:  # noqa: BLE001 - pypdf raises assorted errors on damaged files
        raise ParseError("unreadable", f"the PDF is damaged ({type(exc).__name__})") from None
    meta: dict[str, str] = {}
    if info is not None:
        for key in ("/Title", "/Author", "/CreationDate", "/ModDate"):
            value = info.get(key)
            if value:
                meta[key.lstrip("/")] = str(value)
    raw = [
        ln
        for page in pages
        for ln in _split_lines(page)
        if ln.strip() and not _PAGE_FOOTER.match(ln)
    ]
    notes = [] if any(raw) else ["pdf_no_text_layer: the PDF has no extractable text"]
    notes.append("pdf_geometry: PDFium could not open the file; text only, no table geometry")
    return Document(kind="pdf", lines=join_pdf_lines(raw), meta=meta, notes=notes)


def _join_runs(
    page_lines: list[list[str]], ocr_lines: dict[int, list[str]], after: dict[int, list[str]]
) -> tuple[list[str], set[int]]:
    """The document's lines, and which of them OCR read.

    Hard wraps are undone within each run of pages from one source, so a line read by OCR
    is never joined to a text-layer line and the facts read from it can say so.
    """
    lines: list[str] = []
    ocr_line_numbers: set[int] = set()
    run: list[str] = []
    run_is_ocr = False
    for n, text_lines in enumerate(page_lines, start=1):
        chunks = [(False, text_lines)] if text_lines else []
        if n in ocr_lines:
            chunks.append((True, ocr_lines[n]))
        if after.get(n):
            chunks.append((False, after[n]))
        for is_ocr, chunk in chunks:
            if is_ocr != run_is_ocr and run:
                _flush_run(run, run_is_ocr, lines, ocr_line_numbers)
            run_is_ocr = is_ocr
            run.extend(chunk)
    _flush_run(run, run_is_ocr, lines, ocr_line_numbers)
    return lines, ocr_line_numbers


def _flush_run(run: list[str], is_ocr: bool, lines: list[str], ocr_lines: set[int]) -> None:
    joined = join_pdf_lines(run)
    if is_ocr:
        ocr_lines.update(range(len(lines) + 1, len(lines) + len(joined) + 1))
    lines.extend(joined)
    run.clear()


# A page whose text layer holds fewer visible characters than this is read as a scan when it
# shows an image (a scanner's PDF often carries a page number or a stamp as text).
_SCAN_TEXT_CHARS = 20
# An image covering this share of a page that has a text layer is read by OCR too: a
# statistics table pasted in as a picture.
_IMAGE_SHARE = 0.25


def _ocr_pdf(
    data: bytes,
    pages: Sequence[PageGeometry],
    page_lines: list[list[str]],
    ocr: OcrOptions,
    *,
    notes: list[str],
    after: dict[int, list[str]],
) -> dict[int, list[str]]:
    """Lines read by OCR for the pages that need it (1-based page → lines), with notes.

    A scanned page (no text layer, an image) is read whole; on a page with a text layer,
    only the text inside its large images is read. With OCR off, a PDF that is nothing but
    scans is quarantined (``scanned``); scanned pages of a mixed PDF are noted.
    On a page with pictures, its text layer is split into the text above and below them
    (``page_lines`` keeps the part above, ``after`` gets the part below), so the lines read
    from the picture stand where the picture does.
    """
    scanned, pictured = _pages_needing_ocr(pages, page_lines)
    if not scanned and not pictured:
        return {}
    if not ocr.enabled:
        if len(scanned) == len(page_lines):
            raise ParseError("scanned", "scanned: no text layer (OCR is off)")
        notes.append(f"ocr_off: {_pages(sorted([*scanned, *pictured]))} not read (images)")
        return {}
    import pypdfium2 as pdfium

    from tasks.parsing.ocr import group_lines, line_text, ocr_page_words, ocr_pages

    pdf = pdfium.PdfDocument(data)
    try:
        result = ocr_pages(pdf, scanned, ocr)
        out = dict(result.lines)
        for n, boxes in pictured.items():
            if len(out) >= ocr.max_pages:
                result.skipped.append(n)
                continue
            words = [
                w
                for w in ocr_page_words(pdf[n - 1], n, ocr)
                if any(_inside(w.x0, w.top, w.x1, w.bottom, box) for box in boxes)
            ]
            out[n] = [line_text(line) for line in group_lines(words)]
            page_lines[n - 1], after[n] = _text_around(pdf[n - 1], boxes)
    finally:
        pdf.close()
    if out:
        notes.append(f"ocr: {len(out)} pages read by OCR ({_pages(sorted(out))})")
    if result.skipped:
        notes.append(
            f"ocr_budget: {_pages(sorted(result.skipped))} not read: over the OCR budget of "
            f"{ocr.max_pages} pages / {ocr.max_seconds:g} s per document"
        )
    return out


_Box = tuple[float, float, float, float]


def _pages_needing_ocr(
    pages: Sequence[PageGeometry], page_lines: list[list[str]]
) -> tuple[list[int], dict[int, list[_Box]]]:
    """Scanned pages (images, no text layer) and text pages with large images, 1-based."""
    scanned: list[int] = []
    pictured: dict[int, list[_Box]] = {}
    for geo, text_lines in zip(pages, page_lines, strict=True):
        if not geo.images:
            continue
        if sum(len(ln.replace(" ", "")) for ln in text_lines) < _SCAN_TEXT_CHARS:
            scanned.append(geo.page)
            continue
        covered = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in geo.images)
        if covered >= _IMAGE_SHARE * geo.width * geo.height:
            pictured[geo.page] = list(geo.images)
    return scanned, pictured


def _text_around(page: object, boxes: list[_Box]) -> tuple[list[str], list[str]]:
    """The page's text-layer lines above and below its pictures (text beside them is lost)."""
    width, height = page.get_size()  # type: ignore[attr-defined]
    top = min(b[1] for b in boxes)
    bottom = max(b[3] for b in boxes)
    text = page.get_textpage()  # type: ignore[attr-defined]

    def lines(low: float, high: float) -> list[str]:
        if high <= low:
            return []
        raw = text.get_text_bounded(left=0, bottom=low, right=width, top=high)
        return [ln for ln in _split_lines(raw) if ln.strip() and not _PAGE_FOOTER.match(ln)]

    return lines(height - top, height), lines(0, height - bottom)


def _inside(x0: float, top: float, x1: float, bottom: float, box: tuple[float, ...]) -> bool:
    mid_x, mid_y = (x0 + x1) / 2, (top + bottom) / 2
    return box[0] <= mid_x <= box[2] and box[1] <= mid_y <= box[3]


def _pages(numbers: list[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(map(str, numbers))


def _squash(line: str) -> str:
    """Line text with the per-character spaces of PDF extraction removed between CJK characters."""
    return re.sub(r"(?<=[\u4e00-\u9fff、，（）]) (?=[\u4e00-\u9fff、，（）])", "", line.strip())


def join_pdf_lines(raw: list[str]) -> list[str]:
    """Undo the hard wraps of PDF text: paragraph wraps, wrapped table labels, vertical labels.

    Table rows end up as ``label v1 v2 …`` on one line, group labels on their own line.
    """
    lines = [_squash(ln) for ln in raw]
    full = _full_width(lines)
    out: list[str] = []
    label_buffer: list[str] = []
    group_fragment: str | None = None
    for raw_line in lines:
        line = raw_line
        if m := _GROUP_THEN_ROW.match(line):
            out.extend(_flush(label_buffer))
            group_fragment = m.group(1)
            out.append(group_fragment)
            line = m.group(2)
        elif group_fragment and (m := _FRAGMENT_THEN_ROW.match(line)):
            out[out.index(group_fragment)] = group_fragment + m.group(1)
            group_fragment = None
            line = m.group(2)
        if label_buffer:
            if _ONLY_NUMBERS.match(line) or (
                _TRAILING_NUMBERS.search(line) and not _ROW_MARKER.match(line)
            ):
                out.append("".join(label_buffer) + " " + line.strip())
                label_buffer = []
                continue
            if not _ROW_MARKER.match(line) and _width(line) < 0.8 * full:
                label_buffer.append(line)
                continue
            out.extend(_flush(label_buffer))
        if _is_table_label(line, full):
            label_buffer = [line]
        elif out and _continues(out[-1], line, full):
            out[-1] = _join(out[-1], line)
        else:
            out.append(line)
    out.extend(_flush(label_buffer))
    return out


def _flush(buffer: list[str]) -> list[str]:
    if not buffer:
        return []
    joined = "".join(buffer)
    buffer.clear()
    return [joined]


def _is_table_label(line: str, full: float) -> bool:
    """A short row label with no numbers yet: its numbers follow on a later line."""
    return (
        bool(_ROW_MARKER.match(line))
        and not _TRAILING_NUMBERS.search(line)
        and _width(line) < 0.8 * full
        and not line.endswith(_TERMINATORS)
        and bool(re.match(r"^\s*(?:\d{1,2}\s*[.、．]|（[一二三四五六七八九十]）)", line))
    )


def _continues(prev: str, line: str, full: float) -> bool:
    if _ROW_MARKER.match(line) or prev.endswith(_TERMINATORS) or _ROW_VALUES.search(prev):
        return False
    if _width(prev) >= 0.85 * full:
        return True
    # A one- or two-character tail of a label split vertically or per character.
    return (
        len(line) <= 2
        and not line.isdigit()
        and _width(prev) < 0.5 * full
        and not _TRAILING_NUMBERS.search(prev)
    )


def _join(prev: str, line: str) -> str:
    if prev[-1:].isascii() and line[:1].isascii() and prev[-1:].isalnum() and line[:1].isalnum():
        return prev + " " + line
    return prev + line


def _width(line: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)


def _full_width(lines: list[str]) -> float:
    widths = sorted(_width(ln) for ln in lines if ln)
    if not widths:
        return 1.0
    return float(widths[int(len(widths) * 0.9)])


def _read_docx(data: bytes) -> Document:
    _check_zip(data)
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        word = docx.Document(io.BytesIO(data))
    except MemoryError:
        raise  # the memory budget, not a damaged file: the isolation worker reports it
    except Exception as exc:  # noqa: BLE001 - python-docx raises KeyError, BadZipFile, XML errors
        if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
            raise ParseError(
                "corrupt_archive", f"the .docx archive is damaged: {_short(exc)}"
            ) from None
        raise ParseError(
            "unreadable", f"the .docx could not be opened ({type(exc).__name__}: {_short(exc)})"
        ) from None
    lines: list[str] = []
    tables: list[Table] = []
    body = word.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.extend(_split_lines(Paragraph(child, word).text) or [""])
        elif tag == "tbl":
            tables.append(_docx_table(DocxTable(child, word), lines))
    meta: dict[str, str] = {}
    props = word.core_properties
    if props.title:
        meta["Title"] = props.title
    return Document(kind="docx", lines=lines, tables=tables, meta=meta)


def _docx_table(table: object, lines: list[str]) -> Table:
    from docx.table import Table as DocxTable

    assert isinstance(table, DocxTable)
    out = Table()
    # python-docx repeats a merged cell (w:gridSpan, w:vMerge) in every grid position it covers.
    for row in table.rows:
        cells = [" ".join(cell.text.split()) for cell in row.cells]
        if not any(cells):
            continue
        lines.append(" | ".join(cells))
        out.rows.append(TableRow(cells=cells, line=len(lines)))
    return out


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:200]


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ParseError(
            "corrupt_archive", f"the .docx is not a readable zip archive: {_short(exc)}"
        ) from None
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        raise ParseError("unsupported_type", "a zip archive that is not a Word .docx document")
    total = sum(m.file_size for m in members)
    if total > _MAX_UNZIPPED:
        raise ParseError("too_large", f"the .docx inflates to {total} bytes")
    for m in members:
        if m.file_size > _MAX_RATIO_MIN_SIZE and m.file_size > _MAX_RATIO * max(m.compress_size, 1):
            raise ParseError(
                "too_large", f"{m.filename} inflates {m.file_size // max(m.compress_size, 1)}×"
            )
    _inflate_check(archive, archive.getinfo("word/document.xml"))


class _CappedStream:
    """A zip member's stream that refuses to inflate past ``cap`` bytes."""

    def __init__(self, stream: IO[bytes], member: zipfile.ZipInfo, cap: int) -> None:
        self.stream, self.member, self.cap, self.total = stream, member, cap, 0

    def read(self, n: int = -1) -> bytes:
        chunk = self.stream.read(n if 0 < n <= (1 << 20) else 1 << 20)
        self.total += len(chunk)
        if self.total > self.cap:
            raise ParseError(
                "too_large",
                f"{self.member.filename} inflates past {self.cap:,} bytes "
                f"({self.member.compress_size:,} compressed)",
            )
        return chunk


def _inflate_check(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Stream ``member`` (document.xml) once, keeping nothing, before python-docx builds its
    tree (about 20x the XML in memory): its real inflated size (not the one its headers claim)
    must stay under ``_MAX_DOCUMENT_XML`` and its text under ``MAX_TEXT_CHARS``; its local
    header, sizes and CRC must agree with the central directory (zipfile checks as it reads)."""
    chars = longest = paragraph = 0
    try:
        with archive.open(member) as raw:
            stream = _CappedStream(raw, member, _MAX_DOCUMENT_XML)
            events = etree.iterparse(stream, events=("end",), tag=(_W_T, _W_P), huge_tree=True)
            for _, element in events:
                if element.tag == _W_T and element.text:
                    paragraph += len(element.text)
                elif element.tag == _W_P:
                    chars += paragraph
                    longest, paragraph = max(longest, paragraph), 0
                    if chars > MAX_TEXT_CHARS:
                        break
                    element.clear(keep_tail=False)
    except ParseError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise ParseError(
            "corrupt_archive",
            f"the .docx archive contradicts itself ({member.filename}): {_short(exc)}",
        ) from None
    except etree.XMLSyntaxError as exc:
        reason = f"{member.filename} is not well-formed XML: {_short(exc)}"
        raise ParseError("unreadable", reason) from None
    check_text_size(chars + paragraph, max(longest, paragraph))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_T, _W_P = f"{_W}t", f"{_W}p"
