"""The embedded S3 server's routing: S3-signed requests to moto's S3 app, the rest to moto's
dispatcher (the server itself is used by every S3 test through ``start_s3``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from govreports_cli.s3_server import signed_service

if TYPE_CHECKING:
    from govreports_cli.runtime import Server

_SIGNED = (
    "AWS4-HMAC-SHA256 Credential=govreports-local/20261205/us-east-1/{}/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)


@pytest.mark.parametrize(
    ("auth", "service"),
    [
        pytest.param(_SIGNED.format("s3"), "s3", id="s3"),
        pytest.param(_SIGNED.format("sqs"), "sqs", id="sqs"),
        pytest.param(_SIGNED.format("S3"), "s3", id="case"),
        pytest.param("", None, id="unsigned"),
        pytest.param("AWS govreports-local:c2lnbmF0dXJl", None, id="sigv2"),
        pytest.param("AWS4-HMAC-SHA256 Credential=key/20261205/s3, Signature=x", None, id="short"),
    ],
)
def test_the_signed_service_is_read_from_the_credential_scope(
    auth: str, service: str | None
) -> None:
    assert signed_service({"HTTP_AUTHORIZATION": auth} if auth else {}) == service


_KEYS = (
    "raw/a.txt",
    "raw/b c&d<e>.html",  # XML and URL specials
    "raw/淮安市2024年报告.pdf",
    "raw/x+y%z.txt",
    "raw/sub/deeper.txt",
    "raw/zz-last.txt",
    "curated/facts/_delta_log/00000000000000000000.json",
    "curated/facts/_delta_log/00000000000000000001.json",
    "rawish.txt",
)


def _listed(app: Any, query: str) -> tuple[dict[str, Any], str | None]:
    """A ListObjectsV2 answer as comparable data (without the server-specific tokens)."""
    from xml.etree import ElementTree

    from werkzeug.test import Client

    response = Client(app).get(f"/bucket?list-type=2&{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    root = ElementTree.fromstring(response.get_data())
    ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}

    def text(node: Any, tag: str) -> str | None:
        found = node.find(f"s3:{tag}", ns)
        return None if found is None else found.text

    entries = [
        {t: text(c, t) for t in ("Key", "LastModified", "ETag", "Size", "StorageClass")}
        for c in root.findall("s3:Contents", ns)
    ]
    tags = ("Name", "Prefix", "MaxKeys", "KeyCount", "IsTruncated", "EncodingType", "StartAfter")
    return {"contents": entries, **{t: text(root, t) for t in tags}}, text(
        root, "NextContinuationToken"
    )


@pytest.fixture
def moto_s3() -> Any:
    """moto in this process with the keys of these tests; yields moto's own S3 application."""
    import boto3
    from moto import mock_aws
    from moto.moto_server.werkzeug_app import create_backend_app

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bucket")
        for key in (*_KEYS, "raw/gone.txt"):
            s3.put_object(Bucket="bucket", Key=key, Body=("content of " + key).encode())
        s3.delete_object(Bucket="bucket", Key="raw/gone.txt")
        s3.put_object(
            Bucket="bucket", Key="sum.bin", Body=b"checksummed", ChecksumAlgorithm="CRC32"
        )
        s3.put_object(Bucket="bucket", Key="typed.html", Body=b"<p>", ContentType="text/html")
        big = bytes(range(256)) * (6_000_000 // 256)
        s3.put_object(Bucket="bucket", Key="big.bin", Body=big)
        s3.create_bucket(Bucket="versioned")
        s3.put_bucket_versioning(Bucket="versioned", VersioningConfiguration={"Status": "Enabled"})
        s3.put_object(Bucket="versioned", Key="raw/a.txt", Body=b"first")
        s3.put_object(Bucket="versioned", Key="raw/a.txt", Body=b"second version")
        yield create_backend_app("s3")


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("prefix=raw/", id="prefix"),
        pytest.param("prefix=raw/&encoding-type=url", id="url-encoded"),
        pytest.param("", id="whole-bucket"),
        pytest.param("prefix=raw/&max-keys=2", id="pages"),
        pytest.param("prefix=raw/&max-keys=2&encoding-type=url", id="pages-url-encoded"),
        pytest.param("prefix=raw/&start-after=raw/b", id="start-after"),
        pytest.param(
            "prefix=curated/facts/_delta_log/"
            "&start-after=curated/facts/_delta_log/00000000000000000000.json",
            id="log-offset",
        ),
        pytest.param("prefix=nothing/", id="empty"),
    ],
)
def test_fast_listing_answers_as_moto_does(moto_s3: Any, query: str) -> None:
    """``fast_list`` against moto's own S3 app on the same keys: the same pages, entries and
    fields, whatever the tokens (each server follows its own)."""
    from govreports_cli.s3_server import fast_list

    def fast(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = fast_list(environ)
        assert body is not None, "left to moto"
        start_response("200 OK", [("Content-Type", "application/xml")])
        return [body]

    pages: dict[str, list[dict[str, Any]]] = {"fast": [], "moto": []}
    for name, app in (("fast", fast), ("moto", moto_s3)):
        token: str | None = None
        while True:
            more = f"&continuation-token={quote(token)}" if token else ""  # as clients send it
            page, token = _listed(app, query + more)
            pages[name].append(page)
            if token is None:
                break
            assert len(pages[name]) < 10
    assert pages["fast"] == pages["moto"]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("list-type=2&delimiter=/", id="delimiter"),
        pytest.param("list-type=2&fetch-owner=true", id="owner"),
        pytest.param("list-type=2&continuation-token=", id="empty-token"),
        pytest.param("list-type=2&max-keys=many", id="bad-max-keys"),
        pytest.param("prefix=raw/", id="list-v1"),
    ],
)
def test_other_listings_are_left_to_moto(query: str) -> None:
    from govreports_cli.s3_server import fast_list

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/bucket", "QUERY_STRING": query}
    assert fast_list(environ) is None


_GET_CASES = [
    pytest.param("raw/a.txt", {}, id="whole"),
    pytest.param("raw/b c&d<e>.html", {}, id="quoted-key"),
    pytest.param("raw/淮安市2024年报告.pdf", {}, id="utf8-key"),
    pytest.param("raw/x+y%z.txt", {}, id="plus-percent-key"),
    pytest.param("raw/a.txt", {"Range": "bytes=2-5"}, id="range"),
    pytest.param("raw/a.txt", {"Range": "bytes=-4"}, id="suffix"),
    pytest.param("raw/a.txt", {"Range": "bytes=-400"}, id="suffix-past-start"),
    pytest.param("raw/a.txt", {"Range": "bytes=3-"}, id="open-range"),
    pytest.param("raw/a.txt", {"Range": "bytes=0-9999"}, id="range-past-end"),
    pytest.param("raw/a.txt", {"Range": "bytes=5-2"}, id="reversed-range"),
    pytest.param("raw/a.txt", {"Range": "bytes=x-y"}, id="unparsable-range"),
    pytest.param("raw/a.txt", {"Range": "bytes=-"}, id="empty-range"),
    pytest.param("sum.bin", {}, id="checksum-stored"),
    pytest.param("sum.bin", {"x-amz-checksum-mode": "ENABLED"}, id="checksum-asked"),
    pytest.param("sum.bin", {"x-amz-checksum-mode": "ENABLED", "Range": "bytes=1-3"}, id="ck-part"),
    pytest.param("sum.bin", {"x-amz-checksum-mode": "ENABLED", "Range": "bytes=0-"}, id="ck-all"),
    pytest.param("typed.html", {}, id="content-type"),
    pytest.param("versioned/raw/a.txt", {}, id="versioned-bucket"),
    # Past moto's in-memory buffer (~5 MB): its bytes are in a temporary file.
    pytest.param("big.bin", {"Range": "bytes=5999800-"}, id="big-tail"),
    pytest.param("big.bin", {"Range": "bytes=-8"}, id="big-footer"),
    pytest.param("big.bin", {"Range": "bytes=100-199"}, id="big-middle"),
]


def _answers(
    app: Any, path: str, headers: dict[str, str], *, method: str = "GET", data: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    """status, headers (lower-cased names; the per-request ones left out) and body."""
    from werkzeug.test import Client

    response = Client(app).open(
        path,
        method=method,
        data=data,
        headers={"Authorization": _SIGNED.format("s3"), **headers},
    )
    shown = {
        name.lower(): value
        for name, value in response.headers.items()
        if name.lower() not in {"x-amzn-requestid", "date", "server"}
    }
    return response.status_code, shown, response.get_data()


def _served(answer: Any) -> Any:
    """A WSGI app answering every request with ``answer(environ)`` (``fast_get``,
    ``fast_put``), which must not leave it to moto."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        got = answer(environ)
        assert got is not None, "left to moto"
        start_response(got.status, got.headers)
        return [got.body]

    return app


@pytest.mark.parametrize(("key", "headers"), _GET_CASES)
def test_fast_get_answers_as_moto_does(moto_s3: Any, key: str, headers: dict[str, str]) -> None:
    """``fast_get`` against moto's own S3 app: the same status, headers and bytes."""
    from govreports_cli.s3_server import fast_get

    fast = _served(fast_get)

    bucket, path = (
        ("versioned", key.split("/", 1)[1])
        if key.startswith("versioned/")
        else (
            "bucket",
            key,
        )
    )
    url = f"/{bucket}/{quote(path)}"
    assert _answers(fast, url, headers) == _answers(moto_s3, url, headers)


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        pytest.param("GET", "/bucket/raw/missing.txt", {}, id="missing"),
        pytest.param("GET", "/bucket/raw/gone.txt", {}, id="delete-marker"),
        pytest.param("GET", "/nobucket/raw/a.txt", {}, id="no-bucket"),
        pytest.param("GET", "/bucket/raw/a.txt?versionId=1", {}, id="version"),
        pytest.param("GET", "/bucket/raw/a.txt?partNumber=1", {}, id="part"),
        pytest.param("GET", "/bucket/raw/a.txt", {"If-None-Match": '"x"'}, id="if-none-match"),
        pytest.param("GET", "/bucket/raw/a.txt", {"If-Match": '"x"'}, id="if-match"),
        pytest.param("GET", "/bucket/raw/a.txt", {"Range": "bytes=0-1,4-5"}, id="two-ranges"),
        pytest.param("GET", "/bucket/raw/a.txt", {"Range": "bytes=9999-"}, id="unsatisfiable"),
        pytest.param("GET", "/bucket/raw/a.txt", {"Range": "bytes=-0"}, id="empty-suffix"),
        pytest.param("GET", "/bucket/raw/a.txt", {"Range": "items=0-1"}, id="other-unit"),
        pytest.param("HEAD", "/bucket/raw/a.txt", {}, id="head"),
        pytest.param("GET", "/bucket", {}, id="bucket"),
    ],
)
def test_other_gets_are_left_to_moto(
    moto_s3: Any, method: str, path: str, headers: dict[str, str]
) -> None:
    from werkzeug.test import EnvironBuilder

    from govreports_cli.s3_server import fast_get

    plain = EnvironBuilder(path="/bucket/raw/a.txt").get_environ()
    assert fast_get(plain) is not None  # built the same way, a plain GET is answered
    environ = EnvironBuilder(path=path, method=method, headers=headers).get_environ()
    assert fast_get(environ) is None


_PUT_CASES = [
    pytest.param("bucket", "put/a.txt", {}, id="plain"),
    pytest.param("bucket", "put/empty.txt", {}, id="empty-body"),
    pytest.param("bucket", "put/b c&d<e>.html", {"Content-Type": "text/html"}, id="quoted-typed"),
    pytest.param("bucket", "put/淮安市2024年报告.pdf", {}, id="utf8-key"),
    pytest.param(
        "bucket",
        "put/meta.txt",
        {"x-amz-meta-source": "watcher", "Cache-Control": "no-cache", "X-Amz-Meta-Run": "7"},
        id="metadata",
    ),
    pytest.param(
        "bucket",
        "put/sum.bin",
        {"x-amz-sdk-checksum-algorithm": "CRC32", "x-amz-checksum-crc32": "AAAAAA=="},
        id="checksum-given",
    ),
    pytest.param(
        "bucket",
        "put/signed.txt",
        {"x-amz-content-sha256": "UNSIGNED-PAYLOAD", "x-amz-date": "20261205T000000Z"},
        id="sigv4-headers",
    ),
    pytest.param("bucket", "raw/a.txt", {}, id="overwrite"),
    pytest.param("versioned", "raw/a.txt", {}, id="versioned-bucket"),
]


def _stored(app: Any, bucket: str, key: str) -> Any:
    """What a later GET and moto's key say about the object: its answer, metadata, checksum."""
    from govreports_cli.s3_server import _moto_bucket

    versions = _moto_bucket(bucket).keys.getlist(key)
    latest = versions[-1]
    return (
        _answers(app, f"/{bucket}/{quote(key)}", {}),
        len(versions),
        dict(latest.metadata),
        latest.checksum_algorithm,
        latest.checksum_value,
        latest.acl.to_config_dict() if latest.acl else None,
    )


# Per-object values that differ between any two uploads.
_UNIQUE = {"last-modified", "x-amz-version-id"}


def _masked(headers: dict[str, str]) -> dict[str, str]:
    return {name: (value if name not in _UNIQUE else "…") for name, value in headers.items()}


@pytest.mark.parametrize(("bucket", "key", "headers"), _PUT_CASES)
def test_fast_put_stores_and_answers_as_moto_does(
    moto_s3: Any, bucket: str, key: str, headers: dict[str, str]
) -> None:
    """The same PUT through moto's app and through ``fast_put``, each then read back through
    moto: the same answer (but the upload's own time and version id), the same object."""
    from govreports_cli.s3_server import fast_put

    fast = _served(fast_put)

    data = ("bytes of " + key).encode() if "empty" not in key else b""
    answers, stored = [], []
    for app in (moto_s3, fast):
        url = f"/{bucket}/{quote(key)}"
        status, shown, body = _answers(app, url, headers, method="PUT", data=data)
        answers.append((status, _masked(shown), body))
        (status, got, body), *rest = _stored(moto_s3, bucket, key)
        stored.append(((status, _masked(got), body), *rest))
    assert answers[0] == answers[1]
    moto_state, fast_state = stored
    # A versioned bucket keeps one more version after the second PUT; all else is equal.
    assert fast_state[1] == moto_state[1] + (bucket == "versioned")
    assert (fast_state[0], *fast_state[2:]) == (moto_state[0], *moto_state[2:])


def test_fast_put_over_a_tagged_object_leaves_no_tags(moto_s3: Any) -> None:
    """An upload replaces the object's tags with its own (none), as moto's put_object does:
    the parity test above cannot see it, its moto PUT clears them first."""
    import boto3

    from govreports_cli.s3_server import fast_put

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.put_object(Bucket="bucket", Key="tagged.txt", Body=b"old", Tagging="source=old")
    assert _answers(moto_s3, "/bucket/tagged.txt", {})[1]["x-amz-tagging-count"] == "1"
    status, _, _ = _answers(_served(fast_put), "/bucket/tagged.txt", {}, method="PUT", data=b"new")
    assert status == 200
    assert s3.get_object_tagging(Bucket="bucket", Key="tagged.txt")["TagSet"] == []
    assert "x-amz-tagging-count" not in _answers(moto_s3, "/bucket/tagged.txt", {})[1]


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        pytest.param("/bucket", {}, id="create-bucket"),
        pytest.param("/nobucket/a.txt", {}, id="no-bucket"),
        pytest.param("/bucket/a.txt?tagging", {}, id="query"),
        pytest.param("/bucket/a.txt", {"x-amz-acl": "public-read"}, id="acl"),
        pytest.param("/bucket/a.txt", {"x-amz-tagging": "a=b"}, id="tagging"),
        pytest.param("/bucket/a.txt", {"x-amz-copy-source": "/bucket/raw/a.txt"}, id="copy"),
        pytest.param("/bucket/a.txt", {"x-amz-server-side-encryption": "AES256"}, id="sse"),
        pytest.param("/bucket/a.txt", {"x-amz-storage-class": "GLACIER"}, id="storage-class"),
        pytest.param("/bucket/a.txt", {"If-None-Match": "*"}, id="if-none-match"),
        pytest.param("/bucket/a.txt", {"Content-MD5": "1B2M2Y8AsgTpgAmY7PhCfg=="}, id="md5"),
        pytest.param("/bucket/a.txt", {"Content-Encoding": "aws-chunked"}, id="chunked"),
        pytest.param(
            "/bucket/a.txt",
            {"x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
            id="streaming",
        ),
        pytest.param(
            "/bucket/a.txt", {"x-amz-sdk-checksum-algorithm": "CRC32"}, id="checksum-not-given"
        ),
        pytest.param(
            "/bucket/a.txt", {"Content-Type": "application/x-www-form-urlencoded"}, id="form"
        ),
        pytest.param("/bucket/a.txt", {"Origin": "http://x"}, id="cors"),
    ],
)
def test_other_puts_are_left_to_moto(moto_s3: Any, path: str, headers: dict[str, str]) -> None:
    from werkzeug.test import EnvironBuilder

    from govreports_cli.s3_server import fast_put

    plain = EnvironBuilder(path="/bucket/a.txt", method="PUT", data=b"x").get_environ()
    assert fast_put(plain) is not None  # built the same way, a plain PUT is answered
    environ = EnvironBuilder(path=path, method="PUT", headers=headers, data=b"x").get_environ()
    assert fast_put(environ) is None


@pytest.mark.s3
def test_requests_share_one_connection(s3_server: Server) -> None:
    """One keep-alive connection carries a client's requests (werkzeug's own handler closed it
    after each response): every response is whole, a HEAD sends no body, and a PUT that waits
    for ``100 Continue`` goes through."""
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(s3_server.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=30)
    auth = {"Authorization": _SIGNED.format("s3")}
    body = "报告 ".encode() * 5000
    sockets = []

    def call(
        method: str, path: str, data: bytes | None = None, **headers: str
    ) -> tuple[int, bytes]:
        conn.request(method, path, body=data, headers={**auth, **headers})
        response = conn.getresponse()
        got = response.read()
        assert response.getheader("Connection") != "close"
        sockets.append(conn.sock)
        return response.status, got

    bucket = f"/keep-alive-{id(conn)}"
    assert call("PUT", bucket)[0] == 200
    assert call("PUT", f"{bucket}/a.txt", body, Expect="100-continue")[0] == 200
    assert call("GET", f"{bucket}/a.txt") == (200, body)
    conn.request("HEAD", f"{bucket}/a.txt", headers=auth)
    head = conn.getresponse()
    assert head.status == 200 and head.getheader("Content-Length") == str(len(body))
    assert head.read() == b""
    assert call("DELETE", f"{bucket}/a.txt")[0] == 204
    status, error = call("GET", f"{bucket}/a.txt")
    assert status == 404 and b"NoSuchKey" in error
    assert len(sockets) == 5 and all(s is sockets[0] for s in sockets)
    conn.close()
