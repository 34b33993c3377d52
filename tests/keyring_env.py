"""A real OS keyring for the security tests (PEERS: "Keyring on a headless machine").

packaging/run-tests.sh runs the suite inside ``dbus-run-session`` with an unlocked
gnome-keyring; without it (plain ``pytest``) these tests skip. A *second workstation* is a
command run under its own nested D-Bus session and gnome-keyring, with its own HOME, so its
keyring is another file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

needs_secret_service = pytest.mark.skipif(
    not os.environ.get("DBUS_SESSION_BUS_ADDRESS"),
    reason="no D-Bus session: run under packaging/run-tests.sh (dbus-run-session + "
           "gnome-keyring) to test against a real Secret Service")

_UNLOCK = ('mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"; '
           'printf other-workstation | gnome-keyring-daemon --unlock --components=secrets '
           '>/dev/null; exec "$@"')


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "csu_wall.app", *args]


def other_workstation(home: Path, argv: Sequence[str], *, stdin: str = "",
                      timeout: int = 90) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` as another workstation: its own D-Bus session and OS keyring."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_RUNTIME_DIR=str(home / "run"), PYTHONPATH=str(Path.cwd()))
    cmd = ["timeout", str(timeout), "dbus-run-session", "--", "bash", "-c", _UNLOCK, "bash",
           *argv]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env,
                          timeout=timeout + 10, check=False)
