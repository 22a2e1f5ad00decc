"""The object store: list, read (bounded) and write objects; clients for the endpoint.

Everything else is typed against ``ObjectStore``; ``S3ObjectStore`` is the real
one (any S3 endpoint through boto3), ``MemoryObjectStore`` a dict for fast unit
tests. Reads stop at a size limit, so a huge upload is rejected without being
held in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_s3 import S3Client

    from govreports.settings import Settings

_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """One version of one object: the unit the pipeline gives an outcome to."""

    key: str
    etag: str
    size: int = 0
    last_modified: datetime | None = None

    @property
    def version_id(self) -> str:
        return f"{self.key}@{self.etag}"


@dataclass(frozen=True, slots=True)
class ObjectRead:
    """The outcome of reading one object: its bytes, or why there are none."""

    ref: ObjectRef
    data: bytes | None  # None when the object was larger than the limit
    error: str | None = None  # why it could not be read (too large, gone, ...)


class ObjectStore(Protocol):
    bucket: str

    def list(self, prefix: str) -> Iterator[ObjectRef]: ...

    def head(self, key: str) -> ObjectRef | None: ...

    def read(self, key: str, max_bytes: int, *, unless_etag: str | None = None) -> ObjectRead:
        """``unless_etag``: no bytes when that is still the current version (``UNCHANGED``)."""
        ...

    def put(self, key: str, data: bytes, content_type: str = ...) -> ObjectRef: ...

    def put_json(self, key: str, payload: Any) -> ObjectRef: ...

    def put_json_if(self, key: str, payload: Any, etag: str | None) -> bool:
        """Write only if ``key`` is still at ``etag`` (``None``: only if there is no ``key``);
        False, nothing written, when another writer got there first (a compare-and-swap)."""
        ...

    def get_json(self, key: str) -> Any | None: ...

    def delete(self, key: str) -> None: ...


_GONE = "gone: the object was deleted"
# Not an error: the current version is the one the caller already has (a conditional GET).
UNCHANGED = "unchanged: the current version is the one already known"
_JSON_LIMIT = 64 * 1024 * 1024


# What a conditional write answers when another writer got there first.
_LOST_RACE = frozenset(
    {"PreconditionFailed", "412", "ConditionalRequestConflict", "409", "NoSuchKey"}
)


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str).encode()


def _etag(raw: str) -> str:
    return raw.strip('"')


class S3ObjectStore:
    def __init__(self, client: S3Client, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    @classmethod
    def from_settings(cls, settings: Settings) -> S3ObjectStore:
        return cls(make_s3_client(settings), settings.bucket)

    def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def list(self, prefix: str) -> Iterator[ObjectRef]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                yield ObjectRef(
                    key=obj["Key"],
                    etag=_etag(obj["ETag"]),
                    size=obj["Size"],
                    last_modified=obj["LastModified"],
                )

    def head(self, key: str) -> ObjectRef | None:
        from botocore.exceptions import ClientError

        try:
            r = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return ObjectRef(key, _etag(r["ETag"]), r["ContentLength"], r["LastModified"])

    def read(self, key: str, max_bytes: int, *, unless_etag: str | None = None) -> ObjectRead:
        from botocore.exceptions import ClientError

        # One request per object: a conditional GET, not a HEAD then a GET (on the embedded
        # S3 server every request is CPU the parser needs; docs/adr/0017-bursts.md).
        try:
            if unless_etag:
                r = self.client.get_object(
                    Bucket=self.bucket, Key=key, IfNoneMatch=f'"{unless_etag}"'
                )
            else:
                r = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404"):
                return ObjectRead(ObjectRef(key, ""), None, _GONE)
            if code in ("304", "NotModified") and unless_etag:
                return ObjectRead(ObjectRef(key, unless_etag), None, UNCHANGED)
            raise
        ref = ObjectRef(key, _etag(r["ETag"]), r["ContentLength"], r["LastModified"])
        body = r["Body"]
        try:
            if ref.size > max_bytes:
                return ObjectRead(ref, None, f"too_large: {ref.size} bytes, limit {max_bytes}")
            chunks: list[bytes] = []
            total = 0
            # Trust the stream, not the header: stop as soon as the limit is passed.
            for chunk in body.iter_chunks(_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    return ObjectRead(ref, None, f"too_large: over {max_bytes} bytes")
                chunks.append(chunk)
            return ObjectRead(ref, b"".join(chunks))
        finally:
            body.close()

    def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> ObjectRef:
        r = self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return ObjectRef(key, _etag(r["ETag"]), len(data))

    def put_json(self, key: str, payload: Any) -> ObjectRef:
        return self.put(key, _json_bytes(payload), "application/json")

    def put_json_if(self, key: str, payload: Any, etag: str | None) -> bool:
        from botocore.exceptions import ClientError

        # S3's conditional writes (If-Match / If-None-Match: *), as AWS, MinIO and moto have them.
        condition: dict[str, Any] = {"IfMatch": f'"{etag}"'} if etag else {"IfNoneMatch": "*"}
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=_json_bytes(payload),
                ContentType="application/json",
                **condition,
            )
        except ClientError as exc:
            # 412: the object moved on; 409: a concurrent conditional write is in flight;
            # NoSuchKey: it was deleted since (If-Match on a missing key).
            if exc.response.get("Error", {}).get("Code", "") in _LOST_RACE:
                return False
            raise
        return True

    def get_json(self, key: str) -> Any | None:
        got = self.read(key, max_bytes=_JSON_LIMIT)
        if got.data is None:
            return None
        return json.loads(got.data)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def _session_without_imds() -> Any:
    """A botocore session whose credential chain never asks the instance metadata service.

    With a custom endpoint (a local server, MinIO, ...) there is no instance role to find,
    and on a machine without credentials the default chain would probe 169.254.169.254
    (traffic off loopback, and seconds of retries) before giving up.
    """
    session = _botocore_session()
    session.get_component("credential_provider").remove("iam-role")
    return session


def _botocore_session() -> Any:
    """A botocore session whose responses' timestamps are read by ``timestamp``."""
    import botocore.session

    session = botocore.session.Session()
    session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=timestamp)
    return session


def timestamp(value: str) -> datetime:
    """An S3 timestamp (ISO 8601 in listings, RFC 1123 in headers) as an aware datetime.

    botocore's default reads every one through dateutil's general parser: a ListObjectsV2 page
    of 1,000 keys cost ~0.1 s of CPU on it, and a polling watcher lists the whole raw prefix
    every turn (benchmarks/burst_bench.py: ~30% of the worker process's CPU during a burst).
    Anything else goes to botocore's own parser.
    """
    from email.utils import parsedate_to_datetime

    with contextlib.suppress(ValueError, TypeError, IndexError):
        got = datetime.fromisoformat(value) if value[:1].isdigit() else parsedate_to_datetime(value)
        return got if got.tzinfo else got.replace(tzinfo=UTC)
    from botocore.utils import parse_timestamp

    parsed: datetime = parse_timestamp(value)
    return parsed


@dataclass(frozen=True, slots=True)
class S3Credentials:
    access_key: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:  # never print a secret
        return f"S3Credentials(access_key={self.access_key[:4]}…)"


class MissingCredentialsError(RuntimeError):
    """An endpoint is configured but no credentials are, anywhere: say so before any request."""


def s3_credentials(settings: Settings) -> S3Credentials | None:
    """The credentials every S3 client of the project uses when an endpoint is set.

    Settings first, then the standard chain (environment, profile files, container role)
    without instance metadata; with an endpoint and nothing found, ``MissingCredentialsError``
    (a clear message at once, rather than ten probes of 169.254.169.254 and a 403).
    Without an endpoint (AWS itself) the clients keep their full default chain: on EC2 the
    instance role is how credentials arrive, so ``None`` is returned and nothing is pinned.
    """
    if settings.aws_access_key_id and settings.aws_secret_access_key:
        return S3Credentials(
            settings.aws_access_key_id.get_secret_value(),
            settings.aws_secret_access_key.get_secret_value(),
        )
    if not settings.s3_endpoint_url:
        return None
    found = _session_without_imds().get_credentials()
    if found is None:
        raise MissingCredentialsError(
            f"no S3 credentials for {settings.s3_endpoint_url}: set GOVREPORTS_AWS_ACCESS_KEY_ID"
            " and GOVREPORTS_AWS_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID / an AWS profile)"
        )
    frozen = found.get_frozen_credentials()
    return S3Credentials(frozen.access_key, frozen.secret_key, frozen.token)


def aws_client_kwargs(settings: Settings) -> dict[str, Any]:
    """boto3 client arguments: endpoint and credentials from settings, no metadata probes."""
    from botocore.config import Config

    config = Config(
        retries={"max_attempts": 5, "mode": "adaptive"},
        connect_timeout=5,
        read_timeout=30,
        max_pool_connections=32,
    )
    kwargs: dict[str, Any] = {"region_name": settings.s3_region}
    if settings.s3_endpoint_url:
        kwargs["endpoint_url"] = settings.s3_endpoint_url
        creds = s3_credentials(settings)
        assert creds is not None  # with an endpoint: found, or MissingCredentialsError
        kwargs["aws_access_key_id"] = creds.access_key
        kwargs["aws_secret_access_key"] = creds.secret_key
        kwargs["aws_session_token"] = creds.token
    elif settings.aws_access_key_id and settings.aws_secret_access_key:
        kwargs["aws_access_key_id"] = settings.aws_access_key_id.get_secret_value()
        kwargs["aws_secret_access_key"] = settings.aws_secret_access_key.get_secret_value()
    kwargs["config"] = config
    return kwargs


# Clients made once per process and configuration: building one costs 50-120 ms (measured
# on this 2-core machine), paid by every chunk task on a Dask worker before this cache. boto3
# clients are thread-safe; the process id is in the key so a forked child never shares the
# parent's connection pool.
_CLIENTS: dict[tuple[Any, ...], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def make_client(settings: Settings, service: str) -> Any:
    """A boto3 client for ``service`` (s3, sqs) on the configured endpoint, reused per process.

    With an endpoint the client's session has no instance-metadata provider either, so no
    later credential refresh can reach for 169.254.169.254.
    """
    kwargs = aws_client_kwargs(settings)
    key = (os.getpid(), service, *sorted((k, repr(v)) for k, v in kwargs.items() if k != "config"))
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            import boto3

            core = _session_without_imds() if settings.s3_endpoint_url else _botocore_session()
            session = boto3.session.Session(botocore_session=core)
            client = session.client(service, **kwargs)  # type: ignore[call-overload]
            _CLIENTS[key] = client
    return client


def make_s3_client(settings: Settings) -> S3Client:
    client: S3Client = make_client(settings, "s3")
    return client


def delta_storage_options(settings: Settings) -> dict[str, str]:
    """delta-rs storage options: settings' endpoint plus the same credentials as boto3.

    delta-rs (object_store) falls back to instance metadata when it has no credentials: ten
    retries against 169.254.169.254 per table opened. With an endpoint it always gets keys,
    resolved here from settings or the chain (or ``MissingCredentialsError`` before any I/O).
    """
    opts = settings.storage_options()
    if not settings.s3_endpoint_url:
        return opts
    creds = s3_credentials(settings)
    assert creds is not None  # with an endpoint: found, or MissingCredentialsError
    opts["AWS_ACCESS_KEY_ID"] = creds.access_key
    opts["AWS_SECRET_ACCESS_KEY"] = creds.secret_key
    if creds.token:
        opts["AWS_SESSION_TOKEN"] = creds.token
    return opts


class MemoryObjectStore:
    """An ``ObjectStore`` in a dict, for unit tests that need no S3 server.

    Etags are the MD5 of the bytes, as S3 gives for a single-part upload.
    """

    def __init__(self, bucket: str = "memory") -> None:
        self.bucket = bucket
        self.objects: dict[str, tuple[ObjectRef, bytes]] = {}

    def list(self, prefix: str) -> Iterator[ObjectRef]:
        for key in sorted(self.objects):
            if key.startswith(prefix):
                yield self.objects[key][0]

    def head(self, key: str) -> ObjectRef | None:
        got = self.objects.get(key)
        return got[0] if got else None

    def read(self, key: str, max_bytes: int, *, unless_etag: str | None = None) -> ObjectRead:
        got = self.objects.get(key)
        if got is None:
            return ObjectRead(ObjectRef(key, ""), None, _GONE)
        ref, data = got
        if unless_etag and ref.etag == unless_etag:
            return ObjectRead(ref, None, UNCHANGED)
        if ref.size > max_bytes:
            return ObjectRead(ref, None, f"too_large: {ref.size} bytes, limit {max_bytes}")
        return ObjectRead(ref, data)

    def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> ObjectRef:
        from datetime import UTC, datetime

        etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
        # S3 keeps whole seconds; so does the fake, so same-second ties behave the same.
        now = datetime.now(UTC).replace(microsecond=0)
        ref = ObjectRef(key, etag, len(data), now)
        self.objects[key] = (ref, data)
        return ref

    def put_json(self, key: str, payload: Any) -> ObjectRef:
        return self.put(key, _json_bytes(payload), "application/json")

    def put_json_if(self, key: str, payload: Any, etag: str | None) -> bool:
        current = self.objects.get(key)
        if (current[0].etag if current else None) != etag:
            return False
        self.put_json(key, payload)
        return True

    def get_json(self, key: str) -> Any | None:
        got = self.read(key, max_bytes=_JSON_LIMIT)
        return None if got.data is None else json.loads(got.data)

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)
