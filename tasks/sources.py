"""Where the watcher learns of new raw objects: S3 event notifications on SQS, or polling.

Both deliver at least once and may miss; the watcher acknowledges only after a
run was created, and the reconcile flow catches what was never announced.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote_plus

from tasks.store import ObjectRef

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_sqs import SQSClient

    from tasks.store import S3ObjectStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Arrival:
    ref: ObjectRef
    receipt: str | None = None  # SQS receipt handle, to delete the message once handled


class Source(Protocol):
    def receive(self, wait_seconds: float) -> list[Arrival]: ...

    def ack(self, arrivals: list[Arrival]) -> None: ...


def parse_s3_notification(body: str, bucket: str, prefix: str) -> Iterator[ObjectRef]:
    """Object refs announced by one S3 event notification message body.

    Keys arrive URL-encoded (spaces as ``+``); ``s3:TestEvent`` and other
    buckets' or prefixes' events are ignored; a malformed body yields nothing.
    """
    try:
        message: Any = json.loads(body)
    except json.JSONDecodeError:
        log.warning("ignoring a notification that is not JSON: %.200s", body)
        return
    if isinstance(message, dict) and "Message" in message and "Records" not in message:
        # Delivered through SNS: the S3 event is the inner message.
        yield from parse_s3_notification(str(message["Message"]), bucket, prefix)
        return
    if not isinstance(message, dict):
        return
    for record in message.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record.get("s3", {})
        if s3.get("bucket", {}).get("name") != bucket:
            continue
        obj = s3.get("object", {})
        key = unquote_plus(str(obj.get("key", "")))
        if not key.startswith(prefix):
            continue
        yield ObjectRef(
            key=key, etag=str(obj.get("eTag", "")).strip('"'), size=int(obj.get("size", 0))
        )


class SqsSource:
    def __init__(self, sqs: SQSClient, queue_url: str, bucket: str, prefix: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.bucket = bucket
        self.prefix = prefix

    def receive(self, wait_seconds: float) -> list[Arrival]:
        r = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=max(0, min(20, round(wait_seconds))),
        )
        arrivals: list[Arrival] = []
        for msg in r.get("Messages", []):
            refs = list(parse_s3_notification(msg["Body"], self.bucket, self.prefix))
            if not refs:
                # Test events and foreign events: nothing to do, do not see them again.
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=msg["ReceiptHandle"])
                continue
            arrivals += [Arrival(ref, msg["ReceiptHandle"]) for ref in refs]
        return arrivals

    def ack(self, arrivals: list[Arrival]) -> None:
        for receipt in {a.receipt for a in arrivals if a.receipt}:
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt)


class PollSource:
    """ListObjectsV2 against a durable cursor: the etag last handed on for each key.

    The cursor lives in the bucket (``state/watcher-cursor.json``), so a restarted
    watcher does not announce everything again.
    """

    def __init__(self, store: S3ObjectStore, prefix: str, cursor_key: str) -> None:
        self.store = store
        self.prefix = prefix
        self.cursor_key = cursor_key
        loaded = store.get_json(cursor_key) if store.head(cursor_key) else None
        self.cursor: dict[str, str] = dict(loaded or {})

    def receive(self, wait_seconds: float) -> list[Arrival]:
        del wait_seconds  # listing does not block; the watcher paces the polls
        return [
            Arrival(ref)
            for ref in self.store.list(self.prefix)
            if self.cursor.get(ref.key) != ref.etag
        ]

    def ack(self, arrivals: list[Arrival]) -> None:
        if not arrivals:
            return
        for a in arrivals:
            self.cursor[a.ref.key] = a.ref.etag
        self.store.put_json(self.cursor_key, self.cursor)
