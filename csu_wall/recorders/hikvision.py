"""Hikvision recorders (ISAPI): channels, device information and clock over HTTP, video over
RTSP at ``/Streaming/Channels/<ch>01`` (main) and ``<ch>02`` (sub); recordings at
``/Streaming/tracks/<ch>01?starttime=YYYYMMDDTHHMMSSZ&endtime=…``, in UTC."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

from csu_wall.core.errors import RecorderBadAnswer, RecorderNotSupported
from csu_wall.core.model import Camera, StreamKind
from csu_wall.core.ports import Channel, StreamSource
from csu_wall.recorders import _xml
from csu_wall.recorders._base import HttpDriver, as_utc, aware, bracket
from csu_wall.recorders.dahua import merge_spans
from csu_wall.recorders.download import DownloadRequest
from csu_wall.recorders.errors import unknown_channel
from csu_wall.recorders.onvif_replay import gap_message

PLAYBACK_SPAN = timedelta(hours=1)  # the end a playback URL asks when the caller gives none
SPANS_BEFORE = timedelta(hours=1)  # recorded segments asked around a playback start
SPANS_AFTER = timedelta(hours=24)
SEARCH_PAGE = 40  # matches per ContentMgmt/search answer
SEARCH_PAGES = 50
_CHANNEL_LISTS = (
    ("/ISAPI/ContentMgmt/InputProxy/channels", "InputProxyChannel"),  # NVR: IP cameras
    ("/ISAPI/System/Video/inputs/channels", "VideoInputChannel"),  # DVR: analog inputs
)


def isapi_time(when: datetime) -> str:
    """Hikvision ``starttime=``: UTC, ``20261025T005950Z``."""
    return when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> datetime | None:
    """ISAPI search times: ``2026-10-25T00:59:30Z`` (UTC)."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(timezone.utc) if when.tzinfo else when.replace(tzinfo=timezone.utc)


class HikvisionDriver(HttpDriver):
    family = "hikvision"

    def list_cameras(self) -> list[Channel]:
        for path, tag in _CHANNEL_LISTS:
            answer = self.http.get(path, "la liste des canaux")
            if answer.status == 404:
                continue
            root = _xml.parse(answer.body, self.recorder.id, "la liste des canaux")
            out = []
            for el in root.iter(tag):
                cid = _xml.text(el, "id")
                if not cid.isdigit():
                    raise RecorderBadAnswer(
                        f"L'enregistreur {self.recorder.id} a renvoyé un canal sans numéro.")
                out.append(Channel(cid, _xml.text(el, "name") or f"Canal {cid}",
                                   has_recordings=True))
            return out
        raise RecorderNotSupported(
            f"L'enregistreur {self.recorder.id} ne donne pas sa liste de canaux (ISAPI) : "
            "vérifiez son pilote dans le fichier de site.")

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        custom = self.template_source(camera, stream)
        if custom is not None:
            return custom
        suffix = "01" if stream is StreamKind.MAIN else "02"
        return self.rtsp(f"/Streaming/Channels/{camera.channel}{suffix}", camera, stream)

    def playback_url(self, camera: Camera, start_utc: datetime,
                     end_utc: datetime | None = None) -> str:
        start_utc = as_utc(start_utc)
        end = as_utc(end_utc) if end_utc else start_utc + PLAYBACK_SPAN
        return (f"/Streaming/tracks/{camera.channel}01?starttime={isapi_time(start_utc)}"
                f"&endtime={isapi_time(end)}")

    def download_request(self, camera: Camera, start_utc: datetime, end_utc: datetime
                         ) -> DownloadRequest:
        """``GET /ISAPI/ContentMgmt/download`` with the track's playback URI (UTC, whole
        seconds): the recorder sends the period as a file, as fast as it can."""
        uri = (f"rtsp://{bracket(self.recorder.host)}:{self.recorder.rtsp_port}"
               f"{self.playback_url(camera, start_utc, end_utc)}")
        body = ('<?xml version="1.0" encoding="UTF-8"?><downloadRequest version="1.0" '
                'xmlns="http://www.isapi.org/ver20/XMLSchema">'
                f"<playbackURI>{escape(uri)}</playbackURI></downloadRequest>")
        return DownloadRequest("GET", "/ISAPI/ContentMgmt/download", body.encode())

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        """A time no recorded segment holds is refused before any PLAY, with the nearest
        recorded times (when the recorder answers the search)."""
        start_utc = as_utc(start_utc)
        try:
            spans = self.recorded_spans(camera, start_utc - SPANS_BEFORE,
                                        start_utc + SPANS_AFTER)
        except (RecorderBadAnswer, RecorderNotSupported):
            spans = []  # no search on this recorder: played as asked
        if spans and not any(a <= start_utc < b for a, b in spans):
            raise RecorderBadAnswer(gap_message(camera, start_utc, spans))
        source = self.playback(self.playback_url(camera, start_utc), camera, start_utc, speed)
        return replace(source, recorded=tuple(spans))

    def recorded_spans(self, camera: Camera, start_utc: datetime,
                       end_utc: datetime) -> list[tuple[datetime, datetime]]:
        """The recorded segments of the camera's track in ``[start, end)``
        (``POST /ISAPI/ContentMgmt/search``, UTC), merged into spans."""
        what = "la recherche d'enregistrements"
        search_id = str(uuid.uuid4()).upper()
        found: list[tuple[datetime, datetime]] = []
        for page in range(SEARCH_PAGES):
            body = (
                '<?xml version="1.0" encoding="UTF-8"?><CMSearchDescription>'
                f"<searchID>{search_id}</searchID>"
                f"<trackList><trackID>{camera.channel}01</trackID></trackList>"
                "<timeSpanList><timeSpan>"
                f"<startTime>{_iso(start_utc)}</startTime><endTime>{_iso(end_utc)}</endTime>"
                "</timeSpan></timeSpanList>"
                f"<maxResults>{SEARCH_PAGE}</maxResults>"
                f"<searchResultPostion>{page * SEARCH_PAGE}</searchResultPostion>"
                "<metadataList><metadataDescriptor>//recordType.meta.std-cgi.com"
                "</metadataDescriptor></metadataList></CMSearchDescription>")
            answer = self.http.post("/ISAPI/ContentMgmt/search", body.encode(), what)
            if answer.status == 404:
                raise RecorderNotSupported(
                    f"L'enregistreur {self.recorder.id} ne permet pas de chercher ses "
                    "enregistrements (ISAPI).")
            root = _xml.parse(answer.body, self.recorder.id, what)
            for item in root.iter("searchMatchItem"):
                a = _parse_iso(_xml.text(item, "timeSpan/startTime"))
                b = _parse_iso(_xml.text(item, "timeSpan/endTime"))
                if a is not None and b is not None and b > a:
                    found.append((a, b))
            if _xml.text(root, "responseStatusStrg").upper() != "MORE":
                break
        return merge_spans(found)

    def snapshot(self, camera: Camera) -> bytes:
        answer = self.http.get(f"/ISAPI/Streaming/channels/{camera.channel}01/picture",
                               "l'image instantanée")
        if answer.status == 404:
            raise unknown_channel(self.recorder.id, camera.id, camera.channel)
        return self.jpeg(answer, camera)

    def recorder_time(self) -> datetime:
        root = _xml.parse(self.get_ok("/ISAPI/System/time", "l'heure").body,
                          self.recorder.id, "l'heure")
        value = _xml.text(root, "localTime")
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise RecorderBadAnswer(
                f"L'enregistreur {self.recorder.id} a renvoyé une heure illisible.") from exc
        return aware(when, self.recorder.timezone)

    def device_info(self) -> tuple[str, str]:
        root = _xml.parse(self.get_ok("/ISAPI/System/deviceInfo", "ses informations").body,
                          self.recorder.id, "ses informations")
        firmware = " ".join(v for v in (_xml.text(root, "firmwareVersion"),
                                        _xml.text(root, "firmwareReleasedDate")) if v)
        return _xml.text(root, "model"), firmware
