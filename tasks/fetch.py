"""Object-store I/O: list, read (bounded) and write objects.

Everything else talks to ``ObjectStore``; ``S3ObjectStore`` is the real one
(any S3 endpoint through boto3). Reads are streamed and stop at a size limit,
so a huge upload is rejected without being held in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

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
class Fetched:
    ref: ObjectRef
    data: bytes | None  # None when the object was larger than the limit
    error: str | None = None  # why it could not be read (too large, gone, ...)


class ObjectStore(Protocol):
    bucket: str

    def list(self, prefix: str) -> Iterator[ObjectRef]: ...

    def head(self, key: str) -> ObjectRef | None: ...

    def read(self, key: str, max_bytes: int) -> Fetched: ...

    def put(self, key: str, data: bytes, content_type: str = ...) -> ObjectRef: ...

    def delete(self, key: str) -> None: ...


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

    def read(self, key: str, max_bytes: int) -> Fetched:
        from botocore.exceptions import ClientError

        try:
            r = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404"):
                return Fetched(ObjectRef(key, ""), None, "gone: the object was deleted")
            raise
        ref = ObjectRef(key, _etag(r["ETag"]), r["ContentLength"], r["LastModified"])
        body = r["Body"]
        try:
            if ref.size > max_bytes:
                return Fetched(ref, None, f"too_large: {ref.size} bytes, limit {max_bytes}")
            chunks: list[bytes] = []
            total = 0
            # Trust the stream, not the header: stop as soon as the limit is passed.
            for chunk in body.iter_chunks(_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    return Fetched(ref, None, f"too_large: over {max_bytes} bytes")
                chunks.append(chunk)
            return Fetched(ref, b"".join(chunks))
        finally:
            body.close()

    def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> ObjectRef:
        r = self.client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)
        return ObjectRef(key, _etag(r["ETag"]), len(data))

    def put_json(self, key: str, payload: Any) -> ObjectRef:
        data = json.dumps(payload, ensure_ascii=False, indent=2, default=str).encode()
        return self.put(key, data, "application/json")

    def get_json(self, key: str) -> Any | None:
        fetched = self.read(key, max_bytes=64 * 1024 * 1024)
        if fetched.data is None:
            return None
        return json.loads(fetched.data)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


def aws_client_kwargs(settings: Settings) -> dict[str, Any]:
    """boto3 client arguments for the configured endpoint; credentials only when set explicitly."""
    from botocore.config import Config

    kwargs: dict[str, Any] = {
        "region_name": settings.s3_region,
        "config": Config(
            retries={"max_attempts": 5, "mode": "adaptive"},
            connect_timeout=5,
            read_timeout=30,
            max_pool_connections=32,
        ),
    }
    if settings.s3_endpoint_url:
        kwargs["endpoint_url"] = settings.s3_endpoint_url
    if settings.aws_access_key_id and settings.aws_secret_access_key:
        kwargs["aws_access_key_id"] = settings.aws_access_key_id.get_secret_value()
        kwargs["aws_secret_access_key"] = settings.aws_secret_access_key.get_secret_value()
    return kwargs


def make_s3_client(settings: Settings) -> S3Client:
    import boto3

    client: S3Client = boto3.client("s3", **aws_client_kwargs(settings))
    return client


def fetch_batch(store: ObjectStore, keys: list[str], max_bytes: int) -> list[Fetched]:
    """Read the current version of each key; unreadable ones carry their reason instead of data."""
    return [store.read(key, max_bytes) for key in dict.fromkeys(keys)]
