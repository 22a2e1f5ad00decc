"""Arrivals from S3 event notifications (a real notification → SQS on the emulator) and polling."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import boto3
import pytest

from tasks.sources import PollSource, SqsSource, parse_s3_notification
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from govreports.settings import Settings

pytestmark = pytest.mark.s3


def sqs_client(settings: Settings):  # type: ignore[no-untyped-def]
    assert settings.aws_access_key_id and settings.aws_secret_access_key
    return boto3.client(
        "sqs",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.aws_access_key_id.get_secret_value(),
        aws_secret_access_key=settings.aws_secret_access_key.get_secret_value(),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param('{"Event": "s3:TestEvent"}', [], id="test-event-skipped"),
        pytest.param("not json", [], id="malformed-body"),
        pytest.param(
            json.dumps(
                {
                    "Records": [
                        {
                            "eventName": "ObjectCreated:Put",
                            "s3": {
                                "bucket": {"name": "b"},
                                "object": {"key": "raw/%E6%8A%A5%E5%91%8A+2024.txt", "eTag": "e1"},
                            },
                        }
                    ]
                }
            ),
            ["raw/报告 2024.txt"],
            id="url-encoded-key-with-space-and-unicode",
        ),
        pytest.param(
            json.dumps(
                {
                    "Records": [
                        {
                            "eventName": "ObjectRemoved:Delete",
                            "s3": {"bucket": {"name": "b"}, "object": {"key": "raw/a.txt"}},
                        }
                    ]
                }
            ),
            [],
            id="delete-event-ignored",
        ),
        pytest.param(
            json.dumps(
                {
                    "Records": [
                        {
                            "eventName": "ObjectCreated:Put",
                            "s3": {
                                "bucket": {"name": "b"},
                                "object": {"key": "curated/x", "eTag": "e"},
                            },
                        }
                    ]
                }
            ),
            [],
            id="outside-raw-prefix",
        ),
    ],
)
def test_parse_s3_notification(body: str, expected: list[str]) -> None:
    assert [r.key for r in parse_s3_notification(body, "b", "raw/")] == expected


def test_bucket_notification_reaches_the_queue(settings: Settings) -> None:
    sqs = sqs_client(settings)
    queue_url = sqs.create_queue(QueueName=f"{settings.bucket}-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    store = S3ObjectStore.from_settings(settings)
    store.client.put_bucket_notification_configuration(
        Bucket=settings.bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "raw/"}]}},
                }
            ]
        },
    )
    ref = store.put("raw/淮安 2024 年报.txt", b"hello")
    source = SqsSource(sqs, queue_url, settings.bucket, settings.raw_prefix)

    arrivals = []
    for _ in range(5):
        arrivals += source.receive(wait_seconds=1)
        if arrivals:
            break
    source.ack(arrivals)

    assert [(a.ref.key, a.ref.etag) for a in arrivals] == [("raw/淮安 2024 年报.txt", ref.etag)]
    assert source.receive(wait_seconds=0) == []


def test_a_burst_is_drained_in_one_receive_up_to_the_batch_and_acked_in_batches(
    settings: Settings,
) -> None:
    from govreports_cli.infra import apply_s3_events

    sqs = sqs_client(settings)
    store = S3ObjectStore.from_settings(settings)
    queue_url = apply_s3_events(store.client, sqs, settings.bucket, f"{settings.bucket}-burst")
    sqs.send_message(QueueUrl=queue_url, MessageBody='{"Event": "s3:TestEvent"}')
    refs = [store.put(f"raw/burst/{i:02d}.txt", f"report {i}".encode()) for i in range(25)]
    source = SqsSource(sqs, queue_url, settings.bucket, settings.raw_prefix, max_arrivals=20)

    first = source.receive(wait_seconds=0)  # 10 messages a request: more than one request
    source.ack(first)
    rest = source.receive(wait_seconds=0)
    source.ack(rest)

    assert len(first) == 20  # stopped at the watcher's batch, the rest stays queued
    got = {(a.ref.key, a.ref.etag) for a in first + rest}
    assert got == {(r.key, r.etag) for r in refs}
    # Acked (and the test event deleted unseen): nothing comes back.
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }


def test_poll_cursor_is_durable(settings: Settings) -> None:
    store = S3ObjectStore.from_settings(settings)
    store.put("raw/a.txt", b"a")
    first = PollSource(store, "raw/", "state/cursor.json")
    arrivals = first.receive(0)
    first.ack(arrivals)
    store.put("raw/b.txt", b"b")
    store.put("raw/a.txt", b"a, corrected")

    restarted = PollSource(store, "raw/", "state/cursor.json")

    assert sorted(a.ref.key for a in restarted.receive(0)) == ["raw/a.txt", "raw/b.txt"]


def test_poll_pace_backs_off_while_listings_find_nothing_new(settings: Settings) -> None:
    """While the pipeline works through a burst, relisting a big prefix finds nothing: the
    source asks for longer pauses (up to QUIET_DUTY x a listing), and goes back to LIST_DUTY
    as soon as a listing returns a version the last one did not."""
    store = S3ObjectStore.from_settings(settings)
    store.put("raw/a.txt", b"a")
    source = PollSource(store, "raw/", "state/cursor.json")
    duties = []
    for _ in range(4):
        source.receive(0)  # raw/a.txt is pending (not acked): returned every time
        duties.append(source.duty)
    store.put("raw/b.txt", b"b")
    source.receive(0)
    duties.append(source.duty)
    store.put("raw/a.txt", b"a, corrected")  # a new version of a listed key is new too
    source.receive(0)
    source.receive(0)
    duties.append(source.duty)
    assert duties == [4.0, 8.0, 16.0, 19.0, 4.0, 8.0]
    assert source.pace > 0
