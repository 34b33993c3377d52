"""Older analog encoders over HTTP (``driver = "mjpeg"``): an MJPEG stream that FFmpeg opens,
or, when the profile's path is a JPEG (``….jpg`` / ``….jpeg``), snapshots polled at the
profile's ``fps`` (1 per second by default). A ``driver = "snapshot"`` recorder is read as
snapshots whatever its paths.

The profile ``path`` is a URL template (``/video{channel}.mjpg``, ``/snapshot{channel}.jpg``
or ``http://{host}:{http_port}/…``; https when the recorder's ``scheme`` says so or a pin is
set). Over HTTPS the certificate is compared with the pin in the reader thread before EVERY
connection FFmpeg or the poller makes (``prepare``; media turns FFmpeg's own reconnections
off): FFmpeg cannot pin. A wrong certificate is terminal for the tile."""

from __future__ import annotations

from datetime import datetime

from csu_wall.core.errors import RecorderNotSupported
from csu_wall.core.model import Camera, StreamKind
from csu_wall.core.ports import Channel, SourceKind, StreamSource
from csu_wall.recorders._base import HttpDriver, credential_ref, fill_template
from csu_wall.recorders.errors import unknown_channel

DEFAULT_PATH = {"mjpeg": "/video{channel}.mjpg", "snapshot": "/snapshot{channel}.jpg"}
DEFAULT_POLL_HZ = 1.0


class MjpegDriver(HttpDriver):
    """``mjpeg`` (SourceKind.HTTP) and ``snapshot`` (SourceKind.SNAPSHOT) recorders."""

    family = "mjpeg"

    def _path(self, camera: Camera, stream: StreamKind) -> str:
        return camera.profile(stream).path or camera.sub.path or camera.main.path

    def snapshot_only(self, camera: Camera, stream: StreamKind = StreamKind.SUB) -> bool:
        path = self._path(camera, stream).split("?", 1)[0].lower()
        return self.recorder.driver == "snapshot" or path.endswith((".jpg", ".jpeg"))

    def url(self, camera: Camera, stream: StreamKind) -> str:
        path = self._path(camera, stream) or DEFAULT_PATH[
            "snapshot" if self.snapshot_only(camera, stream) else "mjpeg"]
        scheme = "https" if self.http.https else "http"
        return fill_template(self.recorder, camera, path, scheme)

    def list_cameras(self) -> list[Channel]:
        raise RecorderNotSupported(
            f"L'encodeur {self.recorder.id} ne donne pas la liste de ses caméras : déclarez-"
            "les dans le fichier de site.")

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        http = self.http
        profile = camera.profile(stream)
        snapshots = self.snapshot_only(camera, stream)
        kind = SourceKind.SNAPSHOT if snapshots else SourceKind.HTTP
        return StreamSource(
            url=self.url(camera, stream), kind=kind, camera_id=camera.id,
            recorder_id=self.recorder.id, stream=stream,
            credential_ref=credential_ref(self.recorder), tls_pin=self.recorder.tls_pin,
            poll_hz=(profile.fps or DEFAULT_POLL_HZ) if snapshots else 0.0,
            prepare=http.check_certificate if http.https else None)

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        raise self.not_supported_playback()

    def snapshot(self, camera: Camera) -> bytes:
        url = self.url(camera, StreamKind.SUB)
        if not self.snapshot_only(camera):
            raise RecorderNotSupported(
                f"L'encodeur {self.recorder.id} ne sert qu'un flux MJPEG : l'image se prend "
                "sur la vidéo affichée.")
        path = "/" + url.split("://", 1)[1].split("/", 1)[1] if "://" in url else url
        answer = self.http.get(path, "l'image instantanée")
        if answer.status == 404:
            raise unknown_channel(self.recorder.id, camera.id, camera.channel)
        return self.jpeg(answer, camera)

    def clock_offset(self) -> float | None:
        return None  # these encoders have no clock API

    def device_info(self) -> tuple[str, str]:
        self.http.get("/", "sa page d'accueil")  # any answer: it is there (404 included)
        return "", ""
