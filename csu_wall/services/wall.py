"""The wall use case: which camera plays in which tile, always through the access gate."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from csu_wall.core.errors import AccessDenied
from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamKind
from csu_wall.core.ports import RecorderDriver
from csu_wall.core.security import Operator
from csu_wall.media.engine import MediaEngine, TileStream
from csu_wall.media.quality import initial_kind
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
        # The engine's quality switcher and overload ladder ask for main/sub switches here,
        # so every switch goes through the access gate like the first open.
        engine.stream_requests = self.set_tile_stream

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
        stream: StreamKind | None = None,
    ) -> TileStream:
        """Check, audit, then open. Raises AccessDenied (already audited) with no connection.
        Without ``stream``, the tile's size chooses (main only when clearly taller than the
        sub stream); the engine's quality switcher takes over from there."""
        camera = self.site.camera(camera_id)
        self.close_tile(tile_id)
        self.access.authorise_live(camera)
        sub_height = camera.profile(StreamKind.SUB).height
        if stream is None:
            stream = initial_kind(size[1], sub_height)
        driver = self._driver(camera.recorder_id)
        source = driver.live_source(camera, stream)
        handle = self.engine.open(tile_id, source, size=size, masks=camera.masks)
        handle.sub_height = sub_height
        with self._lock:
            self._tiles[tile_id] = camera
        return handle

    def set_tile_stream(self, tile_id: str, stream: StreamKind) -> TileStream:
        """Switch the tile's camera to its main or sub stream with no black frame: checked
        and audited again (a habilitation may have been revoked since), then the engine
        keeps the old stream on screen until the new one's first frame. Called by the
        engine's controller thread as well as by the GUI."""
        camera = self.camera_on(tile_id)
        if camera is None:
            raise KeyError(f"no camera on tile {tile_id}")
        self.access.authorise_live(camera)
        source = self._driver(camera.recorder_id).live_source(camera, stream)
        return self.engine.switch(tile_id, source, masks=camera.masks)

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

    def close_commune_tiles(self, commune_id: str, detail: str = "") -> list[str]:
        """Close every tile showing a camera of the commune (habilitation revoked or expired)
        and report each as DENIED for the generation it played, so the wall drops its last
        image and says "non habilité". Returns the tiles closed."""
        with self._lock:
            tiles = [t for t, cam in self._tiles.items() if cam.commune_id == commune_id]
        for tile_id in tiles:
            handle = self.engine.tile(tile_id)
            self.close_tile(tile_id)
            if handle is not None:
                self.state_events(tile_id, handle.generation, TileState.DENIED, detail)
        return tiles

    def detach_commune(self, commune_id: str) -> list[str]:
        """The commune left the convention: it leaves the tree, the gate refuses it from now
        on, and its open tiles close. Returns the tiles closed."""
        self._set_attached(commune_id, False)
        return self.close_commune_tiles(commune_id, "commune détachée")

    def attach_commune(self, commune_id: str) -> None:
        """The commune is attached again: it comes back in the tree and may be viewed."""
        self._set_attached(commune_id, True)

    def _set_attached(self, commune_id: str, attached: bool) -> None:
        with self._lock:
            communes = tuple(
                replace(c, attached=attached) if c.id == commune_id else c
                for c in self.site.communes)
            self.site = replace(self.site, communes=communes)
            site = self.site
        self.access.replace_site(site)

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
                recorder = self.site.recorder(recorder_id)
                driver = self._drivers(recorder)
                self._driver_cache[recorder_id] = driver
                # NVRs limit concurrent sessions: the engine holds extra tiles in a queue.
                self.engine.set_recorder_cap(recorder_id, recorder.session_cap)
            return driver


__all__ = ["AccessDenied", "WallService"]
