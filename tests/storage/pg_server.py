"""A private PostgreSQL server for a test module (Debian's postgresql package, no network
beyond 127.0.0.1). Started under `timeout`, stopped by its process group id at teardown;
skipped where PostgreSQL or psycopg is not installed."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgresql_server() -> Iterator[str]:
    """Yield the URL of an empty database ``csu`` on a fresh server (user ``csu``, trust)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    psycopg = pytest.importorskip("psycopg")
    if not found:
        pytest.skip("PostgreSQL is not installed on this machine")
    bin_dir = Path(found[-1]).parent
    # Not under pytest's tmp dir: its 0700 parents are closed to the postgres account.
    root = Path(tempfile.mkdtemp(prefix="csu-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    proc: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            ["timeout", "120", *prefix, str(bin_dir / "initdb"), "-D", str(root / "data"),
             "-A", "trust", "-U", "csu", "-E", "UTF8", "--no-sync"],
            check=True, capture_output=True,
        )
        proc = subprocess.Popen(
            ["timeout", "600", *prefix, str(bin_dir / "postgres"), "-D", str(root / "data"),
             "-h", "127.0.0.1", "-p", str(port), "-k", str(root), "-c", "fsync=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=port, user="csu",
                                     dbname="postgres", autocommit=True,
                                     connect_timeout=2) as conn:
                    conn.execute("CREATE DATABASE csu")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        yield f"postgresql://csu@127.0.0.1:{port}/csu"
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)  # our own session: timeout, runuser, postgres
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
