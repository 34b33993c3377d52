"""Generic RTSP recorders: the stream URL comes from the camera's profile.

``path`` is either a full URL template (``rtsp://{host}:{port}/Streaming/Channels/{channel}01``)
or a path appended to ``rtsp://host:port``. Credentials are never in the URL: the source names
them (``recorder:<id>``) and the media layer resolves them just before connecting. Such a
recorder lists nothing and has no clock API; its recorded video is reachable when the site file
gives the recorder a ``playback`` template (``/playback/{channel}?start={start:%Y%m%dT%H%M%SZ}``:
times in UTC, or ``{start_local:…}`` on the recorder's clock), read by our RTSP client.
"""

from __future__ import annotations

import socket
from datetime import datetime, timedelta

from csu_wall.core.errors import RecorderNotSupported
from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.core.ports import Channel, RecorderHealth, SourceKind, StreamSource
from csu_wall.recorders._base import as_utc, credential_ref, fill_playback, fill_template

__all__ = ["GenericRtspDriver", "credential_ref"]

_DEFAULT_PATH = {StreamKind.MAIN: "/{channel}/main", StreamKind.SUB: "/{channel}/sub"}
PLAYBACK_SPAN = timedelta(hours=1)  # the {end} of a playback template: an hour after the start


class GenericRtspDriver:
    """RecorderDriver for ``driver = "rtsp"`` recorders."""

    def __init__(self, recorder: Recorder, *, timeout: float = 3.0) -> None:
        self.recorder = recorder
        self.timeout = timeout

    def stream_url(self, camera: Camera, stream: StreamKind) -> str:
        template = camera.profile(stream).path or _DEFAULT_PATH[stream]
        return fill_template(self.recorder, camera, template, "rtsp")

    def list_cameras(self) -> list[Channel]:
        raise RecorderNotSupported(
            f"L'enregistreur {self.recorder.id} (pilote « rtsp ») ne donne pas la liste de ses "
            "caméras : déclarez-les dans le fichier de site, ou choisissez le pilote de sa "
            "marque (hikvision, dahua, axis, onvif).")

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        profile = camera.profile(stream)
        return StreamSource(
            url=self.stream_url(camera, stream), kind=SourceKind.RTSP, camera_id=camera.id,
            recorder_id=self.recorder.id, stream=stream,
            transport=profile.transport or "tcp",
            credential_ref=credential_ref(self.recorder))

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        template = self.recorder.playback_path
        if not template:
            raise RecorderNotSupported(
                f"L'enregistreur {self.recorder.id} (pilote « rtsp ») ne permet pas la "
                "relecture depuis csu-wall : donnez-lui un modèle « playback » dans le fichier "
                "de site, choisissez le pilote de sa marque, ou utilisez son logiciel.")
        start = as_utc(start_utc)
        url = fill_playback(self.recorder, camera, template, start, start + PLAYBACK_SPAN)
        return StreamSource(url=url, kind=SourceKind.RTSP_REPLAY, camera_id=camera.id,
                            recorder_id=self.recorder.id, stream=StreamKind.MAIN,
                            transport=camera.main.transport or "tcp",
                            credential_ref=credential_ref(self.recorder),
                            playback_start=start, speed=speed)

    def playback_url(self, camera: Camera, start_utc: datetime, end_utc: datetime) -> str:
        """The playback template filled for an interval (an evidence export asks its end);
        a template without ``{end}`` cannot say where to stop: refused."""
        template = self.recorder.playback_path
        if "{end" not in template:
            raise RecorderNotSupported(
                f"L'enregistreur {self.recorder.id} (pilote « rtsp ») : son modèle « playback » "
                "ne contient pas la fin de la période ({end} ou {end_local}), l'extraction ne "
                "peut pas la demander. Complétez le modèle dans le fichier de site.")
        return fill_playback(self.recorder, camera, template, as_utc(start_utc),
                             as_utc(end_utc))

    def snapshot(self, camera: Camera) -> bytes:
        raise RecorderNotSupported(
            f"L'enregistreur {self.recorder.id} (pilote « rtsp ») ne fournit pas d'image "
            "instantanée : l'image se prend sur la vidéo affichée.")

    def clock_offset(self) -> float | None:
        return None  # plain RTSP has no clock to ask

    def health(self) -> RecorderHealth:
        rec = self.recorder
        try:
            with socket.create_connection((rec.host.strip("[]"), rec.rtsp_port),
                                          timeout=self.timeout):
                pass
        except OSError:
            return RecorderHealth(False, detail=(
                f"L'enregistreur {rec.id} ne répond pas sur son port RTSP ({rec.rtsp_port}) : "
                "vérifiez qu'il est allumé et joignable."))
        return RecorderHealth(True, detail=f"L'enregistreur {rec.id} accepte les connexions RTSP.")
