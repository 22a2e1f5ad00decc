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
def test_fast_listing_answers_as_moto_does(query: str) -> None:
    """``fast_list`` against moto's own S3 app on the same keys: the same pages, entries and
    fields, whatever the tokens (each server follows its own)."""
    import boto3
    from moto import mock_aws
    from moto.moto_server.werkzeug_app import create_backend_app

    from govreports_cli.s3_server import fast_list

    def fast(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = fast_list(environ)
        assert body is not None, "left to moto"
        start_response("200 OK", [("Content-Type", "application/xml")])
        return [body]

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bucket")
        for key in (*_KEYS, "raw/gone.txt"):
            s3.put_object(Bucket="bucket", Key=key, Body=key.encode())
        s3.delete_object(Bucket="bucket", Key="raw/gone.txt")
        moto_app = create_backend_app("s3")
        pages: dict[str, list[dict[str, Any]]] = {"fast": [], "moto": []}
        for name, app in (("fast", fast), ("moto", moto_app)):
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
