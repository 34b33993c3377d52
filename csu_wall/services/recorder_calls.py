"""Blocking recorder calls off the GUI thread: one bounded executor, and coroutines awaiting it.

Recorder drivers are synchronous (HTTP, SOAP), each request bounded by the recorder's own
timeout. The GUI never waits on them: a coroutine running on the GUI's event loop (qasync
under Qt) hands the call to this module's executor and awaits the result under the recorder's
timeout; the result or the error comes back on the loop, that is on the GUI thread.

Cancelling the coroutine (the operator's "Cancel", a tile closed) abandons the call: one not
started yet never runs; one already running ends by its own request timeout in its worker
thread and its result is dropped.

Widgets that have no coroutine to await (a snapshot waiting for the next decoded picture)
submit to the same executor and are told of the result through a queued Qt signal.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

from csu_wall.core.errors import RecorderUnreachable

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_TIMEOUT_S = 8.0  # a driver that does not say its own (the ONVIF driver's default)
MAX_WORKERS = 4  # recorder calls are I/O waits; more at once only means more abandoned ones
IDLE_S = 1.0  # a worker with nothing to do for this long ends (no thread kept for nothing)
THREAD_PREFIX = "csu-recorder-call"

MSG_TIMEOUT = ("L'enregistreur {rid} n'a pas répondu dans le délai ({s:.0f} s) : vérifiez "
               "qu'il est allumé et joignable, puis réessayez.")


class BoundedExecutor(Executor):
    """At most ``max_workers`` daemon threads, started when work arrives and ended after
    ``idle_s`` without any: a hung recorder never keeps the application from quitting, and
    an idle wall holds no thread for it."""

    def __init__(self, max_workers: int = MAX_WORKERS, *, idle_s: float = IDLE_S,
                 name: str = THREAD_PREFIX) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self.idle_s = idle_s
        self._name = name
        self._cond = threading.Condition()
        self._queue: collections.deque[tuple[Future[Any], Callable[[], Any]]]
        self._queue = collections.deque()
        self._workers = 0
        self._idle = 0
        self._started = 0
        self._closed = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._cond:
            if self._closed:
                raise RuntimeError("cannot submit a recorder call after shutdown")
            self._queue.append((future, functools.partial(fn, *args, **kwargs)))
            if self._idle >= len(self._queue):
                self._cond.notify()  # an idle worker takes it
            elif self._workers < self.max_workers:
                self._workers += 1
                self._started += 1
                threading.Thread(target=self._work, daemon=True,
                                 name=f"{self._name}-{self._started}").start()
        return future

    @property
    def busy(self) -> int:
        """Workers running a call now."""
        with self._cond:
            return self._workers - self._idle

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._cond:
            self._closed = True
            if cancel_futures:
                while self._queue:
                    self._queue.popleft()[0].cancel()
            self._cond.notify_all()
        if wait:
            with self._cond:
                self._cond.wait_for(lambda: self._workers == 0)

    def _work(self) -> None:
        while True:
            with self._cond:
                self._idle += 1
                self._cond.wait_for(lambda: self._queue or self._closed, self.idle_s)
                self._idle -= 1
                if not self._queue:  # idle for idle_s, or shut down
                    self._workers -= 1
                    self._cond.notify_all()
                    return
                future, call = self._queue.popleft()
            if future.set_running_or_notify_cancel():  # False: abandoned before it started
                try:
                    result = call()
                except BaseException as exc:  # handed to whoever awaits it
                    future.set_exception(exc)
                else:
                    future.set_result(result)
            del future, call


_EXECUTOR = BoundedExecutor()


def executor() -> BoundedExecutor:
    """The process's executor for blocking recorder calls (and snapshot waits)."""
    return _EXECUTOR


def recorder_timeout(driver: object) -> float:
    """The recorder's own timeout, in seconds: the driver's ``timeout``, or its HTTP
    client's, else :data:`DEFAULT_TIMEOUT_S`."""
    for holder in (driver, getattr(driver, "http", None)):
        value = getattr(holder, "timeout", None)
        if isinstance(value, int | float) and value > 0:
            return float(value)
    return DEFAULT_TIMEOUT_S


def timeout_error(recorder_id: str, seconds: float) -> RecorderUnreachable:
    return RecorderUnreachable(MSG_TIMEOUT.format(rid=recorder_id, s=seconds))


async def run_blocking(fn: Callable[..., T], *args: Any, timeout: float,
                       recorder_id: str = "?", pool: Executor | None = None) -> T:
    """``fn(*args)`` on the executor, awaited for at most ``timeout`` seconds (then
    RecorderUnreachable, French). Cancelling the awaiting task abandons the call."""
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(pool or _EXECUTOR, fn, *args)
    try:
        # Not wait_for: a socket timeout inside ``fn`` is a TimeoutError too, and must reach
        # the caller as the driver translated it.
        done, _ = await asyncio.wait({future}, timeout=timeout)
    except asyncio.CancelledError:
        future.cancel()  # not started: never runs; running: its result is dropped
        raise
    if not done:
        future.cancel()
        log.warning("recorder %s: no answer within %.1f s, call abandoned", recorder_id,
                    timeout)
        raise timeout_error(recorder_id, timeout)
    return future.result()


async def recorder_call(driver: Any, fn: Callable[..., T], *args: Any,
                        pool: Executor | None = None) -> T:
    """A call of ``driver`` (e.g. ``driver.playback_source``) under the recorder's timeout."""
    rid = str(getattr(getattr(driver, "recorder", None), "id", "?"))
    return await run_blocking(fn, *args, timeout=recorder_timeout(driver), recorder_id=rid,
                              pool=pool)
