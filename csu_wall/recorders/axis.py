"""Axis cameras and video encoders (VAPIX): views from ``param.cgi``, live at
``/axis-media/media.amp?camera=N&resolution=WxH`` (the sub stream is a smaller resolution of
the same view), snapshots from ``/axis-cgi/jpg/image.cgi``, clock from ``date.cgi``. Recorded
video from the device's edge storage (SD card, network share): the recordings listed by
``/axis-cgi/record/list.cgi``, each played at ``/axis-media/media.amp?recordingid=...`` from an
offset in seconds (RTSP ``Range: npt=``), read by our RTSP client (``SourceKind.RTSP_REPLAY``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from csu_wall.core.errors import RecorderBadAnswer, RecorderNotSupported
from csu_wall.core.model import Camera, StreamKind
from csu_wall.core.ports import Channel, SourceKind, StreamSource
from csu_wall.recorders import _xml
from csu_wall.recorders._base import HttpDriver, as_utc, aware
from csu_wall.recorders.dahua import key_values
from csu_wall.recorders.errors import unknown_channel
from csu_wall.recorders.onvif_replay import gap_message

SUB_DEFAULT = (640, 360)
_VIEW = re.compile(r"^root\.Image\.I(\d+)\.Name$")
_SIZE = re.compile(r"(\d+)x(\d+)")


@dataclass(frozen=True)
class EdgeRecording:
    """One recording of the edge storage."""

    id: str
    source: int  # the view (camera=N) it records
    start: datetime  # aware UTC
    stop: datetime | None  # None: still recording


def _utc(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(
            timezone.utc)
    except ValueError:
        return None


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

    def recordings(self, camera: Camera | None = None) -> list[EdgeRecording]:
        """The edge storage's recordings (of ``camera``'s view), oldest first."""
        root = _xml.parse(self.get_ok("/axis-cgi/record/list.cgi?recordingid=all",
                                      "la liste des enregistrements").body,
                          self.recorder.id, "la liste des enregistrements")
        out = []
        for el in root.iter("recording"):
            start = _utc(el.get("starttime"))
            source = el.get("source", "1")
            if start is None or not source.isdigit():
                continue
            stop = _utc(el.get("stoptime"))
            if el.get("recordingstatus") == "recording":
                stop = None
            rec = EdgeRecording(el.get("recordingid", ""), int(source), start, stop)
            if rec.id and (camera is None or rec.source == camera.channel):
                out.append(rec)
        return sorted(out, key=lambda r: r.start)

    def recorded_spans(self, camera: Camera) -> list[tuple[datetime, datetime]]:
        now = self._now()
        return [(r.start, r.stop or now) for r in self.recordings(camera)]

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        """The recording holding ``start_utc``, from that offset; a time no recording holds is
        refused before any PLAY, with the nearest recorded times."""
        start_utc = as_utc(start_utc)
        now = self._now()
        try:
            recs = self.recordings(camera)
        except RecorderNotSupported:  # no edge storage API on this device
            raise self.not_supported_playback() from None
        spans = [(r.start, r.stop or now) for r in recs]
        rec = next((r for r, (a, b) in zip(recs, spans, strict=True) if a <= start_utc < b),
                   None)
        if rec is None:
            raise RecorderBadAnswer(gap_message(camera, start_utc, spans))
        return self.rtsp(f"/axis-media/media.amp?recordingid={rec.id}", camera,
                         StreamKind.MAIN, kind=SourceKind.RTSP_REPLAY,
                         playback_start=start_utc, speed=speed,
                         options={"npt-origin": f"{rec.start.timestamp():.6f}"},
                         recorded=tuple(spans))

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
