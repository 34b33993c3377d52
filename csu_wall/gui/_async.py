"""Coroutines started from widgets, on the Qt event loop run as the asyncio loop (qasync).

The runner (``run_gui``) runs Qt's loop through qasync, so a slot may start a coroutine that
awaits a recorder call (``csu_wall.services.recorder_calls``) and carries on, on the GUI
thread, once the answer is there. A failure nobody handled is logged, never lost silently.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def spawn(coro: Coroutine[Any, Any, T], name: str | None = None) -> asyncio.Task[T]:
    """Run ``coro`` on the GUI's event loop; returns its task (``cancel()`` abandons it).
    Raises RuntimeError when no asyncio loop runs Qt (the GUI was not started by
    ``run_gui``, or a test did not ask for its qasync loop)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        coro.close()
        raise RuntimeError("no asyncio loop runs on the Qt event loop (qasync)") from None
    task = loop.create_task(coro, name=name)
    task.add_done_callback(_report)
    return task


def _report(task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("background task %s failed", task.get_name(), exc_info=exc)
