"""The wall use case: which camera plays in which tile, always through the access gate."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from csu_wall.core.errors import AccessDenied
from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamKind
from csu_wall.core.ports import RecorderDriver
from csu_wall.core.security import Operator
from csu_wall.media.engine import MediaEngine, TileStream
from csu_wall.services.access import AccessGate

log = logging.getLogger(__name__)

DriverFactory = Callable[[Recorder], RecorderDriver]
StateListener = Callable[[str, int, TileState, str], None]


class StateFanout:
    """The engine's ``on_state`` callback: forwards each tile state change (from any thread)
    to every registered listener — in the GUI, the one bridge to the GUI thread."""

    def __init__(self) -> None:
        self._listeners: list[StateListener] = []
        self._lock = threading.Lock()

    def add(self, listener: StateListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def remove(self, listener: StateListener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def __call__(self, tile_id: str, generation: int, state: TileState, detail: str) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(tile_id, generation, state, detail)
            except Exception:  # a listener must not kill the reader thread that reports
                log.exception("tile state listener failed")


class WallService:
    """Opens and closes camera views on tiles for one signed-in operator."""

    def __init__(
        self,
        site: Site,
        access: AccessGate,
        engine: MediaEngine,
        drivers: DriverFactory,
        *,
        demo: bool = False,
        state_events: StateFanout | None = None,
    ) -> None:
        self.site = site
        self.access = access
        self.engine = engine
        self.demo = demo
        self._drivers = drivers
        self._driver_cache: dict[str, RecorderDriver] = {}
        self._tiles: dict[str, Camera] = {}
        self._lock = threading.Lock()
        self.state_events = state_events or StateFanout()
        self._on_shutdown: list[Callable[[], None]] = []

    def add_state_listener(self, listener: StateListener) -> None:
        """Register a callable(tile_id, generation, state, detail) called from any thread."""
        self.state_events.add(listener)

    def on_shutdown(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after the engine stopped (e.g. close the database)."""
        self._on_shutdown.append(callback)

    @property
    def operator(self) -> Operator:
        return self.access.operator

    def visible_communes(self) -> list[Commune]:
        """Attached communes, in site order (non-habilitated ones show as such in the tree)."""
        return self.site.attached_communes()

    def cameras_of(self, commune_id: str) -> list[Camera]:
        return self.site.cameras_of(commune_id)

    def may_view(self, commune_id: str) -> bool:
        return self.access.may_view(commune_id)

    def open_camera(
        self,
        tile_id: str,
        camera_id: str,
        size: tuple[int, int],
        stream: StreamKind = StreamKind.SUB,
    ) -> TileStream:
        """Check, audit, then open. Raises AccessDenied (already audited) with no connection."""
        camera = self.site.camera(camera_id)
        self.close_tile(tile_id)
        self.access.authorise_live(camera)
        driver = self._driver(camera.recorder_id)
        source = driver.live_source(camera, stream)
        handle = self.engine.open(tile_id, source, size=size, masks=camera.masks)
        with self._lock:
            self._tiles[tile_id] = camera
        return handle

    def camera_on(self, tile_id: str) -> Camera | None:
        with self._lock:
            return self._tiles.get(tile_id)

    def close_tile(self, tile_id: str) -> None:
        with self._lock:
            camera = self._tiles.pop(tile_id, None)
        if camera is not None:
            self.engine.close(tile_id)
            try:
                self.access.record_end(camera)
            except Exception:  # the view is closed either way; the failure is logged
                log.exception("audit of the end of a live view failed")

    def shutdown(self) -> None:
        with self._lock:
            tiles = list(self._tiles)
        for tile_id in tiles:
            self.close_tile(tile_id)
        self.engine.shutdown()
        for callback in self._on_shutdown:
            try:
                callback()
            except Exception:
                log.exception("shutdown callback failed")
        self._on_shutdown.clear()

    def _driver(self, recorder_id: str) -> RecorderDriver:
        with self._lock:
            driver = self._driver_cache.get(recorder_id)
            if driver is None:
                driver = self._drivers(self.site.recorder(recorder_id))
                self._driver_cache[recorder_id] = driver
            return driver


__all__ = ["AccessDenied", "WallService"]
