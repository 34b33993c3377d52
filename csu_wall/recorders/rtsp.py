"""Generic RTSP recorders: the stream URL comes from the camera's profile.

``path`` is either a full URL template (``rtsp://{host}:{port}/Streaming/Channels/{channel}01``)
or a path appended to ``rtsp://host:port``. Credentials are never in the URL: the source names
them (``recorder:<id>``) and the media layer resolves them just before connecting.
"""

from __future__ import annotations

from csu_wall.core.errors import RecorderBadAnswer
from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.core.ports import SourceKind, StreamSource

_DEFAULT_PATH = {StreamKind.MAIN: "/{channel}/main", StreamKind.SUB: "/{channel}/sub"}


def credential_ref(recorder: Recorder) -> str:
    return f"recorder:{recorder.id}"


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class GenericRtspDriver:
    """RecorderDriver for ``driver = "rtsp"`` recorders."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def stream_url(self, camera: Camera, stream: StreamKind) -> str:
        rec = self.recorder
        template = camera.profile(stream).path or _DEFAULT_PATH[stream]
        values = {"host": _host(rec.host), "port": rec.rtsp_port, "channel": camera.channel}
        try:
            filled = template.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            raise RecorderBadAnswer(
                f"Le chemin du flux de la caméra {camera.id} est invalide ({template!r}) : "
                "seuls {host}, {port} et {channel} sont permis.") from exc
        if "://" in filled:
            if "@" in filled.split("://", 1)[1].split("/", 1)[0]:
                raise RecorderBadAnswer(
                    f"Le chemin du flux de la caméra {camera.id} contient des identifiants : "
                    "retirez-les, ils se saisissent dans l'administration.")
            return filled
        if not filled.startswith("/"):
            filled = "/" + filled
        return f"rtsp://{_host(rec.host)}:{rec.rtsp_port}{filled}"

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        profile = camera.profile(stream)
        return StreamSource(
            url=self.stream_url(camera, stream), kind=SourceKind.RTSP, camera_id=camera.id,
            recorder_id=self.recorder.id, stream=stream,
            transport=profile.transport or "tcp",
            credential_ref=credential_ref(self.recorder))
