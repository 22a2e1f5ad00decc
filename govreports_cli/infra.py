"""Apply ``infra/s3-events.json``: upload-event queue, dead-letter queue, bucket notification.

The same template serves AWS and the local emulator; tests deploy it against moto.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[1] / "infra" / "s3-events.json"


def _fill(value: Any, names: dict[str, str]) -> Any:
    text = json.dumps(value)
    for k, v in names.items():
        text = text.replace("${" + k + "}", v)
    return json.loads(text)


def apply_s3_events(s3: Any, sqs: Any, bucket: str, queue_name: str) -> str:
    """Create (or update) the queues and the notification; return the queue URL for the watcher."""
    spec = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    names = {"Bucket": bucket, "QueueName": queue_name}
    dlq = _fill(spec["dead_letter_queue"], names)
    dlq_url = sqs.create_queue(QueueName=dlq["name"], Attributes=dlq["attributes"])["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue = _fill(spec["queue"], names)
    url = sqs.create_queue(QueueName=queue["name"], Attributes=queue["attributes"])["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    policy = _fill(queue["policy"], {**names, "QueueArn": arn})
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(queue["max_receive_count"])}
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={"Policy": json.dumps(policy), "RedrivePolicy": json.dumps(redrive)},
    )
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn, **spec["notification"]}]
        },
    )
    return str(url)
