"""Axis cameras and video encoders (VAPIX): views from ``param.cgi``, live at
``/axis-media/media.amp?camera=N&resolution=WxH`` (the sub stream is a smaller resolution of
the same view), snapshots from ``/axis-cgi/jpg/image.cgi``, clock from ``date.cgi``. Recorded
video stays on the device's edge storage: no playback from csu-wall."""

from __future__ import annotations

import re
from datetime import datetime

from csu_wall.core.errors import RecorderBadAnswer
from csu_wall.core.model import Camera, StreamKind
from csu_wall.core.ports import Channel, StreamSource
from csu_wall.recorders._base import HttpDriver, aware
from csu_wall.recorders.dahua import key_values
from csu_wall.recorders.errors import unknown_channel

SUB_DEFAULT = (640, 360)
_VIEW = re.compile(r"^root\.Image\.I(\d+)\.Name$")
_SIZE = re.compile(r"(\d+)x(\d+)")


class AxisDriver(HttpDriver):
    family = "axis"

    def _params(self, group: str, what: str) -> dict[str, str]:
        return key_values(self.get_ok(f"/axis-cgi/param.cgi?action=list&group={group}",
                                      what).text())

    def list_cameras(self) -> list[Channel]:
        values = self._params("root.Image", "la liste des vues")
        out = []
        for key, name in values.items():
            m = _VIEW.match(key)
            if not m:
                continue
            index = int(m.group(1))
            size = _SIZE.fullmatch(values.get(f"root.Image.I{index}.Appearance.Resolution", ""))
            main = (int(size.group(1)), int(size.group(2))) if size else None
            out.append(Channel(str(index + 1), name or f"Vue {index + 1}", main=main,
                               sub=SUB_DEFAULT))
        if not out:
            raise RecorderBadAnswer(
                f"L'enregistreur {self.recorder.id} n'a déclaré aucune vue (root.Image).")
        return sorted(out, key=lambda c: int(c.channel))

    def resolution(self, camera: Camera, stream: StreamKind) -> tuple[int, int] | None:
        profile = camera.profile(stream)
        if profile.width and profile.height:
            return profile.width, profile.height
        return SUB_DEFAULT if stream is StreamKind.SUB else None

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        custom = self.template_source(camera, stream)
        if custom is not None:
            return custom
        query = f"camera={camera.channel}"
        size = self.resolution(camera, stream)
        if size is not None:
            query += f"&resolution={size[0]}x{size[1]}"
        return self.rtsp(f"/axis-media/media.amp?{query}", camera, stream)

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        raise self.not_supported_playback()

    def snapshot(self, camera: Camera) -> bytes:
        answer = self.http.get(f"/axis-cgi/jpg/image.cgi?camera={camera.channel}",
                               "l'image instantanée")
        if answer.status == 404 or b"Invalid camera" in answer.body[:200]:
            raise unknown_channel(self.recorder.id, camera.id, camera.channel)
        return self.jpeg(answer, camera)

    def recorder_time(self) -> datetime:
        text = self.get_ok("/axis-cgi/date.cgi?action=get", "l'heure").text().strip()
        try:
            naive = datetime.strptime(text, "%b %d, %Y %H:%M:%S")
        except ValueError as exc:
            raise RecorderBadAnswer(
                f"L'enregistreur {self.recorder.id} a renvoyé une heure illisible.") from exc
        return aware(naive, self.recorder.timezone)

    def device_info(self) -> tuple[str, str]:
        brand = self._params("root.Brand", "ses informations")
        props = self._params("root.Properties.Firmware", "ses informations")
        return (brand.get("root.Brand.ProdFullName", brand.get("root.Brand.ProdNbr", "")),
                props.get("root.Properties.Firmware.Version", ""))
