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

    python -m govreports_cli.s3_server [-H 127.0.0.1] [-p 5000]
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


def signed_service(environ: dict[str, Any]) -> str | None:
    """The service a SigV4 request was signed for (``Credential=KEY/DATE/REGION/SERVICE/…``)."""
    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    _, found, rest = auth.partition("Credential=")
    if not found:
        return None
    scope = rest.split(",", 1)[0].split("/")
    # KEY/DATE/REGION/SERVICE/aws4_request
    return scope[3].lower() if len(scope) == 5 else None


def make_app() -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    dispatcher = DomainDispatcherApplication(create_backend_app)
    s3 = create_backend_app("s3")

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if signed_service(environ) == "s3" and not environ.get("PATH_INFO", "").startswith(
            "/moto-api"
        ):
            return s3(environ, start_response)
        return dispatcher(environ, start_response)  # type: ignore[no-any-return]

    return app


def main(argv: list[str] | None = None) -> None:
    from moto.moto_server.werkzeug_app import MotoRequestHandler
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
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
