"""ONVIF Profile S devices through onvif-zeep-async: device information, media profiles (the
largest of a video source is its main stream, the smallest its sub stream), stream and snapshot
URIs, and the device clock. Camera ``channel`` N is the N-th video source of the device.

The library is asynchronous; each call of this synchronous port runs its own event loop under
a deadline, in the thread that needs the answer — never the GUI's: a live source whose address
is not known yet carries a resolver that the media session's reader thread calls before it
connects (``StreamSource.resolve``), and playback is fetched on the recorder executor
(csu_wall.services.recorder_calls). URIs are cached per driver.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderError,
    RecorderUnreachable,
)
from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.core.ports import Channel, RecorderHealth, SourceKind, StreamSource
from csu_wall.recorders._base import (
    Credentials,
    Now,
    as_utc,
    credential_ref,
    health_of,
    utc_now,
)
from csu_wall.recorders.errors import unknown_channel
from csu_wall.recorders.http import RecorderHttp
from csu_wall.recorders.onvif_replay import OnvifReplay

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class OnvifProfile:
    token: str
    source: str
    width: int
    height: int


def strip_userinfo(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


class OnvifDriver:
    """RecorderDriver for ``driver = "onvif"`` devices: Profile S (onvif-zeep-async) for
    live, snapshots and the clock; Profile G replay through :class:`OnvifReplay`."""

    def __init__(self, recorder: Recorder, credentials: Credentials | None = None, *,
                 timeout: float = 8.0, now: Now = utc_now) -> None:
        self.recorder = recorder
        self._credentials = credentials
        self.timeout = timeout
        self._now = now
        self._lock = threading.Lock()
        self._uris: dict[tuple[int, StreamKind, str], str] = {}
        self._sources: list[list[OnvifProfile]] | None = None
        self._replay: OnvifReplay | None = None

    # -- plumbing -------------------------------------------------------------------------

    def _run(self, job: Callable[[Any], Awaitable[T]],
             stop: threading.Event | None = None) -> T:
        """``job`` against the device within the timeout; ``stop`` set abandons it."""
        from onvif import ONVIFCamera  # heavy (zeep, aiohttp): only when an ONVIF device is used

        rec = self.recorder
        cred = self._credentials(credential_ref(rec)) if self._credentials else None
        user, password = cred if cred is not None else ("", "")  # None crashes the library

        async def main() -> T:
            cam = ONVIFCamera(rec.host.strip("[]"), rec.http_port, user, password)
            try:
                await cam.update_xaddrs()
                return await job(cam)
            finally:
                await cam.close()

        async def bounded() -> T:
            if stop is None:
                return await asyncio.wait_for(main(), self.timeout)
            return await _until_stopped(main(), stop, self.timeout, rec.id)

        try:
            return asyncio.run(bounded())
        except RecorderError:
            raise
        except TimeoutError as exc:
            raise RecorderUnreachable(
                f"L'appareil ONVIF {rec.id} ne répond pas dans le délai : vérifiez qu'il est "
                "allumé et joignable, et son port HTTP dans le fichier de site.") from exc
        except Exception as exc:  # zeep, aiohttp and the library raise many kinds
            raise self._translate(exc) from None

    def _translate(self, exc: Exception) -> RecorderError:
        rid = self.recorder.id
        text = f"{type(exc).__name__}: {exc}".lower()
        log.warning("ONVIF device %s: %s", rid, type(exc).__name__)
        if any(w in text for w in ("401", "unauthori", "notauthorized", "not authorized",
                                   "sender not authorized", "authority failure")):
            return RecorderAuthError(
                f"L'appareil ONVIF {rid} refuse l'identifiant ou le mot de passe : faites "
                f"corriger ses identifiants (csu-wall credentials set {rid}).")
        if isinstance(exc, OSError) or any(w in text for w in ("connect", "refused", "timeout")):
            return RecorderUnreachable(
                f"L'appareil ONVIF {rid} est injoignable : vérifiez son adresse et son port "
                "HTTP, puis réessayez.")
        return RecorderBadAnswer(
            f"L'appareil ONVIF {rid} a donné une réponse inutilisable : vérifiez qu'il "
            "prend en charge le profil S.")

    async def _profiles(self, cam: Any) -> list[list[OnvifProfile]]:
        media = await cam.create_media_service()
        by_source: dict[str, list[OnvifProfile]] = {}
        for p in await media.GetProfiles():
            vsc = getattr(p, "VideoSourceConfiguration", None)
            enc = getattr(p, "VideoEncoderConfiguration", None)
            res = getattr(enc, "Resolution", None)
            source = str(getattr(vsc, "SourceToken", "") or "")
            prof = OnvifProfile(str(p.token), source, int(getattr(res, "Width", 0) or 0),
                                int(getattr(res, "Height", 0) or 0))
            by_source.setdefault(source, []).append(prof)
        return [sorted(v, key=lambda q: -(q.width * q.height)) for v in by_source.values()]

    def profiles(self, stop: threading.Event | None = None) -> list[list[OnvifProfile]]:
        """Profiles grouped by video source (in device order), largest first."""
        with self._lock:
            if self._sources is None:
                self._sources = self._run(self._profiles, stop)
            return self._sources

    def _profile(self, camera: Camera, stream: StreamKind,
                 stop: threading.Event | None = None) -> OnvifProfile:
        sources = self.profiles(stop)
        if not 1 <= camera.channel <= len(sources) or not sources[camera.channel - 1]:
            raise unknown_channel(self.recorder.id, camera.id, camera.channel)
        group = sources[camera.channel - 1]
        return group[0] if stream is StreamKind.MAIN else group[-1]

    def _uri(self, camera: Camera, stream: StreamKind, what: str,
             stop: threading.Event | None = None) -> str:
        key = (camera.channel, stream, what)
        with self._lock:
            cached = self._uris.get(key)
        if cached is not None:
            return cached
        token = self._profile(camera, stream, stop).token

        async def ask(cam: Any) -> str:
            media = await cam.create_media_service()
            if what == "stream":
                answer = await media.GetStreamUri({
                    "StreamSetup": {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}},
                    "ProfileToken": token})
            else:
                answer = await media.GetSnapshotUri({"ProfileToken": token})
            return str(answer.Uri)

        uri = strip_userinfo(self._run(ask, stop))
        with self._lock:
            self._uris[key] = uri
        return uri

    # -- the port ---------------------------------------------------------------------------

    def list_cameras(self) -> list[Channel]:
        out = []
        for n, group in enumerate(self.profiles(), start=1):
            if not group:
                continue
            main, sub = group[0], group[-1]
            out.append(Channel(str(n), f"Caméra {n}",
                               main=(main.width, main.height) if main.width else None,
                               sub=(sub.width, sub.height) if sub.width else None))
        return out

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        """Never asks the device (the GUI thread calls this): the cached stream URI, or a
        placeholder address with a resolver the session's reader thread calls (GetProfiles,
        GetStreamUri) before it connects."""
        profile = camera.profile(stream)
        with self._lock:
            cached = self._uris.get((camera.channel, stream, "stream"))

        def resolve(stop: threading.Event) -> str:
            return self._uri(camera, stream, "stream", stop)

        url = cached or f"onvif://{self.recorder.id}/{camera.channel}/{stream.value}"
        return StreamSource(url=url, kind=SourceKind.RTSP, camera_id=camera.id,
                            recorder_id=self.recorder.id, stream=stream,
                            transport=profile.transport or "tcp",
                            credential_ref=credential_ref(self.recorder),
                            resolve=None if cached else resolve)

    def replay(self) -> OnvifReplay:
        """The device's Profile G client (its service addresses are asked once)."""
        with self._lock:
            if self._replay is None:
                self._replay = OnvifReplay(self.recorder, self._credentials,
                                           timeout=self.timeout, now=self._now)
            return self._replay

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        """The camera's recording (FindRecordings) at its replay URI (GetReplayUri), played
        from ``start_utc`` by our RTSP client (``Require: onvif-replay``, ``Range: clock=``).
        A device without Profile G raises RecorderNotSupported (French)."""
        return self.replay().playback_source(camera, as_utc(start_utc), speed)

    def snapshot_uri(self, camera: Camera) -> str:
        return self._uri(camera, StreamKind.SUB, "snapshot")

    def snapshot(self, camera: Camera) -> bytes:
        uri = self.snapshot_uri(camera)
        creds, ref = self._credentials, credential_ref(self.recorder)
        parts = urlsplit(uri)
        host, _, port = parts.netloc.rpartition(":")
        rec = Recorder(self.recorder.id, self.recorder.commune_id, "onvif",
                       host or parts.netloc, http_port=int(port or 80),
                       tls_pin=self.recorder.tls_pin, timezone=self.recorder.timezone)
        http = RecorderHttp(rec, (lambda: creds(ref)) if creds else None, timeout=self.timeout)
        answer = http.get(parts.path + (f"?{parts.query}" if parts.query else ""),
                          "l'image instantanée")
        if not answer.body.startswith(b"\xff\xd8"):
            raise RecorderBadAnswer(
                f"L'appareil ONVIF {self.recorder.id} n'a pas renvoyé d'image JPEG.")
        return answer.body

    def clock_offset(self) -> float | None:
        async def ask(cam: Any) -> datetime | None:
            dm = await cam.create_devicemgmt_service()
            answer = await dm.GetSystemDateAndTime()
            utc = getattr(answer, "UTCDateTime", None)
            if utc is None:
                return None
            d, t = utc.Date, utc.Time
            return datetime(int(d.Year), int(d.Month), int(d.Day), int(t.Hour), int(t.Minute),
                            int(t.Second), tzinfo=timezone.utc)

        before = self._now()
        when = self._run(ask)
        after = self._now()
        if when is None:
            return None
        return (when - (before + (after - before) / 2)).total_seconds()

    def device_info(self) -> tuple[str, str]:
        async def ask(cam: Any) -> tuple[str, str]:
            dm = await cam.create_devicemgmt_service()
            info = await dm.GetDeviceInformation()
            model = " ".join(str(v) for v in (info.Manufacturer, info.Model) if v)
            return model, str(info.FirmwareVersion or "")

        return self._run(ask)

    def health(self) -> RecorderHealth:
        return health_of(self.device_info, f"L'appareil ONVIF {self.recorder.id} répond.")


async def _until_stopped(work: Awaitable[T], stop: threading.Event, timeout: float,
                         rid: str) -> T:
    """``work`` within ``timeout``, abandoned as soon as ``stop`` is set (polled every 50 ms:
    the thread waiting is a media reader whose tile was closed)."""
    task = asyncio.ensure_future(work)

    async def stopped() -> None:
        while not stop.is_set():
            await asyncio.sleep(0.05)

    watcher = asyncio.ensure_future(stopped())
    try:
        done, _ = await asyncio.wait({task, watcher}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
    if task in done:
        return task.result()
    task.cancel()
    try:
        await task
    except (asyncio.CancelledError, Exception):
        pass
    if stop.is_set():
        raise RecorderUnreachable(f"Demande à l'appareil ONVIF {rid} abandonnée.")
    raise TimeoutError
