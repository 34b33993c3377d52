"""The qasync loop of a GUI test: the asyncio loop runs on the pytest-qt QApplication, as
``run_gui`` runs it in the application, so that coroutines started by widgets progress while
the test waits with ``qtbot.waitUntil`` (any Qt event loop spinning runs them)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication


@pytest.fixture()
def qasync_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop running on ``qapp`` for the test; tasks left are cancelled (and given a
    second to finish) at teardown, then the loop is closed."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    # Qt's loop runs whenever pytest-qt spins it: asyncio must see this loop as running.
    asyncio.events._set_running_loop(loop)
    try:
        yield loop
    finally:
        tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in tasks:
            task.cancel()
        deadline = time.monotonic() + 1.0
        while any(not t.done() for t in tasks) and time.monotonic() < deadline:
            qapp.processEvents()
            time.sleep(0.005)
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)
        loop.close()
