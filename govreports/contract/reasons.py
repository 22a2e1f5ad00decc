"""Every quarantine code, declared once, with what it means.

A quarantined object's record (``quarantine/<key>.json``), its ``outcomes`` row, and what
``govreports check`` / ``parse`` print for the same file carry the same ``code: reason``:
the code from this table, the reason one sentence naming what happened in this document.
"""

from __future__ import annotations

from typing import Final

CODES: Final[dict[str, str]] = {
    # fetch
    "too_large": "over a size limit: bytes, inflated archive size, characters of text, cells",
    "fetch_error": "the object could not be read from the store (after retries)",
    # parse
    "empty": "the file holds no text",
    "unsupported_type": "not a file type the parser reads (.txt, .html, .pdf, .docx)",
    "unreadable": "the bytes are not what they claim to be (encoding, damaged PDF or HTML)",
    "encrypted": "a password-protected PDF",
    "corrupt_archive": "a .docx whose zip archive is damaged or contradicts itself",
    "scanned": "a scanned PDF: page images without a text layer, and OCR turned off",
    "not_a_report": "text, but not an annual information-disclosure report",
    "over_time_budget": "reading and parsing it took longer than the per-document time budget",
    "over_memory_budget": "reading and parsing it needed more than the per-document memory budget",
    "parser_error": "the parser failed on it (a parser bug; the reason holds the error)",
    # validate
    "critical": "a critical rule failed (C1-C4): no year, no agency, no numbers, broken schema",
    "validator_error": "the validator failed on this report alone (the others validated)",
    # review
    "rejected": "a maintainer's review rejected the report (the reviews table has the note)",
    # any stage
    "poison": "a tool failure not about the document, repeated on every attempt across runs",
}


def describe(code: str) -> str:
    return CODES.get(code, code)


def critical_reason(reasons: list[str] | tuple[str, ...]) -> str:
    """The reason a report failing critical rules is quarantined with (pipeline and check)."""
    return "; ".join(reasons) or "critical rule failed"
