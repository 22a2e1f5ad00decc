"""The embedded S3 server's routing: S3-signed requests to moto's S3 app, the rest to moto's
dispatcher (the server itself is used by every S3 test through ``start_s3``)."""

from __future__ import annotations

import pytest

from govreports_cli.s3_server import signed_service

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
