"""A canary password must be found nowhere after a scripted session (issue "security", 4).

The password is set through ``csu-wall credentials set`` on standard input, then a wall opens
tiles of that recorder against a real RTSP server requiring it; afterwards the canary and its
URL-encoded forms are searched in every file of the data directory (logs and the SQLite
database included) and in the command lines of child processes sampled while it ran.
Widget texts are covered by tests/gui/test_credentials_gui.py (the GUI entry of the same
password, then every widget text searched).
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

from csu_wall.core.frames import TileState
from csu_wall.services.logs import setup_logging
from csu_wall.storage import site_key
from csu_wall.storage.db import Database
from tests.keyring_env import cli, needs_secret_service
from tests.services._security_site import habilitation, make_wall, store_site

CANARY = "Canari#42:@/x"
FORMS = {CANARY, quote(CANARY, safe=""), quote_plus(CANARY, safe=""), quote(CANARY),
         quote(CANARY, safe="").lower()}


def _children_cmdlines() -> list[bytes]:
    me = str(os.getpid())
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if stat.rsplit(")", 1)[1].split()[1] == me or pid == me:
                found.append(Path(f"/proc/{pid}/cmdline").read_bytes())
        except (OSError, IndexError):
            continue
    return found


@needs_secret_service
def test_canary_found_nowhere(tmp_path: Path, rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file"}}, auth=("viewer", CANARY))
    data = tmp_path / "data"
    db = Database.open(data / "csu-wall.sqlite3", create=True)
    site = store_site(db, server.port)
    db.close()
    env = dict(os.environ, PYTHONPATH=str(Path.cwd()))
    for args, stdin in ((("workstation", "enroll", "--new-site"), ""),
                        (("credentials", "set", "roncq-nvr"), CANARY + "\n")):
        done = subprocess.run(["timeout", "60", *cli("--data-dir", str(data), *args)],
                              input=stdin, capture_output=True, text=True, env=env, timeout=70,
                              check=False)
        assert done.returncode == 0, done.stderr
        assert not any(f in done.stdout + done.stderr for f in FORMS)
    setup_logging(data / "logs", verbose=True)
    db = Database.open(data / "csu-wall.sqlite3")
    key = site_key.load_site_key(db)
    wall, _ = make_wall(db, site, [habilitation("roncq")], key, tmp_path)
    samples: list[bytes] = []
    try:
        tiles = [wall.open_camera(f"t{i}", "roncq-001", (320, 180)) for i in range(2)]
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(t.state is TileState.LIVE for t in tiles):
            samples += _children_cmdlines()
            time.sleep(0.05)
        assert all(t.state is TileState.LIVE for t in tiles)
        samples += _children_cmdlines()
        logging.getLogger("csu_wall.test").info("session with %d tiles", len(tiles))
    finally:
        wall.shutdown()
        db.close()
        for handler in logging.getLogger().handlers:
            handler.flush()
    checked = 0
    for path in list(data.rglob("*")) + list((tmp_path / "cache").rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            checked += 1
            for form in FORMS:
                assert form.encode() not in content, f"canary in {path}"
    assert checked >= 2  # at least the database and the log
    for cmdline in samples:
        assert not any(f.encode() in cmdline for f in FORMS)
