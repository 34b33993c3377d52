"""The operator's day as tests through the real window (real widgets offscreen, the loopback
RTSP server, real recorders' protocols on loopback)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

from tests.gui._async_loop import qasync_loop  # noqa: E402,F401 - the fixture
