"""Where the watcher learns of new raw objects: S3 event notifications on SQS, or polling.

Both deliver at least once and may miss; the watcher acknowledges only after a
run was created, and the reconcile flow catches what was never announced.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote_plus

from tasks.store import ObjectRef

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mypy_boto3_sqs import SQSClient

    from tasks.store import S3ObjectStore

log = logging.getLogger(__name__)

_SQS_BATCH = 10  # SQS's most messages per receive and per delete_message_batch


@dataclass(frozen=True, slots=True)
class Arrival:
    ref: ObjectRef
    receipt: str | None = None  # SQS receipt handle, to delete the message once handled


class Source(Protocol):
    # Seconds the source asks the watcher to leave between two receives at least (on top
    # of the watcher's own interval): what one receive costs the store grows with it.
    pace: float

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
    """S3 event notifications from an SQS queue.

    A receive drains what the queue holds, up to ``max_arrivals`` objects (a watcher batch):
    one receive of 10 messages a watcher turn would cap a burst at 10 objects a turn.
    Acknowledgements delete in batches of 10 (one request, not one per message).
    """

    def __init__(
        self, sqs: SQSClient, queue_url: str, bucket: str, prefix: str, max_arrivals: int = 1000
    ) -> None:
        self.sqs = sqs
        self.queue_url = queue_url
        self.bucket = bucket
        self.prefix = prefix
        self.max_arrivals = max_arrivals
        self.pace = 0.0  # a long poll paces itself

    def receive(self, wait_seconds: float) -> list[Arrival]:
        arrivals: list[Arrival] = []
        ignored: list[str] = []
        wait = max(0, min(20, round(wait_seconds)))
        while len(arrivals) < self.max_arrivals:
            asked = min(_SQS_BATCH, self.max_arrivals - len(arrivals))
            r = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=asked, WaitTimeSeconds=wait
            )
            messages = r.get("Messages", [])
            for msg in messages:
                refs = list(parse_s3_notification(msg["Body"], self.bucket, self.prefix))
                if not refs:
                    # Test events and foreign events: nothing to do, do not see them again.
                    ignored.append(msg["ReceiptHandle"])
                arrivals += [Arrival(ref, msg["ReceiptHandle"]) for ref in refs]
            if len(messages) < asked:
                break  # the queue is drained (or short polling sampled few servers: next turn)
            wait = 0  # the rest of what is queued, without waiting again
        self._delete(ignored)
        return arrivals

    def ack(self, arrivals: list[Arrival]) -> None:
        self._delete([a.receipt for a in arrivals if a.receipt])

    def _delete(self, receipts: list[str]) -> None:
        unique = list(dict.fromkeys(receipts))
        for start in range(0, len(unique), _SQS_BATCH):
            entries = [
                {"Id": str(i), "ReceiptHandle": receipt}
                for i, receipt in enumerate(unique[start : start + _SQS_BATCH])
            ]
            r = self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)  # type: ignore[arg-type]
            for failed in r.get("Failed", []):
                # The message comes back after its visibility timeout; the run it announced
                # is keyed by the object version, so the redelivery starts nothing new.
                log.warning("deleting an SQS message failed: %s", failed.get("Message"))


class PollSource:
    """ListObjectsV2 against a durable cursor: the etag last handed on for each key.

    The cursor lives in the bucket (``state/watcher-cursor.json``), so a restarted
    watcher does not announce everything again.

    A listing costs a request per 1,000 keys held under the prefix, however few are new, and
    most of it is the client's: botocore reads 10,000 entries in ~0.5 s of CPU (the embedded
    server answers in 0.14 s). The source asks for ``LIST_DUTY`` x the last listing's time
    between two listings while listings find new keys, so listing takes at most about
    1 / (1 + LIST_DUTY) of the time while objects pile up; each listing that finds nothing new
    doubles that, up to ``QUIET_DUTY`` (at most ~5% of the time), so a big prefix is not
    relisted back to back while the pipeline works through what it holds (at 10,000 keys the
    next new key is then seen within ~10 s, ~2 s while uploads keep coming). A small prefix
    lists every watcher turn as before (docs/adr/0017-bursts.md).
    """

    LIST_DUTY = 4.0
    QUIET_DUTY = 19.0

    def __init__(self, store: S3ObjectStore, prefix: str, cursor_key: str) -> None:
        self.store = store
        self.prefix = prefix
        self.cursor_key = cursor_key
        loaded = store.get_json(cursor_key) if store.head(cursor_key) else None
        self.cursor: dict[str, str] = dict(loaded or {})
        self.pace = 0.0
        self.duty = self.LIST_DUTY
        self._listed: set[tuple[str, str]] = set()  # what the last listing returned

    def receive(self, wait_seconds: float) -> list[Arrival]:
        del wait_seconds  # listing does not block; the watcher paces the polls
        started = time.monotonic()
        arrivals = [
            Arrival(ref)
            for ref in self.store.list(self.prefix)
            if self.cursor.get(ref.key) != ref.etag
        ]
        # Pending objects come back on every listing until their run starts: only versions
        # the last listing did not return are new.
        listed = {(a.ref.key, a.ref.etag) for a in arrivals}
        new = bool(listed - self._listed)
        self._listed = listed
        self.duty = self.LIST_DUTY if new else min(self.QUIET_DUTY, 2 * self.duty)
        self.pace = self.duty * (time.monotonic() - started)
        return arrivals

    def ack(self, arrivals: list[Arrival]) -> None:
        if not arrivals:
            return
        for a in arrivals:
            self.cursor[a.ref.key] = a.ref.etag
        self.store.put_json(self.cursor_key, self.cursor)
