"""Dahua recorders: channel titles from ``configManager.cgi``, device and clock from
``magicBox.cgi`` / ``global.cgi``, live at ``/cam/realmonitor?channel=N&subtype=0|1`` and
recordings at ``/cam/playback?channel=N&starttime=YYYY_MM_DD_HH_MM_SS&endtime=…``.

Dahua takes times on the recorder's own wall clock (``Recorder.timezone``). Each instant is
converted with the zone's offset *at that instant*, so an interval across a daylight-saving
change keeps its true length. In the autumn the hour 02:00–03:00 happens twice and the URL
cannot tell which; an end falling in the repeated hour is pushed to its end (03:00) so the
recorder never sees an end before the start and plays at least the asked interval.
A start in the second pass of that hour cannot be written at all: it is refused
(RecorderNotSupported, French) rather than played an hour early.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from csu_wall.core.errors import RecorderBadAnswer, RecorderNotSupported
from csu_wall.core.model import Camera, StreamKind
from csu_wall.core.ports import Channel, StreamSource
from csu_wall.recorders._base import HttpDriver, as_utc, aware
from csu_wall.recorders.errors import unknown_channel

PLAYBACK_SPAN = timedelta(hours=1)
_TITLE = re.compile(r"^table\.ChannelTitle\[(\d+)\]\.Name=(.*)$")
_FMT = "%Y_%m_%d_%H_%M_%S"


def key_values(text: str) -> dict[str, str]:
    """``key=value`` lines (Dahua and Axis CGI answers)."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _wall(when: datetime, zone: ZoneInfo) -> datetime:
    return when.astimezone(timezone.utc).astimezone(zone)


def dahua_time(t: datetime, tz: str) -> str:
    """One instant as Dahua writes it: the recorder's wall time, ``2026_10_25_02_59_50``. In
    the hour repeated when summer time ends the text is ambiguous (see :func:`dahua_range`
    and :func:`parse_dahua_time`). The one conversion of csu-wall (media has none)."""
    return _wall(t, ZoneInfo(tz)).strftime(_FMT)


def parse_dahua_time(text: str, tz: str, *, after: datetime | None = None) -> datetime:
    """Back to aware UTC; ``after``: the interval's start, so an end in the repeated hour that
    would come before it is read as the second occurrence."""
    local = datetime.strptime(text, _FMT).replace(tzinfo=ZoneInfo(tz))
    utc = local.astimezone(timezone.utc)
    if after is not None and utc <= after:
        utc = local.replace(fold=1).astimezone(timezone.utc)
    return utc


def dahua_range(start_utc: datetime, end_utc: datetime, tz_name: str) -> tuple[str, str]:
    """The ``starttime`` and ``endtime`` values for an interval given in UTC."""
    zone = ZoneInfo(tz_name)
    if end_utc <= start_utc:
        raise ValueError("the end of a playback interval must follow its start")
    start, end = _wall(start_utc, zone), _wall(end_utc, zone)
    if end.fold == 1:
        # A repeated wall-clock time: the recorder reads the first one. Ask until the
        # repetition is over instead (changes happen on whole minutes).
        probe = end.astimezone(timezone.utc).replace(second=0, microsecond=0)
        while _is_repeated(_wall(probe, zone).replace(tzinfo=None), zone):
            probe += timedelta(minutes=1)
        end = _wall(probe, zone)
    return dahua_time(start, tz_name), dahua_time(end, tz_name)


def _is_repeated(naive: datetime, zone: ZoneInfo) -> bool:
    a = naive.replace(tzinfo=zone, fold=0).utcoffset()
    b = naive.replace(tzinfo=zone, fold=1).utcoffset()
    return a != b and a is not None and b is not None and a > b


class DahuaDriver(HttpDriver):
    family = "dahua"

    def list_cameras(self) -> list[Channel]:
        answer = self.get_ok("/cgi-bin/configManager.cgi?action=getConfig&name=ChannelTitle",
                             "la liste des canaux")
        out = []
        for line in answer.text().splitlines():
            m = _TITLE.match(line.strip())
            if m:
                n = int(m.group(1)) + 1  # the CGI counts from 0, channels from 1
                out.append(Channel(str(n), m.group(2).strip() or f"Canal {n}",
                                   has_recordings=True))
        if not out and "ChannelTitle" not in answer.text():
            raise RecorderBadAnswer(
                f"L'enregistreur {self.recorder.id} n'a pas donné de liste de canaux lisible.")
        return out

    def live_source(self, camera: Camera, stream: StreamKind) -> StreamSource:
        custom = self.template_source(camera, stream)
        if custom is not None:
            return custom
        subtype = 0 if stream is StreamKind.MAIN else 1
        return self.rtsp(f"/cam/realmonitor?channel={camera.channel}&subtype={subtype}",
                         camera, stream)

    def playback_url(self, camera: Camera, start_utc: datetime,
                     end_utc: datetime | None = None) -> str:
        start_utc = as_utc(start_utc)
        local = _wall(start_utc, ZoneInfo(self.recorder.timezone))
        if local.fold == 1:
            # The second pass of the repeated hour: the recorder would read the text as the
            # first one and show video an hour early under the asked time. Refuse instead.
            raise RecorderNotSupported(
                f"L'enregistreur {self.recorder.id} (Dahua) compte en heure locale et ne "
                f"distingue pas les deux passages de {local:%H:%M:%S} au retour à l'heure "
                "d'hiver : il montrerait la vidéo d'une heure plus tôt. Choisissez un moment "
                "hors de cette heure répétée, ou relisez sur le logiciel de l'enregistreur.")
        end_utc = as_utc(end_utc) if end_utc else start_utc + PLAYBACK_SPAN
        start, end = dahua_range(start_utc, end_utc, self.recorder.timezone)
        return f"/cam/playback?channel={camera.channel}&starttime={start}&endtime={end}"

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        return self.playback(self.playback_url(camera, start_utc), camera, start_utc, speed)

    def snapshot(self, camera: Camera) -> bytes:
        answer = self.http.get(f"/cgi-bin/snapshot.cgi?channel={camera.channel}",
                               "l'image instantanée")
        if answer.status == 404:
            raise unknown_channel(self.recorder.id, camera.id, camera.channel)
        return self.jpeg(answer, camera)

    def recorder_time(self) -> datetime:
        values = key_values(self.get_ok("/cgi-bin/global.cgi?action=getCurrentTime",
                                        "l'heure").text())
        try:
            naive = datetime.strptime(values.get("result", ""), "%Y-%m-%d %H:%M:%S")
        except ValueError as exc:
            raise RecorderBadAnswer(
                f"L'enregistreur {self.recorder.id} a renvoyé une heure illisible.") from exc
        return aware(naive, self.recorder.timezone)

    def device_info(self) -> tuple[str, str]:
        model = key_values(self.get_ok("/cgi-bin/magicBox.cgi?action=getDeviceType",
                                       "ses informations").text()).get("type", "")
        version = key_values(self.get_ok("/cgi-bin/magicBox.cgi?action=getSoftwareVersion",
                                         "ses informations").text()).get("version", "")
        return model, version
