"""The recorder-call executor and its coroutines: results come back on the awaiting loop's
thread, the recorder's timeout abandons a call (French message), cancelling abandons it too
(a queued call never runs), the executor never runs more than its bound and keeps no idle
thread. Real threads and a real asyncio loop; the "recorder" is a blocking function."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from csu_wall.core.errors import RecorderUnreachable
from csu_wall.services.recorder_calls import (
    DEFAULT_TIMEOUT_S,
    BoundedExecutor,
    recorder_call,
    recorder_timeout,
    run_blocking,
)

pytestmark = pytest.mark.timeout(30)


@pytest.fixture()
def pool() -> Iterator[BoundedExecutor]:
    executor = BoundedExecutor(2, idle_s=0.2, name="test-recorder-call")
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def test_result_comes_back_on_the_awaiting_loop_thread(pool: BoundedExecutor) -> None:
    ran_on: list[str] = []

    def call(x: int) -> int:
        ran_on.append(threading.current_thread().name)
        return x * 2

    async def main() -> tuple[int, str]:
        value = await run_blocking(call, 21, timeout=5, pool=pool)
        return value, threading.current_thread().name

    value, resumed_on = asyncio.run(main())
    assert value == 42
    assert ran_on[0].startswith("test-recorder-call")
    assert resumed_on == threading.current_thread().name  # the loop's thread, not the worker's


def test_timeout_abandons_the_call_with_a_french_message(pool: BoundedExecutor) -> None:
    release = threading.Event()

    async def main() -> float:
        started = time.monotonic()
        with pytest.raises(RecorderUnreachable) as caught:
            await run_blocking(release.wait, 10, timeout=0.3, recorder_id="nvr-7", pool=pool)
        assert "nvr-7" in str(caught.value) and "n'a pas répondu dans le délai" in str(
            caught.value)
        return time.monotonic() - started

    took = asyncio.run(main())
    assert 0.25 <= took < 1.5  # the recorder's timeout, not the call's 10 s
    assert pool.busy == 1  # the abandoned call still runs in its worker, its result dropped
    release.set()


def test_an_error_of_the_call_reaches_the_caller_as_it_is(pool: BoundedExecutor) -> None:
    def call() -> None:
        raise TimeoutError("timed out")  # what a socket timeout raises: not ours

    async def main() -> None:
        await run_blocking(call, timeout=5, pool=pool)

    with pytest.raises(TimeoutError) as caught:
        asyncio.run(main())
    assert not isinstance(caught.value, RecorderUnreachable)


def test_cancel_abandons_running_and_queued_calls(pool: BoundedExecutor) -> None:
    release = threading.Event()
    ran: list[str] = []

    def blocking(name: str) -> str:
        ran.append(name)
        release.wait(10)
        return name

    async def main() -> None:
        tasks = [asyncio.create_task(run_blocking(blocking, n, timeout=10, pool=pool))
                 for n in ("a", "b", "queued")]
        deadline = time.monotonic() + 5
        while len(ran) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert sorted(ran) == ["a", "b"]  # bounded: the third waits for a worker
        started = time.monotonic()
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert time.monotonic() - started < 0.5  # cancelling does not wait for the recorder
        assert all(isinstance(r, asyncio.CancelledError) for r in results)

    asyncio.run(main())
    release.set()
    deadline = time.monotonic() + 5
    while pool.busy and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert "queued" not in ran  # abandoned before it started: never ran


def test_never_more_workers_than_the_bound_and_none_kept_idle(pool: BoundedExecutor) -> None:
    lock = threading.Lock()
    running = [0, 0]  # now, most

    def call() -> None:
        with lock:
            running[0] += 1
            running[1] = max(running[1], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    futures = [pool.submit(call) for _ in range(8)]
    for f in futures:
        f.result(5)
    assert running[1] == 2
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and any(
            t.name.startswith("test-recorder-call") for t in threading.enumerate()):
        time.sleep(0.02)
    assert not [t for t in threading.enumerate() if t.name.startswith("test-recorder-call")]
    assert pool.submit(lambda: 5).result(5) == 5  # a new worker starts when work comes


def test_recorder_call_uses_the_recorders_own_timeout(pool: BoundedExecutor) -> None:
    driver = SimpleNamespace(recorder=SimpleNamespace(id="onvif-1"), timeout=0.3)
    release = threading.Event()

    async def main() -> None:
        with pytest.raises(RecorderUnreachable, match="onvif-1"):
            await recorder_call(driver, release.wait, 10, pool=pool)

    started = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - started < 1.5
    release.set()


def test_recorder_timeout_is_the_drivers_or_its_http_clients() -> None:
    assert recorder_timeout(SimpleNamespace(timeout=8.0)) == 8.0
    assert recorder_timeout(SimpleNamespace(http=SimpleNamespace(timeout=5))) == 5.0
    assert recorder_timeout(object()) == DEFAULT_TIMEOUT_S
