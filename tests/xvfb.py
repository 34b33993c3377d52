"""A real X server for tests where pixels of a real window matter (Xvfb, Debian package)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest


@pytest.fixture()
def xvfb_display() -> Iterator[str]:
    """Starts ``Xvfb`` on a free display number (``-displayfd``) and yields ``:N``."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb absent (Debian package xvfb; packaging/run-tests.sh installs it)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["timeout", "300", "Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            pytest.fail("Xvfb did not report a display number")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
