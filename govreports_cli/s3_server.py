"""The embedded S3 server: moto over HTTP on loopback, as ``python -m moto.server`` serves it,
with the two costs that server adds to every request taken off the S3 path.

``python -m moto.server`` finds the service of each request under one process-wide lock: for a
signed request it lists moto's ~200 service folders and tries its URL patterns in turn
(py-spy during a 3,000-upload burst: about a quarter of the server's CPU, and requests wait
on each other for it); and it logs every request line to its console. Here a request signed
for S3 goes straight to moto's S3 application (the same backend state: moto keeps it per
process, not per application); anything else (SQS, STS, the ``/moto-api`` dashboard, unsigned
requests) goes through moto's own dispatcher as before. Request lines are not logged; errors
are. Measured in docs/adr/0017-bursts.md.

One S3 call is answered here rather than by moto: ListObjectsV2 without a delimiter (what the
watcher's polling and delta-rs's log listing send), by ``fast_list``. moto answers it by
walking every key of the bucket through Python per-key accessors, sorting the lot, and
serialising each entry through its generic response serialiser (dateutil on every
timestamp): py-spy put that at 46% of the server's CPU during a 3,000-object burst, and it
grows with the bucket, page after page. Anything else (a delimiter, ``fetch-owner``, an
unknown parameter, a bucket moto does not have) still goes to moto.

A plain GetObject of the latest version (whole, or one byte range: the raw objects the fetch
stage reads, and delta-rs's reads of Parquet footers and column chunks) is answered by
``fast_get``, from moto's own key: moto's S3 application builds a Flask request, an S3
response object and its authorisation and CORS steps for each one (py-spy: about 30% of the
server's CPU in a 10,000-object burst, most of it on GETs). Anything else (a version, a
condition, a part, SSE-C, a range moto would refuse, a missing key) still goes to moto.

A plain PutObject (the uploads, the quality pages, delta-rs's data files: a body, its content
headers and user metadata, a checksum given in a header) is stored by ``fast_put`` through
moto's own backend call, as moto's application makes it, without the application around it:
0.95 → 0.42 ms of server CPU per 20 KB PUT (``docs/adr/0017-bursts.md``). Anything else (a
condition, as delta-rs's log commits send; an ACL, tags, encryption, a lock, a copy, a
storage class, a chunk-signed body, a bucket with logging, a lock or a policy) still goes to
moto.

Connections are kept alive between requests (``keep_alive_handler``): werkzeug's own handler
closes each one after its response.

    python -m govreports_cli.s3_server [-H 127.0.0.1] [-p 5000]
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import signal
import sys
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

log = logging.getLogger("govreports.s3_server")


def signed_service(environ: dict[str, Any]) -> str | None:
    """The service a SigV4 request was signed for (``Credential=KEY/DATE/REGION/SERVICE/…``)."""
    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    _, found, rest = auth.partition("Credential=")
    if not found:
        return None
    scope = rest.split(",", 1)[0].split("/")
    # KEY/DATE/REGION/SERVICE/aws4_request
    return scope[3].lower() if len(scope) == 5 else None


# The ListObjectsV2 parameters fast_list answers; any other query parameter goes to moto.
_LIST_PARAMS = frozenset(
    {"list-type", "prefix", "max-keys", "continuation-token", "start-after", "encoding-type"}
)


def _xml(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


@dataclass(frozen=True)
class _Listing:
    """A plain ListObjectsV2 request, as ``fast_list`` answers it."""

    bucket: str
    prefix: str
    after: str | None  # list keys after this one (start-after, or the continuation token's)
    max_keys: int
    encoding: str | None
    token: str | None
    start_after: str | None


def _listing(environ: dict[str, Any]) -> _Listing | None:
    """The request as a ``_Listing`` if ``fast_list`` can answer it, else None (moto will)."""
    parts = environ.get("PATH_INFO", "").strip("/").split("/")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    plain = (
        environ.get("REQUEST_METHOD") == "GET"
        and len(parts) == 1
        and bool(parts[0])
        and query.get("list-type") == ["2"]
        and not set(query) - _LIST_PARAMS
        and all(len(v) == 1 for v in query.values())
    )
    if not plain:
        return None
    args = {k: v[0] for k, v in query.items()}
    token = args.get("continuation-token")
    try:
        max_keys = int(args.get("max-keys", "1000"))
        after = urlsafe_b64decode(token.encode()).decode() if token else args.get("start-after")
    except ValueError:  # a malformed value or token: moto's own error
        return None
    if max_keys < 1 or token == "" or args.get("encoding-type") not in (None, "url"):
        return None
    return _Listing(
        parts[0],
        args.get("prefix", ""),
        after,
        max_keys,
        args.get("encoding-type"),
        token,
        args.get("start-after"),
    )


def _page(versions: dict[str, list[Any]], listing: _Listing) -> tuple[list[Any], bool]:
    """The page's keys (latest versions, delete markers left out) and whether more follow."""
    from moto.s3.models import FakeKey

    names = sorted(
        k
        for k in versions
        if k.startswith(listing.prefix) and (listing.after is None or k > listing.after)
    )
    found: list[Any] = []
    for key_name in names:
        latest = versions[key_name][-1] if versions[key_name] else None
        if not isinstance(latest, FakeKey):  # a delete marker: not listed
            continue
        if len(found) == listing.max_keys:
            return found, True
        found.append(latest)
    return found, False


def _contents(key: Any, shown: Callable[[str], str]) -> str:
    checksum = (
        f"<ChecksumAlgorithm>{_xml(key.checksum_algorithm)}</ChecksumAlgorithm>"
        if key.checksum_algorithm
        else ""
    )
    return (
        f"<Contents><Key>{_xml(shown(key.name))}</Key>"
        f"<LastModified>{key.last_modified.strftime('%Y-%m-%dT%H:%M:%S.000Z')}</LastModified>"
        f"<ETag>{_xml(key.etag)}</ETag><Size>{key.size}</Size>{checksum}"
        f"<StorageClass>{_xml(key.storage_class)}</StorageClass></Contents>"
    )


def _moto_bucket(name: str) -> Any:
    """moto's bucket ``name`` (its ``FakeBucket``) in whichever account holds it, or None."""
    from moto.s3.models import s3_backends

    located = s3_backends.bucket_accounts.get(name)
    if located is None:
        return None
    partition, account = located
    return s3_backends[account][partition].buckets.get(name)


def fast_list(environ: dict[str, Any]) -> bytes | None:
    """The XML answer to a plain ListObjectsV2 request, or None to leave the request to moto.

    Same answer as moto's (keys in byte order, ``max-keys`` 1000 by default, url-encoded names
    under ``encoding-type=url``); the continuation token is the last key returned, encoded.
    """
    listing = _listing(environ)
    bucket = None if listing is None else _moto_bucket(listing.bucket)
    if listing is None or bucket is None:
        return None
    # One C-level copy of the key -> versions map, taken under the GIL: uploads landing
    # meanwhile are in the next listing, never a "changed size during iteration".
    found, truncated = _page(dict.copy(bucket.keys), listing)

    def shown(text: str) -> str:
        return quote(text) if listing.encoding == "url" else text

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
        f"<Name>{_xml(listing.bucket)}</Name><Prefix>{_xml(shown(listing.prefix))}</Prefix>",
        f"<MaxKeys>{listing.max_keys}</MaxKeys><KeyCount>{len(found)}</KeyCount>",
        f"<IsTruncated>{str(truncated).lower()}</IsTruncated>",
        *(_contents(key, shown) for key in found),
    ]
    if listing.encoding:
        out.append(f"<EncodingType>{listing.encoding}</EncodingType>")
    if listing.token:
        out.append(f"<ContinuationToken>{_xml(listing.token)}</ContinuationToken>")
    elif listing.start_after:
        out.append(f"<StartAfter>{_xml(shown(listing.start_after))}</StartAfter>")
    if truncated:
        next_token = urlsafe_b64encode(found[-1].name.encode()).decode()
        out.append(f"<NextContinuationToken>{next_token}</NextContinuationToken>")
    out.append("</ListBucketResult>")
    return "".join(out).encode()


# Request headers only moto answers on a GET (conditions, CORS, customer-provided keys): with
# any of them, fast_get leaves the request to moto.
_MOTO_GET_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_ORIGIN",
    "HTTP_X_AMZ_SERVER_SIDE_ENCRYPTION_CUSTOMER_ALGORITHM",
)


@dataclass(frozen=True)
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


class _LeaveToMoto(Exception):  # noqa: N818 - a signal, not an error
    """A request ``fast_get`` does not answer."""


def _byte_range(spec: str | None, size: int) -> tuple[int, int] | None:
    """A Range header's first and last byte, as moto reads it; None: the whole object (no
    range, or one moto ignores). ``_LeaveToMoto`` for a list of ranges or one moto refuses."""
    unit, _, ranges = (spec or "").partition("=")
    if unit.strip() != "bytes" or not ranges:
        if spec:
            raise _LeaveToMoto
        return None
    if "," in ranges:
        raise _LeaveToMoto
    try:
        begin, end = (int(i) if i else None for i in ranges.split("-"))
    except ValueError:  # unparsable: S3 (and moto) answer with the whole object
        return None
    last = size - 1
    if (begin is None and end == 0) or (begin is not None and begin > last):
        raise _LeaveToMoto  # 416, moto's error document
    if begin is not None:
        end = last if end is None else min(end, last)
    elif end is not None:  # a suffix: the last ``end`` bytes
        begin, end = size - min(end, size), last
    if begin is None or end is None or begin > end:
        return None  # moto answers these with the whole object
    return begin, end


def _addressed(
    environ: dict[str, Any], method: str, moto_headers: Iterable[str]
) -> tuple[Any, str] | None:
    """The bucket (moto's ``FakeBucket``) and key name a plain ``method`` request on one object
    addresses, or None (moto answers): another method, a query string, one of
    ``moto_headers``, no key, no such bucket, or a bucket that logs its requests."""
    raw = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "")
    if (
        environ.get("REQUEST_METHOD") != method
        or environ.get("QUERY_STRING")
        or not raw.startswith("/")
        or "?" in raw
        or any(h in environ for h in moto_headers)
    ):
        return None
    # moto's own reading of a path-style URL: unquoted, the bucket, then the key.
    bucket_name, _, key_name = unquote(raw).lstrip("/").partition("/")
    bucket = _moto_bucket(bucket_name) if key_name else None
    if bucket is None or bucket.logging:
        return None
    return bucket, key_name


def _plain_get_key(environ: dict[str, Any]) -> Any:
    """The latest version of the key a plain GET asks for (moto's ``FakeKey``), or None: not
    a plain GET, or no such object (moto answers those)."""
    from moto.s3.models import FakeKey

    addressed = _addressed(environ, "GET", _MOTO_GET_HEADERS)
    key = None if addressed is None else addressed[0].keys.get(addressed[1])
    # Missing, a delete marker, archived: moto's own answer.
    return key if isinstance(key, FakeKey) and key.storage_class == "STANDARD" else None


def fast_get(environ: dict[str, Any]) -> Answer | None:
    """moto's answer to a plain GetObject of an object's latest version (whole, or one byte
    range), without its application; None to leave the request to moto."""
    key = _plain_get_key(environ)
    if key is None:
        return None
    try:
        wanted = _byte_range(environ.get("HTTP_RANGE"), key.size)
    except _LeaveToMoto:
        return None
    asked = environ.get("HTTP_X_AMZ_CHECKSUM_MODE") == "ENABLED" and key.checksum_algorithm
    if asked and key.checksum_type == "COMPOSITE":
        return None
    # A part of the object gets no checksum: the stored one is the whole object's.
    part = wanted is not None and (wanted[0] > 0 or wanted[1] < key.size - 1)
    # Built as moto's get_object builds them, in its order.
    headers: dict[str, str] = {}
    if key.version_id != "null":
        headers["x-amz-version-id"] = str(key.version_id)
    headers.update(key.response_dict)
    if asked and not part:
        headers[f"x-amz-checksum-{key.checksum_algorithm.lower()}"] = str(key.checksum_value)
        if key.checksum_type:
            headers["x-amz-checksum-type"] = str(key.checksum_type)
    headers.update(key.metadata)
    headers["Accept-Ranges"] = "bytes"
    headers["Access-Control-Allow-Origin"] = "*"  # moto's server answers every request with it
    if wanted is None:
        return Answer("200 OK", list(headers.items()), key.value)
    begin, end = wanted
    body = _part(key, begin, end)
    headers["content-range"] = f"bytes {begin}-{end}/{key.size}"
    headers["content-length"] = str(len(body))
    return Answer("206 Partial Content", list(headers.items()), body)


def _part(key: Any, begin: int, end: int) -> bytes:
    """Bytes ``begin``..``end`` of a moto key, read from its buffer: moto's ``value`` copies
    the whole object (from a temporary file past a few MB) for every ranged read of a
    Parquet footer or column chunk."""
    buffer, lock = getattr(key, "_value_buffer", None), getattr(key, "lock", None)
    if buffer is None or lock is None:  # another moto: its public (whole) value
        return bytes(key.value[begin : end + 1])
    with lock:
        buffer.seek(begin)
        return bytes(buffer.read(end + 1 - begin))


# The request headers a plain PutObject may carry for ``fast_put`` to answer it (by their WSGI
# names); any other ``x-amz-`` header (an ACL, tags, encryption, a lock, a copy source, a
# storage class, a chunk-signed body) or a condition leaves it to moto. User metadata
# (``x-amz-meta-*``) and the standard content headers moto stores are read as moto reads them.
_PUT_AMZ_HEADERS = frozenset(
    {
        "HTTP_X_AMZ_DATE",
        "HTTP_X_AMZ_CONTENT_SHA256",
        "HTTP_X_AMZ_USER_AGENT",
        "HTTP_X_AMZ_SECURITY_TOKEN",
        "HTTP_X_AMZ_SDK_CHECKSUM_ALGORITHM",
    }
)
_MOTO_PUT_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_ORIGIN",
    "HTTP_CONTENT_MD5",
    "HTTP_CONTENT_ENCODING",
    "HTTP_TRANSFER_ENCODING",
)
# Bodies moto reads as a form (a browser's POST-style upload), not as the object's bytes.
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class _PlainPut:
    bucket: Any  # moto's FakeBucket
    key_name: str
    algorithm: str | None  # x-amz-sdk-checksum-algorithm
    checksum: str | None  # its value, given in its x-amz-checksum-<algorithm> header


def _plain_put(environ: dict[str, Any]) -> _PlainPut | None:
    """A plain PutObject that ``fast_put`` answers, or None (moto answers). Decided from the
    request line and headers alone: the body is read only once the request is known to be
    ours."""
    # Every request that is not a PUT (most: GETs fast_get declined, listings) stops here.
    if environ.get("REQUEST_METHOD") != "PUT":
        return None
    if str(environ.get("CONTENT_TYPE", "")).lower().startswith(_FORM_TYPES) or str(
        environ.get("HTTP_X_AMZ_CONTENT_SHA256", "")
    ).startswith("STREAMING-"):
        return None
    algorithm = environ.get("HTTP_X_AMZ_SDK_CHECKSUM_ALGORITHM")
    given = f"HTTP_X_AMZ_CHECKSUM_{algorithm.upper()}" if algorithm else None
    for name in environ:
        if (
            name.startswith("HTTP_X_AMZ_")
            and name not in _PUT_AMZ_HEADERS
            and name != given
            and not name.startswith("HTTP_X_AMZ_META_")
        ):
            return None
    checksum = environ.get(given) if given else None
    if given is not None and not checksum:
        return None  # moto computes it, or finds it in a trailer of the body
    addressed = _addressed(environ, "PUT", _MOTO_PUT_HEADERS)
    # Locked, under a policy: moto's own steps.
    if addressed is None or addressed[0].object_lock_enabled or addressed[0].policy:
        return None
    return _PlainPut(*addressed, algorithm, checksum)


def fast_put(environ: dict[str, Any]) -> Answer | None:
    """moto's answer to a plain PutObject (a body, its content headers and user metadata,
    a checksum given in a header), stored through moto's own backend (versioning and
    notifications included) without its application; None to leave the request to moto."""
    put = _plain_put(environ)
    if put is None:
        return None
    from moto.s3.models import s3_backends
    from moto.s3.utils import metadata_from_headers
    from werkzeug.datastructures import EnvironHeaders

    bucket = put.bucket
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    backend = s3_backends[bucket.account_id][bucket.partition]
    # As moto's put_object calls its backend, with what a plain request leaves at defaults.
    key = backend.put_object(
        bucket.name,
        put.key_name,
        body,
        storage="STANDARD",
        encryption=None,
        kms_key_id=None,
        bucket_key_enabled=None,
        lock_mode=None,
        lock_legal_status=None,
        lock_until=None,
        checksum_value=put.checksum,
    )
    key.set_metadata(metadata_from_headers(dict(EnvironHeaders(environ))))
    key.set_acl(bucket.acl)
    headers: dict[str, str] = {}
    if put.algorithm:
        key.checksum_algorithm = put.algorithm
        headers[f"x-amz-checksum-{put.algorithm.lower()}"] = str(put.checksum)
    # Clears the tags an earlier version under this key had, as moto's put_object does.
    backend.put_object_tagging(key, {})
    headers.update(key.response_dict)
    headers.pop("content-length", None)  # the response has no body
    headers["Content-Type"] = "text/html; charset=utf-8"
    headers["Content-Length"] = "0"
    headers["Access-Control-Allow-Origin"] = "*"  # moto's server answers every request with it
    return Answer("200 OK", list(headers.items()), b"")


def make_app() -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    dispatcher = DomainDispatcherApplication(create_backend_app)
    s3 = create_backend_app("s3")

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if signed_service(environ) == "s3" and not environ.get("PATH_INFO", "").startswith(
            "/moto-api"
        ):
            got = fast_get(environ) or fast_put(environ)
            if got is not None:
                start_response(got.status, got.headers)
                return [got.body]
            body = fast_list(environ)
            if body is None:
                return s3(environ, start_response)
            start_response(
                "200 OK",
                [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return dispatcher(environ, start_response)  # type: ignore[no-any-return]

    return app


def keep_alive_handler() -> type:
    """moto's request handler (its header handling kept) answering on keep-alive connections.

    werkzeug's handler closes every connection after its response (``Connection: close``)
    and then waits up to 10 ms for the socket to drain: each request paid a TCP connection,
    a server thread and that wait, on both sides of loopback. py-spy on this server during a
    10,000-object burst put moto's application at a third of its CPU, werkzeug's connection
    handling at most of the rest (docs/adr/0017-bursts.md). Here the request body is read
    whole first (moto reads it whole anyway), so the connection is ready for the next request
    whatever the application read. A chunked request body (none of our clients sends one)
    goes through werkzeug's own handling, and its connection closes after it.
    """
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class KeepAliveRequestHandler(MotoRequestHandler):
        protocol_version = "HTTP/1.1"
        # An idle connection is closed after this long: above the clients' own pool idle
        # timeouts (reqwest, under delta-rs: 90 s), so a client never reuses one the server
        # has just dropped.
        timeout = 120
        disable_nagle_algorithm = True  # a response goes out as it is written

        def run_wsgi(self) -> None:
            length = self.headers.get("Content-Length")
            chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
            if chunked or (length is None and self.command in ("PUT", "POST")):
                super().run_wsgi()
                return
            if self.headers.get("Expect", "").lower().strip() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = self.rfile.read(int(length)) if length else b""
            self.environ = environ = self.make_environ()
            environ["wsgi.input"] = io.BytesIO(body)
            response: list[Any] = []
            chunks: list[bytes] = []

            def start_response(
                status: str, headers: list[tuple[str, str]], exc_info: Any = None
            ) -> Any:
                response[:] = [status, headers]
                return chunks.append

            try:
                result = self.server.app(environ, start_response)
                try:
                    chunks.extend(result)
                finally:
                    if hasattr(result, "close"):
                        result.close()
            except Exception:
                log.exception("%s %s failed", self.command, self.path)
                response[:] = ["500 INTERNAL SERVER ERROR", [("Content-Type", "text/plain")]]
                chunks[:] = [b"internal error"]
                self.close_connection = True
            status, headers = response
            code = int(status.split(" ", 1)[0])
            data = b"".join(chunks)
            self.send_response(code, status.partition(" ")[2])
            names = set()
            for name, value in headers:
                self.send_header(name, value)
                names.add(name.lower())
            bodiless = self.command == "HEAD" or code in (204, 304) or code < 200
            if "content-length" not in names and not bodiless:
                self.send_header("Content-Length", str(len(data)))
            # Head and body in one send: two would wait on the client's delayed ACK (Nagle).
            self._headers_buffer.append(b"\r\n")
            if data and not bodiless:
                self._headers_buffer.append(data)
            self.flush_headers()

    return KeepAliveRequestHandler


def main(argv: list[str] | None = None) -> None:
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)
    # moto builds some URLs it returns (SQS queue URLs) from it, as its own server sets it.
    os.environ.setdefault("MOTO_PORT", str(args.port))
    # werkzeug logs each request at INFO: a line per object read or written.
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(
        args.host,
        args.port,
        make_app(),
        threaded=True,
        request_handler=keep_alive_handler(),
    )


if __name__ == "__main__":
    main()
