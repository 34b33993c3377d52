"""Recorded video on a wall tile: from live to a chosen UTC time and back.

Every start and every jump asks the access gate (``AuditAction.PLAYBACK``, audited) before the
driver is asked for a source. RTSP playback sources are read by our own RTSP client
(``SourceKind.RTSP_REPLAY``) so that pause (RTSP PAUSE), frame step and speed (``Scale:``)
act on the running session; other sources (demo files) only pause. Times are aware UTC.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from csu_wall.core.audit import AuditAction
from csu_wall.core.errors import RecorderError
from csu_wall.core.feed import TileFeed
from csu_wall.core.model import Camera
from csu_wall.core.ports import Clock, RecorderDriver, SourceKind, StreamSource, SystemClock
from csu_wall.core.replay import ReplayControl
from csu_wall.services.recorder_calls import recorder_call
from csu_wall.services.wall import WallService

log = logging.getLogger(__name__)

SPEEDS = (1.0, 2.0, 4.0)
REVERSE_SPEEDS = (-1.0, -2.0)  # backwards, where the recorder can (ONVIF reverse replay)
CLOCK_WARNING_S = 2.0  # a recorder clock further off than this is shown to the operator
MSG_NO_CAMERA = "Aucune caméra sur cette vignette : ouvrez d'abord une caméra."
MSG_FUTURE = "Cette heure n'est pas encore enregistrée : choisissez un moment passé."
MSG_TILE_CHANGED = ("La vignette a changé de caméra pendant la recherche de l'enregistrement : "
                    "relecture abandonnée.")
MSG_SPEED = ("Vitesse non prise en charge : choisissez ×1, ×2 ou ×4, ou la lecture arrière "
             "×1 ou ×2.")
MSG_NO_REVERSE = "L'enregistreur ne permet pas la lecture arrière."
MSG_CLOCK = ("L'horloge de l'enregistreur {rid} a {s:+.0f} s d'écart avec celle du poste : "
             "les heures affichées en relecture peuvent être décalées d'autant. Signalez-le au "
             "service informatique.")

DriverLookup = Callable[[str], RecorderDriver]


@dataclass(frozen=True)
class PlaybackState:
    tile_id: str
    camera_id: str
    requested_utc: datetime  # the last time asked (start or jump)
    shown_utc: datetime  # the time of the image on screen (approximately: within one GOP)
    paused: bool
    speed: float
    clock_offset: float | None  # recorder clock minus ours, seconds
    steppable: bool  # frame step and speed work (our RTSP client reads the source)
    # What the recorder says it holds around the asked time (UTC [start, end) spans; empty:
    # it cannot say), for the timeline.
    recorded: tuple[tuple[datetime, datetime], ...] = ()

    @property
    def clock_warning(self) -> bool:
        return self.clock_offset is not None and abs(self.clock_offset) > CLOCK_WARNING_S


@dataclass
class _Play:
    camera: Camera
    requested: datetime
    speed: float
    paused: bool
    control: ReplayControl | None
    started_at: float  # monotonic, for sources without a control
    paused_at: datetime | None
    offset: float | None
    recorded: tuple[tuple[datetime, datetime], ...] = ()


class PlaybackService:
    def __init__(self, wall: WallService, drivers: DriverLookup | None = None, *,
                 clock: Clock | None = None) -> None:
        self.wall = wall
        self._drivers: DriverLookup = drivers or wall.driver
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._plays: dict[str, _Play] = {}

    # -- queries --------------------------------------------------------------------------

    def is_playback(self, tile_id: str) -> bool:
        with self._lock:
            return tile_id in self._plays

    def state(self, tile_id: str) -> PlaybackState | None:
        with self._lock:
            play = self._plays.get(tile_id)
        if play is None:
            return None
        speed = self._speed(play)
        return PlaybackState(tile_id, play.camera.id, play.requested, self._shown(play),
                             self._paused(play), speed, play.offset, play.control is not None,
                             play.recorded)

    @staticmethod
    def _speed(play: _Play) -> float:
        """The reader may go back to ×1 by itself (a recorder refusing reverse play)."""
        return play.control.speed if play.control is not None else play.speed

    @staticmethod
    def _paused(play: _Play) -> bool:
        """The reader may pause by itself (a recorder refusing reverse play)."""
        return play.control.paused if play.control is not None else play.paused

    def clock_offset(self, tile_id: str) -> float | None:
        state = self.state(tile_id)
        return state.clock_offset if state else None

    def _shown(self, play: _Play) -> datetime:
        if play.control is not None:
            return play.control.shown or play.requested
        if play.paused_at is not None:
            return play.paused_at
        elapsed = (self.clock.monotonic() - play.started_at) * play.speed
        return play.requested + timedelta(seconds=elapsed)

    # -- commands -------------------------------------------------------------------------

    async def start(self, tile_id: str, start_utc: datetime, speed: float = 1.0, *,
                    paused: bool = False) -> PlaybackState:
        """Switch the tile's camera to its recording at ``start_utc`` (checked, audited).

        A coroutine of the caller's loop (the GUI's, through qasync): the recorder is asked
        for its source and clock on the recorder executor, within the recorder's own timeout
        (RecorderUnreachable, French, past it). Cancelling abandons the request and leaves the
        tile as it was; so does a tile given another camera meanwhile (KeyError, French)."""
        camera = self.wall.camera_on(tile_id)
        if camera is None:
            raise KeyError(MSG_NO_CAMERA)
        if speed not in SPEEDS + REVERSE_SPEEDS:
            raise ValueError(MSG_SPEED)
        start_utc = start_utc.astimezone(timezone.utc)
        if start_utc > self.clock.now_utc():
            raise ValueError(MSG_FUTURE)
        self.wall.access.authorise(camera, AuditAction.PLAYBACK)
        driver = self._drivers(camera.recorder_id)
        offset, source = await self._fetch(driver, camera, start_utc, speed)
        if self.wall.camera_on(tile_id) != camera:
            raise KeyError(MSG_TILE_CHANGED)
        control: ReplayControl | None = None
        if speed < 0 and source.kind not in (SourceKind.RTSP, SourceKind.RTSP_REPLAY):
            raise ValueError(MSG_NO_REVERSE)
        if source.kind in (SourceKind.RTSP, SourceKind.RTSP_REPLAY):
            control = ReplayControl(start_utc, speed)
            if paused:
                control.step(1)  # one image, then still
            source = replace(source, kind=SourceKind.RTSP_REPLAY, replay=control)
        with self._lock:
            self._plays.pop(tile_id, None)
        handle = self._open(tile_id, camera, source)
        if paused and control is None:
            handle.set_paused(True)
        self.wall.hold(tile_id, paused)
        play = _Play(camera, start_utc, speed, paused, control, self.clock.monotonic(),
                     start_utc if paused and control is None else None, offset,
                     source.recorded)
        with self._lock:
            self._plays[tile_id] = play
        log.info("tile %s: playback of %s from %s (x%g)", tile_id, camera.id,
                 start_utc.isoformat(), speed)
        return self.state(tile_id)  # type: ignore[return-value]

    async def jump(self, tile_id: str, seconds: float) -> PlaybackState:
        """From the time shown, ``seconds`` later (negative: earlier); keeps pause and speed."""
        play = self._play(tile_id)
        target = self._shown(play) + timedelta(seconds=seconds)
        return await self.start(tile_id, min(target, self.clock.now_utc()), self._speed(play),
                                paused=self._paused(play))

    async def seek(self, tile_id: str, when_utc: datetime) -> PlaybackState:
        play = self._play(tile_id)
        return await self.start(tile_id, when_utc, self._speed(play), paused=self._paused(play))

    def pause(self, tile_id: str) -> None:
        play = self._play(tile_id)
        if self._paused(play):
            return
        if play.control is not None:
            play.control.pause()
        else:
            play.paused_at = self._shown(play)
            self._handle(tile_id).set_paused(True)
        play.paused = True
        self.wall.hold(tile_id, True)

    def resume(self, tile_id: str) -> None:
        play = self._play(tile_id)
        if not self._paused(play):
            return
        if play.control is not None:
            play.control.resume()
        else:
            assert play.paused_at is not None
            play.requested, play.paused_at = play.paused_at, None
            play.started_at = self.clock.monotonic()
            self._handle(tile_id).set_paused(False)
        play.paused = False
        self.wall.hold(tile_id, False)

    def toggle_pause(self, tile_id: str) -> bool:
        """Pause or play; returns True when now paused."""
        if self._paused(self._play(tile_id)):
            self.resume(tile_id)
            return False
        self.pause(tile_id)
        return True

    def step(self, tile_id: str, frames: int = 1) -> bool:
        """Show the next frame and stay paused. False when the source cannot step."""
        play = self._play(tile_id)
        if play.control is None:
            self.pause(tile_id)
            return False
        play.control.step(frames)
        play.paused = True
        self.wall.hold(tile_id, True)
        return True

    async def set_speed(self, tile_id: str, speed: float) -> PlaybackState:
        """×1, ×2 or ×4, or backwards ×1, ×2 (from the image shown): our client asks the
        recorder again with ``Scale:``; other sources restart at the time shown (forward
        only)."""
        if speed not in SPEEDS + REVERSE_SPEEDS:
            raise ValueError(MSG_SPEED)
        play = self._play(tile_id)
        if speed < 0 and (play.control is None or play.control.reverse_refused):
            raise ValueError(MSG_NO_REVERSE)
        if play.control is not None:
            play.control.set_speed(speed)
            play.speed = speed
            return self.state(tile_id)  # type: ignore[return-value]
        return await self.start(tile_id, self._shown(play), speed, paused=play.paused)

    def back_to_live(self, tile_id: str) -> TileFeed:
        """The tile's camera live again (checked and audited as a live view), on the same
        feed: the tile shows the live picture as soon as its first frame is decoded."""
        with self._lock:
            play = self._plays.pop(tile_id, None)
        if play is None:
            raise KeyError(f"tile {tile_id} is not playing a recording")
        return self.wall.back_to_live(tile_id)

    def forget(self, tile_id: str) -> None:
        """The tile was closed or given another camera elsewhere."""
        with self._lock:
            self._plays.pop(tile_id, None)

    # -- internals ------------------------------------------------------------------------

    def _play(self, tile_id: str) -> _Play:
        with self._lock:
            play = self._plays.get(tile_id)
        if play is None:
            raise KeyError(f"tile {tile_id} is not playing a recording")
        return play

    def _handle(self, tile_id: str) -> TileFeed:
        return self.wall.feed(tile_id)

    def _open(self, tile_id: str, camera: Camera, source: StreamSource) -> TileFeed:
        return self.wall.play(tile_id, source)

    async def _fetch(self, driver: RecorderDriver, camera: Camera, start_utc: datetime,
                     speed: float) -> tuple[float | None, StreamSource]:
        """The recorder's clock offset and playback source, asked together on the recorder
        executor, each within the recorder's timeout."""
        offset = asyncio.ensure_future(recorder_call(driver, self._offset, driver))
        try:
            source = await recorder_call(driver, driver.playback_source, camera, start_utc,
                                         speed)
            try:
                return await offset, source
            except RecorderError:  # no clock in time: playback works without it
                return None, source
        finally:
            offset.cancel()

    @staticmethod
    def _offset(driver: RecorderDriver) -> float | None:
        try:
            return driver.clock_offset()
        except Exception as exc:  # playback works without it; the operator is not warned
            log.warning("recorder %s: clock offset unknown (%s)", driver.recorder.id,
                        type(exc).__name__)
            return None


def clock_message(recorder_id: str, offset: float) -> str:
    """The French warning shown when the recorder's clock is off by more than 2 s."""
    return MSG_CLOCK.format(rid=recorder_id, s=offset)
