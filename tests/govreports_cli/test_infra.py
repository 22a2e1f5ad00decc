"""The infra templates deployed against the local emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest

from govreports_cli.infra import apply_s3_events
from tasks.sources import SqsSource
from tasks.store import S3ObjectStore

if TYPE_CHECKING:
    from govreports.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.s3
def test_event_wiring_delivers_uploads_and_has_a_dead_letter_queue(settings: Settings) -> None:
    assert settings.aws_access_key_id and settings.aws_secret_access_key
    sqs = boto3.client(
        "sqs",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.aws_access_key_id.get_secret_value(),
        aws_secret_access_key=settings.aws_secret_access_key.get_secret_value(),
    )
    store = S3ObjectStore.from_settings(settings)
    url = apply_s3_events(store.client, sqs, settings.bucket, f"{settings.bucket}-uploads")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    ref = store.put("raw/report.txt", b"x")

    arrivals = SqsSource(sqs, url, settings.bucket, "raw/").receive(wait_seconds=1)

    assert json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"].endswith("-uploads-dlq")
    assert [(a.ref.key, a.ref.etag) for a in arrivals] == [("raw/report.txt", ref.etag)]


def test_iam_policy_grants_raw_read_only() -> None:
    policy = json.loads((ROOT / "infra" / "iam-policy.json").read_text(encoding="utf-8"))

    def resources(s: dict[str, object]) -> list[str]:
        r = s["Resource"]
        return [r] if isinstance(r, str) else list(r)  # type: ignore[arg-type]

    on_raw = [s for s in policy["Statement"] if any(r.endswith("/raw/*") for r in resources(s))]
    assert [s["Action"] for s in on_raw] == ["s3:GetObject"]
