"""Run inside a network namespace whose only interface is ``lo``: see test_loopback.py.

The cloud metadata address (169.254.169.254) is put on ``lo`` and answered by a recorder,
so any probe of it is counted instead of merely failing. The script starts a local S3
server, runs ``govreports audit`` on a fresh machine's settings (an endpoint, no AWS
credentials anywhere), again with credentials in the standard AWS variables, then a small
``govreports demo`` (which brings its own servers), and prints one JSON line:
exit codes, interfaces, and every request the metadata address received.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

METADATA = "169.254.169.254"


def record(hits: list[str]) -> None:
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((METADATA, 80))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        with conn:
            hits.append(conn.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace"))


def main() -> None:
    from govreports.settings import Settings
    from govreports_cli.runtime import LOCAL_KEY, LOCAL_SECRET, start_s3
    from tasks.store import S3ObjectStore

    hits: list[str] = []
    threading.Thread(target=record, args=(hits,), daemon=True).start()
    reports = Path(sys.argv[1])
    home = Path(tempfile.mkdtemp(prefix="loopback-"))
    # A fresh machine: no AWS variables, no ~/.aws, nothing but the endpoint.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GOVREPORTS_"))}
    env["HOME"] = str(home)
    s3 = start_s3(home)
    try:
        env["GOVREPORTS_S3_ENDPOINT_URL"] = s3.url
        cli = str(Path(sys.executable).parent / "govreports")
        bare = subprocess.run(
            [cli, "audit"], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        keys = {"AWS_ACCESS_KEY_ID": LOCAL_KEY, "AWS_SECRET_ACCESS_KEY": LOCAL_SECRET}
        settings = Settings(
            s3_endpoint_url=s3.url,
            aws_access_key_id=LOCAL_KEY,  # type: ignore[arg-type]
            aws_secret_access_key=LOCAL_SECRET,  # type: ignore[arg-type]
        )
        S3ObjectStore.from_settings(settings).ensure_bucket()
        audit = subprocess.run(
            [cli, "audit"],
            env={**env, **keys},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        demo = subprocess.run(
            [
                cli,
                "demo",
                "--reports",
                str(reports),
                "--out",
                str(home / "out"),
                "--timeout",
                "240",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=280,
            check=False,
        )
    finally:
        s3.stop()
    links = subprocess.run(
        ["ip", "-o", "link"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(
        json.dumps(
            {
                "interfaces": [line.split(":")[1].strip() for line in links.splitlines()],
                "audit_bare": [bare.returncode, bare.stdout[-2000:], bare.stderr[-2000:]],
                "audit": [audit.returncode, audit.stdout[-2000:], audit.stderr[-2000:]],
                "demo": [demo.returncode, demo.stdout[-2000:], demo.stderr[-3000:]],
                "metadata_requests": hits,
            }
        )
    )


if __name__ == "__main__":
    main()
