"""Hostile and awkward uploads, made from the synthetic reports: one file per class.

Each ``HostileFile`` says what must become of it: parsed with a note (``note_has``), or
quarantined with a code (``code``). The classes are those an attacker or an unlucky agency
produces: numbers no column holds, control characters, empty structures, huge lines,
decompression bombs, colspan storms, damaged archives, other scripts. Tests and the soak
benchmark use them; ``govreports samples --hostile`` writes them out.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from govreports_cli.samples.truth import make_truth

if TYPE_CHECKING:
    from collections.abc import Callable

    from govreports_cli.samples.model import SampleTruth


@dataclass(frozen=True, slots=True)
class HostileFile:
    name: str  # file name, extension included
    data: bytes
    code: str | None  # the quarantine code it must get; None = it parses
    note_has: str | None = None  # a note (or reason) it must carry
    heavy: bool = False  # costly to make (hundreds of MB in memory): left out of quick runs


def base_truth(seed: int = 0, fmt: str = "2021", year: int = 2022) -> SampleTruth:
    return make_truth(random.Random(f"hostile:{seed}"), fmt=fmt, year=year)  # noqa: S311


def _pipe_text(truth: SampleTruth) -> str:
    from govreports_cli.samples.render_txt import render_pipe

    return render_pipe(truth).decode("utf-8")


def _replace_cell(text: str, new: Callable[[str], str]) -> str:
    """``text`` with the first value cell of the applications table (表三) rewritten."""
    marker = "本年新收政府信息公开申请数量 | "
    at = text.index(marker) + len(marker)
    end = text.index(" |", at)
    return text[:at] + new(text[at:end]) + text[end:]


def _docx(document_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        z.writestr("word/document.xml", document_xml)
    return out.getvalue()


def docx_bomb(inflated_mb: int = 185) -> bytes:
    """A .docx whose document.xml inflates ~70x to ``inflated_mb`` MB: under the zip limits
    (ratio and total), so only the parse budgets stop it. Varied paragraphs, not one run of
    blanks, so it compresses like text and not like a ratio-bomb."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    words = ["政府信息公开", "主动公开", "依申请公开", "行政复议", "年度报告", "本机关"]
    pool = [
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p>".format(
            "".join(rng.choice(words) + str(rng.randrange(1000)) for _ in range(12))
        ).encode()
        for _ in range(64)
    ]
    paragraphs: list[bytes] = []
    size = 0
    while size < inflated_mb * 1024 * 1024:
        p = rng.choice(pool)
        paragraphs.append(p)
        size += len(p)
    xml = f"<w:document {ns}><w:body>".encode() + b"".join(paragraphs) + b"</w:body></w:document>"
    return _docx(xml)


def docx_run_storm(xml_mb: int = 60) -> bytes:
    """A .docx of one formatted run per character: little text (under the character limit),
    but a document.xml of ``xml_mb`` MB whose element tree takes ~10x that in memory."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    rng = random.Random(11)  # noqa: S311 - reproducible test data
    run = '<w:r><w:rPr><w:b/><w:sz w:val="{}"/></w:rPr><w:t>{}</w:t></w:r>'
    runs = [
        run.format(rng.randrange(8, 72), chr(rng.randrange(0x4E00, 0x9FA5))) for _ in range(4096)
    ]
    parts: list[str] = []
    size = 0
    while size < xml_mb * 1024 * 1024:
        paragraph = "<w:p>" + "".join(rng.choices(runs, k=40)) + "</w:p>"
        parts.append(paragraph)
        size += len(paragraph)
    xml = f"<w:document {ns}><w:body>{''.join(parts)}</w:body></w:document>".encode()
    return _docx(xml)


def colspan_storm(cells: int = 100_000, colspan: int = 100) -> bytes:
    """An HTML page of ``cells`` cells each spanning ``colspan`` columns."""
    per_row = 100
    row = "<tr>" + f"<td colspan={colspan}>1</td>" * per_row + "</tr>"
    rows = row * (cells // per_row)
    return (
        "<html><head><title>某某局2022年政府信息公开工作年度报告</title></head><body>"
        f"<p>某某局2022年政府信息公开工作年度报告</p><table>{rows}</table></body></html>"
    ).encode()


def deep_html(depth: int = 200_000) -> bytes:
    """A page nesting ``depth`` <div>s: past libxml2's depth limit the reader rebuilds the tree
    from parser events, which on this nesting takes minutes (267 s measured for 200,000)."""
    inner = b"<div>" * depth + "政府信息公开".encode() + b"</div>" * depth
    return b"<html><body>" + inner + b"</body></html>"


def corrupt_zip(truth: SampleTruth) -> bytes:
    """A real .docx whose central directory disagrees with its local headers (sizes)."""
    from govreports_cli.samples.render_docx import render_docx

    data = bytearray(render_docx(truth))
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + name_len] == b"word/document.xml":
            data[at + 24 : at + 28] = struct.pack("<I", 5)  # uncompressed size: 5 bytes
            break
        at = data.find(b"PK\x01\x02", at + 1)
    return bytes(data)


def _traditional(text: str) -> str:
    from opencc import OpenCC

    converted: str = OpenCC("s2t").convert(text)
    return converted


def hostile_files(seed: int = 0, *, heavy: bool = True) -> list[HostileFile]:
    """Every hostile class, built from one synthetic 2021-format report."""
    truth = base_truth(seed)
    text = _pipe_text(truth)
    title = text.split("\n", 1)[0]
    prose_only = (
        f"{title}\n一、总体情况\n本机关坚持公开为常态、不公开为例外，推进主动公开和依申请公开。\n"
        "二、主动公开政府信息情况\n详见统计表。\n三、收到和处理政府信息公开申请情况\n依法办理。\n"
    )
    out_of_range = "value_out_of_range"
    long_line = title + " " + "主动公开政府信息情况。" * 350_000
    out: list[HostileFile] = [
        HostileFile("int_beyond_64bit.txt", _cell(text, "9" * 25), None, out_of_range),
        HostileFile("cell_5000_digits.txt", _cell(text, "7" * 5000), None, out_of_range),
        HostileFile("decimal_400_digits.txt", _cell(text, "7" * 400 + ".5"), None, out_of_range),
        # The NUL sits inside the stated value: removed, the value reads as stated.
        HostileFile(
            "nul_in_line.txt",
            _replace_cell(text, lambda v: v[:1] + "\x00" + v[1:]).encode(),
            None,
            "control_characters",
        ),
        HostileFile("no_facts.txt", prose_only.encode(), "critical", "C3"),
        HostileFile("single_10mb_line.txt", long_line.encode(), "too_large", "single line"),
        HostileFile("corrupt_zip.docx", corrupt_zip(truth), "corrupt_archive", "CRC"),
        HostileFile("traditional.txt", _traditional(text).encode(), None, "script_converted"),
    ]
    out.append(HostileFile("colspan_storm.html", colspan_storm(), "critical", "table_truncated"))
    if heavy:  # 185 MB built in memory to make it; minutes of parsing, stopped by the budget
        out.append(HostileFile("docx_bomb.docx", docx_bomb(), "too_large", "characters", True))
        out.append(HostileFile("deep_html.html", deep_html(), "over_time_budget", None, True))
        out.append(
            HostileFile("docx_runs.docx", docx_run_storm(), "over_memory_budget", None, True)
        )
    return out


def _cell(text: str, value: str) -> bytes:
    return _replace_cell(text, lambda _old: value).encode()
