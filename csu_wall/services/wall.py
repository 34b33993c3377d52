"""The wall use case: which camera plays in which tile, always through the access gate."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from csu_wall.core.errors import AccessDenied
from csu_wall.core.feed import TileFeed
from csu_wall.core.frames import TileState
from csu_wall.core.model import Camera, Commune, Recorder, Site, StreamKind
from csu_wall.core.ports import RecorderDriver, StreamSource
from csu_wall.core.security import Operator
from csu_wall.media.engine import MediaEngine
from csu_wall.services.access import AccessGate
from csu_wall.services.on_screen import OnScreenLedger

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


class _LiveChoice:
    """The camera's streams for the engine's quality switcher and ladder: each other stream
    asked inside the access already recorded is confirmed by the gate (still habilitated) but
    writes no new access record."""

    def __init__(self, wall: WallService, camera: Camera) -> None:
        self._wall = wall
        self._camera = camera

    def source_for(self, kind: StreamKind) -> StreamSource:
        self._wall.access.confirm(self._camera)
        return self._wall.driver(self._camera.recorder_id).live_source(self._camera, kind)


class WallService:
    """Opens and closes camera views on tiles for one signed-in operator. Every request on a
    tile — live, recorded video, maximise, quality — goes through here to the tile's one feed
    (csu_wall/core/feed.py), and the on-screen intervals are kept here."""

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
        self.on_screen = OnScreenLedger(access.record_on_screen)
        self._on_shutdown: list[Callable[[], None]] = []

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

    def feed(self, tile_id: str) -> TileFeed:
        """The tile's feed (the same object for the tile's whole life)."""
        return self.engine.feed(tile_id)

    def open_camera(
        self,
        tile_id: str,
        camera_id: str,
        size: tuple[int, int],
    ) -> TileFeed:
        """Check, audit, then open. Raises AccessDenied (already audited) with no connection.
        The engine chooses the stream (main only when the tile is clearly taller than the
        sub stream, or maximised) and its quality switcher takes over from there."""
        camera = self.site.camera(camera_id)
        self.close_tile(tile_id)
        self.access.authorise_live(camera)
        feed = self.engine.open_live(
            tile_id, _LiveChoice(self, camera), size=size,
            sub_height=camera.profile(StreamKind.SUB).height, masks=camera.masks)
        with self._lock:
            self._tiles[tile_id] = camera
        return feed

    def play(self, tile_id: str, source: StreamSource) -> TileFeed:
        """Recorded video (a source the playback service got, after the gate recorded the
        access) on the tile's feed, in place of what it showed: same camera, same feed, the
        zoom kept. The on-screen interval goes on (the same camera stays on screen)."""
        camera = self.camera_on(tile_id)
        if camera is None or camera.id != source.camera_id:
            raise KeyError(f"tile {tile_id} does not show camera {source.camera_id}")
        feed = self.engine.feed(tile_id)
        return self.engine.open(tile_id, source, size=feed.size, masks=camera.masks,
                                keep_view=True)

    def back_to_live(self, tile_id: str) -> TileFeed:
        """The tile's camera live again, as a new live access (checked and recorded)."""
        camera = self.camera_on(tile_id)
        if camera is None:
            raise KeyError(f"no camera on tile {tile_id}")
        self.access.authorise_live(camera)
        feed = self.engine.feed(tile_id)
        return self.engine.open_live(
            tile_id, _LiveChoice(self, camera), size=feed.size,
            sub_height=camera.profile(StreamKind.SUB).height, masks=camera.masks)

    def hold(self, tile_id: str, held: bool) -> None:
        """A recording paused or stepped by the operator: the tile says "paused" (not
        "stream frozen") until it plays again."""
        self.engine.hold(tile_id, held)

    def set_fill(self, tile_ids: list[str], fill: bool) -> None:
        """The layout's picture choice on its tiles: aspect ratio kept (letterbox, the
        default) or the tile filled. Kept by each feed across the cameras it plays."""
        for tile_id in tile_ids:
            self.engine.feed(tile_id).set_fill(fill)

    def set_maximised(self, tile_id: str, maximised: bool) -> None:
        """The operator maximised (or restored) the tile: the engine's quality switcher
        gives it the main stream at once (and the ladder steps it down last)."""
        feed = self.engine.tile(tile_id)
        if feed is not None:
            feed.set_priority(maximised=maximised)

    def set_tile_stream(self, tile_id: str, stream: StreamKind) -> TileFeed:
        """An explicit main/sub request (no black frame: the old stream stays on screen until
        the new one's first frame). Inside the access already recorded: the gate confirms
        the habilitation, no new record."""
        camera = self.camera_on(tile_id)
        if camera is None:
            raise KeyError(f"no camera on tile {tile_id}")
        source = _LiveChoice(self, camera).source_for(stream)
        return self.engine.switch(tile_id, source)

    def camera_on(self, tile_id: str) -> Camera | None:
        with self._lock:
            return self._tiles.get(tile_id)

    # -- on-screen intervals (csu_wall/core/viewing.py) -------------------------------------

    def frame_shown(self, tile_id: str) -> None:
        """The GUI painted a frame of the tile's camera on a visible tile."""
        camera = self.camera_on(tile_id)
        if camera is not None:
            self.on_screen.shown(tile_id, camera)

    def left_screen(self, tile_id: str) -> None:
        """The tile is no longer visible to the operator (hidden, covered, background)."""
        self.on_screen.left(tile_id)

    def close_tile(self, tile_id: str, state: TileState = TileState.IDLE,
                   detail: str = "") -> None:
        with self._lock:
            camera = self._tiles.pop(tile_id, None)
        self.on_screen.left(tile_id)
        if camera is not None:
            self.engine.close(tile_id, state, detail)
            try:
                self.access.record_end(camera)
            except Exception:  # the view is closed either way; the failure is logged
                log.exception("audit of the end of a live view failed")

    def close_commune_tiles(self, commune_id: str, detail: str = "") -> list[str]:
        """Close every tile showing a camera of the commune (habilitation revoked or expired)
        and report each as DENIED, so the wall drops its last image and says "non habilité".
        Returns the tiles closed."""
        with self._lock:
            tiles = [t for t, cam in self._tiles.items() if cam.commune_id == commune_id]
        for tile_id in tiles:
            handle = self.engine.tile(tile_id)
            self.close_tile(tile_id, TileState.DENIED, detail)
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
        self.on_screen.shutdown()
        self.engine.shutdown()
        for callback in self._on_shutdown:
            try:
                callback()
            except Exception:
                log.exception("shutdown callback failed")
        self._on_shutdown.clear()

    def driver(self, recorder_id: str) -> RecorderDriver:
        """The recorder's driver (one per recorder, made on first use)."""
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
