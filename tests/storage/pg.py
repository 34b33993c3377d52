"""PostgreSQL fixtures: the Debian cluster started by packaging/postgres.sh, and private clusters.

- ``pg_server`` (session): runs packaging/postgres.sh once with a role of its own (random name
  and password passed through the environment), yields the role's URL; drops the role at the
  end. Skips, saying why, when PostgreSQL is not installed.
- ``pg_url`` (test): a fresh database on that server, dropped after the test.
- ``PrivatePostgres``: a cluster of its own (initdb in a temporary directory, a free port, run as
  the postgres user under ``timeout``) that a test may stop and start again;
  ``private_postgres()`` starts one for a fixture of any scope (the ``private_pg`` fixture,
  module fixtures wanting an empty database: ``server.create_database("csu")``).

Register with ``pytest_plugins = ["tests.storage.pg"]``.
"""

from __future__ import annotations

import glob
import os
import secrets
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
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "postgres.sh"


def pg_bin() -> Path | None:
    """The newest PostgreSQL server binaries directory, or None when not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return Path(found[-1]).parent if found else None


def skip_reason() -> str | None:
    if pg_bin() is None:
        return "PostgreSQL n'est pas installé (paquet Debian postgresql) : tests PostgreSQL sautés"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "les tests PostgreSQL démarrent le serveur : ils doivent tourner en root"
    return None


def _admin_sql(port: int, sql: str, *, host: str | None = None) -> None:
    """Run ``sql`` as the postgres superuser (peer authentication, SQL on stdin)."""
    cmd = ["timeout", "30", "runuser", "-u", "postgres", "--", "psql", "-p", str(port),
           "-v", "ON_ERROR_STOP=1", "-Atq"]
    if host is not None:
        cmd += ["-h", host]
    subprocess.run(cmd, input=sql, text=True, check=True, capture_output=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    role = f"csu_t{secrets.token_hex(4)}"
    env = dict(os.environ, CSU_PG_ROLE=role, CSU_PG_PASSWORD=secrets.token_urlsafe(18))
    done = subprocess.run(["timeout", "120", "bash", str(SCRIPT)], env=env, text=True,
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"packaging/postgres.sh failed ({done.returncode}): {done.stderr[-500:]}")
    url = done.stdout.strip().splitlines()[-1]
    yield url
    port = make_url(url).port or 5432
    # The role's databases were dropped by each test; anything left goes with the role.
    _admin_sql(port, f"DROP OWNED BY {role}; DROP ROLE IF EXISTS {role};")


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database for this test on the shared server; dropped afterwards."""
    import psycopg

    base = make_url(pg_server)
    name = f"csu_test_{secrets.token_hex(6)}"
    params = dict(host=base.host, port=base.port, user=base.username, password=base.password,
                  dbname="postgres", autocommit=True, connect_timeout=10)
    with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    # WITH (FORCE) cannot end an autovacuum worker (the superuser's) busy on the database
    # after a test that wrote a lot: wait for it to finish (a condition, bounded), then drop.
    deadline = time.monotonic() + 60
    with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
        while True:
            try:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.errors.InsufficientPrivilege:
                if time.monotonic() > deadline:
                    raise
                conn.execute("SELECT pg_sleep(0.2)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivatePostgres:
    """A PostgreSQL cluster only this test uses: it may be stopped and started at will."""

    def __init__(self, *, timeout_s: int = 300, fsync: bool = True) -> None:
        binaries = pg_bin()
        assert binaries is not None
        self._bin = binaries
        self._timeout = timeout_s
        self._fsync = fsync  # off for tests that never crash the server: faster
        # Under /tmp, not pytest's root-only tmp_path: the postgres user must reach it.
        self.dir = Path(tempfile.mkdtemp(prefix="csu-pg-", dir="/tmp"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        self._proc: subprocess.Popen[bytes] | None = None
        pwfile = self.dir / "pw"  # read once by initdb, deleted right after
        pwfile.write_text(self.password)
        shutil.chown(pwfile, "postgres", "postgres")
        os.chmod(pwfile, 0o600)
        try:
            subprocess.run(
                ["timeout", "120", "runuser", "-u", "postgres", "--", str(self._bin / "initdb"),
                 "-D", str(self.data), "-U", "postgres", "-A", "scram-sha-256",
                 "--auth-local=peer", f"--pwfile={pwfile}", "--no-sync"],
                check=True, capture_output=True)
        finally:
            pwfile.unlink(missing_ok=True)

    @property
    def url(self) -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        assert self._proc is None
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 - owned by the process
        self._proc = subprocess.Popen(
            ["timeout", str(self._timeout), "runuser", "-u", "postgres", "--",
             str(self._bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
             "-k", str(self.dir), "-c", "listen_addresses=127.0.0.1",
             "-c", f"fsync={'on' if self._fsync else 'off'}"],
            stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"private PostgreSQL exited: see {self.dir}/server.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    pass
                if self._ready():
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("private PostgreSQL did not start within 60 s")

    def create_database(self, name: str) -> str:
        """An empty database ``name`` (owned by postgres); its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def _ready(self) -> bool:
        done = subprocess.run(["timeout", "10", str(self._bin / "pg_isready"), "-h",
                               "127.0.0.1", "-p", str(self.port)], capture_output=True)
        return done.returncode == 0

    def stop(self) -> None:
        """Fast shutdown (SIGINT: clients are disconnected, committed data is on disk)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGINT)  # timeout forwards it to runuser, which forwards it
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def private_postgres(*, fsync: bool = True) -> Iterator[PrivatePostgres]:
    """A started private cluster, closed (stopped, removed) on exit; skips, saying why, when
    PostgreSQL cannot run here."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    pytest.importorskip("psycopg")
    server = PrivatePostgres(fsync=fsync)
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    with private_postgres() as server:
        yield server
