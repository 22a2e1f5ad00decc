"""Hostile and broken uploads in one ingest batch with real reports: each bad one is quarantined
with a precise reason, the good ones publish, and nothing is left without an outcome.

The whole batch goes through the real ``ingest`` flow once (module fixture) on the test S3
server, reached through the chaos proxy only to count the bytes the server sends: that is how
the size-limit case proves the oversized object was not downloaded whole.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.faults import (
    ChaosProxy,
    check_invariant,
    upstream_of,
    use_settings,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from govreports.settings import Settings
    from govreports_cli.runtime import Server
    from tasks.delta import Curated

pytestmark = [pytest.mark.prefect, pytest.mark.s3, pytest.mark.gx, pytest.mark.corpus]

LIMIT = 1024 * 1024  # GOVREPORTS_MAX_OBJECT_BYTES for this batch
HUGE = 48 * LIMIT


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A .docx whose document.xml inflates 1000x to 64 MB (over the reader's ratio limit)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (64 * 1024 * 1024))
    return out.getvalue()


def _deep_html(text: str = "这是一段很深的文字。") -> bytes:
    depth = 50_000
    inner = b"<div>" * depth + text.encode() + b"</div>" * depth
    return b"<html><body>" + inner + b"</body></html>"


def _malformed_html() -> bytes:
    # Note: with an unclosed <title> the HTML parser swallows the whole page into the title
    # and the record says "empty: the file holds no text" (imprecise; a parser matter).
    return (
        "<html><head><title>政府<<信息</title><body><table><tr><td colspan='x'>通知"
        "</div></span><td><<<>>>&#xffffffff;&bogus;<tr></table></tbody><p><p><p>"
        "本页面正在维护，请稍后访问。<b><i>联系电话：12345</b></i></html></html>"
    ).encode()


def _invalid_encoding() -> bytes:
    # Neither UTF-8 nor GB18030 nor anything charset-normalizer can make text of.
    return ("政府信息公开".encode()[:-1] + b"\x80\xff\xfe\x00\x81") * 400


def _junk() -> bytes:
    import random

    rng = random.Random(5)
    return bytes(rng.randrange(256) for _ in range(20_000))


LETTER = (
    "关于报送2020年政府信息公开工作年度报告的函\n各县（区）人民政府：\n"
    "请于1月31日前报送年度报告。特此函告。\n某某市人民政府办公室\n2021年1月5日\n"
)
NOTICE = (
    "关于做好2021年政务公开工作的通知\n各有关单位：\n现就做好政务公开工作通知如下。\n"
    "一、提高认识。二、加强领导。\n2021年3月1日\n"
)


@dataclass(frozen=True)
class Case:
    id: str
    key: str
    data: Callable[[Path], bytes]
    outcome: str  # published | quarantined
    code: str | None = None  # the quarantine code (the record's "code", the ledger's reason)
    reason_has: str | None = None


def corpus(name: str) -> Callable[[Path], bytes]:
    return lambda d: (d / "reports" / name).read_bytes()


def const(data: bytes) -> Callable[[Path], bytes]:
    return lambda _d: data


LONG = "raw/long/" + "很长的目录名" * 48 + "/report.txt"  # ~900 bytes of UTF-8
MAX = "raw/max/" + "x" * (1024 - len("raw/max/") - len(".txt")) + ".txt"  # the 1024-byte S3 limit

CASES = [
    # The good ones, real reports, some under keys with unusual characters.
    Case(
        "good-2021-txt",
        "raw/2021fmt_pingtan_2021.txt",
        corpus("2021fmt_pingtan_2021.txt"),
        "published",
    ),
    Case("good-pdf", "raw/2021fmt_huaian_2024.pdf", corpus("2021fmt_huaian_2024.pdf"), "published"),
    Case(
        "key-spaces",
        "raw/with spaces/平潭 2019 年报.txt",
        corpus("2019fmt_pingtan_2019.txt"),
        "published",
    ),
    Case("key-dotdot", "raw/../raw/../../up.txt", corpus("pre2019_pingtan_2016.txt"), "published"),
    Case("key-long-900b", LONG, corpus("pre2019_pingtan_2017.txt"), "published"),
    Case("key-unicode-junk", "raw/ünï cödé/😀 %20+&=?#.txt", const(b""), "quarantined", "empty"),
    Case("key-1024b-junk", MAX, const(b""), "quarantined", "empty"),
    # The hostile ones.
    Case("empty", "raw/empty.txt", const(b""), "quarantined", "empty"),
    Case("whitespace-only", "raw/blank.txt", const(b" \r\n\t \n"), "quarantined", "empty"),
    Case("binary-junk", "raw/junk.txt", const(_junk()), "quarantined", "unreadable"),
    Case("too-large", "raw/huge.txt", const(b"0" * HUGE), "quarantined", "too_large", str(HUGE)),
    Case(
        "wrong-extension",
        "raw/report.exe",
        corpus("pre2019_pingtan_2015.txt"),
        "quarantined",
        "unsupported_type",
        ".exe",
    ),
    Case(
        "image-as-txt",
        "raw/scan.txt",
        const(b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
        "quarantined",
        "unsupported_type",
    ),
    Case(
        "invalid-encoding",
        "raw/mojibake.txt",
        const(_invalid_encoding()),
        "quarantined",
        "unreadable",
    ),
    Case(
        "malformed-html", "raw/broken.html", const(_malformed_html()), "quarantined", "not_a_report"
    ),
    Case(
        "corrupt-pdf",
        "raw/corrupt.pdf",
        const(b"%PDF-1.7\n" + _junk()[:5000]),
        "quarantined",
        "unreadable",
    ),
    Case(
        "truncated-pdf",
        "raw/truncated.pdf",
        lambda d: corpus("2021fmt_huaian_2024.pdf")(d)[:60_000],
        "quarantined",
        "unreadable",
    ),
    Case("encrypted-pdf", "raw/locked.pdf", const(_encrypted_pdf()), "quarantined", "encrypted"),
    Case(
        "docx-zip-bomb", "raw/bomb.docx", const(_zip_bomb()), "quarantined", "too_large", "inflates"
    ),
    Case("deep-html", "raw/deep.html", const(_deep_html()), "quarantined", "not_a_report"),
    Case(
        "letter", "raw/letter.txt", const(LETTER.encode()), "quarantined", "not_a_report", "letter"
    ),
    Case(
        "notice-gbk", "raw/notice.txt", const(NOTICE.encode("gbk")), "quarantined", "not_a_report"
    ),
]


@dataclass
class Batch:
    curated: Curated
    summary: dict[str, Any]
    bytes_down: int
    outcomes: dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def batch(s3_server: Server, prefect_server: str, corpus_dir: Path) -> Iterator[Batch]:
    from flows.ingest import ingest
    from govreports.settings import get_settings
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    proxy = ChaosProxy(upstream_of(s3_server)).start()
    with pytest.MonkeyPatch.context() as mp:
        settings = use_settings(mp, proxy.url, GOVREPORTS_MAX_OBJECT_BYTES=str(LIMIT))
        curated = Curated(settings, S3ObjectStore.from_settings(settings))
        curated.ensure_tables()
        for case in CASES:
            curated.store.put(case.key, case.data(corpus_dir))
        listed = {r.key for r in curated.store.list(settings.raw_prefix)}
        assert listed == {c.key for c in CASES}, "the store changed a key on upload"
        before = proxy.bytes_down
        summary = ingest([c.key for c in CASES])
        downloaded = proxy.bytes_down - before
        yield Batch(curated, summary, downloaded, curated.outcomes())
        get_settings.cache_clear()
    proxy.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_upload_ends_where_it_should(batch: Batch, case: Case) -> None:
    outcome = batch.outcomes.get(case.key)
    assert outcome is not None, f"{case.key!r} has no outcome"
    assert outcome["outcome"] == case.outcome, outcome["reason"]
    record = batch.curated.store.get_json(batch.curated.quarantine_key(case.key))
    if case.outcome == "published":
        assert outcome["report_id"]
        assert record is None
        return
    assert record is not None, "no quarantine record next to the ledger row"
    assert (record["key"], record["code"]) == (case.key, case.code), record
    assert record["etag"] == outcome["etag"]
    assert record["reason"] and record["stage"] in ("fetch", "parse", "validate")
    assert outcome["reason"] == f"{record['code']}: {record['reason']}"
    if case.reason_has:
        assert case.reason_has in record["reason"], record["reason"]


def test_the_batch_as_a_whole(batch: Batch) -> None:
    good = [c for c in CASES if c.outcome == "published"]
    assert batch.summary["published"] == len(good)
    assert batch.summary["quarantined"] == len(CASES) - len(good)
    counts = check_invariant(batch.curated)
    assert counts["reports"] == len(good)
    # Quarantine records sit under the quarantine prefix and nowhere else.
    stray = [
        r.key
        for r in batch.curated.store.list("")
        if r.key.endswith(".json")
        and not r.key.startswith(("quarantine/", "quality/", "curated/", "state/"))
    ]
    assert stray == []
    # Every key the pipeline wrote is one S3 accepts (moto does not enforce the 1024-byte limit).
    too_long = [r.key[:60] for r in batch.curated.store.list("") if len(r.key.encode()) > 1024]
    assert too_long == []
    assert batch.curated.quarantine_key(MAX).startswith("quarantine/_long/")


def test_the_oversized_object_was_not_downloaded(batch: Batch) -> None:
    """Everything the server sent during the batch is far less than the one huge object."""
    assert batch.outcomes["raw/huge.txt"]["stage"] == "fetch"
    assert batch.bytes_down < HUGE // 4, (
        f"{batch.bytes_down} bytes came down for a {HUGE}-byte object"
    )


def test_a_report_the_validator_crashes_on_does_not_sink_the_batch(
    fault_settings: Settings, prefect_server: str, corpus_dir: Path
) -> None:
    """Found by this suite: a deeply nested HTML page holding only a report title parses into
    a (hollow) report, and the GX suite then raised ValidationToolError for the whole batch,
    so no object of the batch got an outcome, on every redo: a poison pill. Now the batch is
    revalidated report by report and only the one the tool fails on is quarantined.
    (If validation learns to handle that report, it gets a normal outcome; the promise holds.)
    """
    from flows.ingest import ingest
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    curated = Curated(fault_settings, S3ObjectStore.from_settings(fault_settings))
    curated.ensure_tables()
    good = "raw/2021fmt_pingtan_2022.txt"
    curated.store.put(good, (corpus_dir / "reports" / "2021fmt_pingtan_2022.txt").read_bytes())
    curated.store.put(
        "raw/deep-titled.html", _deep_html("平潭综合实验区2020年政府信息公开工作年度报告")
    )

    summary = ingest([good, "raw/deep-titled.html"])

    outcomes = curated.outcomes()
    assert outcomes[good]["outcome"] == "published"
    assert summary["published"] == 1
    deep = outcomes["raw/deep-titled.html"]
    if deep["outcome"] == "quarantined":
        assert deep["stage"] in ("parse", "validate") and deep["reason"]
    check_invariant(curated)


def test_a_validator_crash_on_one_report_quarantines_only_that_one(
    fault_settings: Settings, monkeypatch: pytest.MonkeyPatch, corpus_dir: Path
) -> None:
    """The same isolation with a Fake validator (the crash cannot be caused once GX is fixed),
    and the other side of it: when the tool fails on every report, the run fails (and is redone)
    instead of quarantining good documents."""
    import tasks.validate
    from tasks import fetch as fetch_stage
    from tasks import parse as parse_stage
    from tasks import validate as validate_stage
    from tasks.delta import Curated
    from tasks.store import S3ObjectStore

    real = tasks.validate.validate_batch
    curated = Curated(fault_settings, S3ObjectStore.from_settings(fault_settings))
    curated.ensure_tables()
    names = ("2021fmt_pingtan_2023.txt", "pre2019_pingtan_2012.txt")
    for n in names:
        curated.store.put(f"raw/{n}", (corpus_dir / "reports" / n).read_bytes())

    def crashes_on_2012(reports, previous=None, **kw):  # type: ignore[no-untyped-def]
        if any(r.report_year == 2012 for r in reports):
            raise RuntimeError("GX exploded")
        return real(reports, previous, **kw)

    monkeypatch.setattr(tasks.validate, "validate_batch", crashes_on_2012)
    parsed = parse_stage.parse(
        fetch_stage.fetch(fault_settings, [f"raw/{n}" for n in names]), fault_settings
    )
    validated = validate_stage.validate(fault_settings, parsed)
    assert [it.ref.key for it in validated.items] == ["raw/2021fmt_pingtan_2023.txt"]
    [q] = validated.quarantined
    assert (q.ref.key, q.stage, q.code) == (
        "raw/pre2019_pingtan_2012.txt",
        "validate",
        "validator_error",
    )
    assert "RuntimeError: GX exploded" in q.reason

    def always_crashes(reports, previous=None, **kw):  # type: ignore[no-untyped-def]
        raise RuntimeError("GX is not installed")

    monkeypatch.setattr(tasks.validate, "validate_batch", always_crashes)
    with pytest.raises(RuntimeError, match="not installed"):
        validate_stage.validate(fault_settings, parsed)
