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
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, quote, urlsplit
from zoneinfo import ZoneInfo

from csu_wall.core.errors import RecorderBadAnswer, RecorderNotSupported
from csu_wall.core.model import Camera, StreamKind
from csu_wall.core.ports import Channel, StreamSource
from csu_wall.recorders._base import HttpDriver, as_utc, aware
from csu_wall.recorders.download import DownloadRequest
from csu_wall.recorders.errors import unknown_channel
from csu_wall.recorders.onvif_replay import gap_message

PLAYBACK_SPAN = timedelta(hours=1)
SPANS_BEFORE = timedelta(hours=1)  # recorded files asked around a playback start
SPANS_AFTER = timedelta(hours=24)
FIND_COUNT = 100  # files per findNextFile
FIND_PAGES = 50
_FIND_FMT = "%Y-%m-%d %H:%M:%S"
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


def _find_time(text: str, tz: str, after: datetime | None) -> datetime | None:
    """``2026-10-25 02:30:00`` (the recorder's wall clock) -> aware UTC; in the repeated
    hour, the first pass unless that comes before ``after``."""
    try:
        local = datetime.strptime(text.strip(), _FIND_FMT).replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        return None
    utc = local.astimezone(timezone.utc)
    if after is not None and utc < after:
        utc = local.replace(fold=1).astimezone(timezone.utc)
    return utc


def merge_spans(spans: list[tuple[datetime, datetime]],
                slack: timedelta = timedelta(seconds=1)) -> list[tuple[datetime, datetime]]:
    """Sorted spans, those that touch (files one after another) joined."""
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + slack:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


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

    def download_request(self, camera: Camera, start_utc: datetime, end_utc: datetime
                         ) -> DownloadRequest:
        """``loadfile.cgi?action=startLoad``: the period as a file, on the recorder's wall
        clock (the same daylight-saving rules as :meth:`playback_url`)."""
        query = parse_qs(urlsplit(self.playback_url(camera, start_utc, end_utc)).query)

        def wall(key: str) -> str:
            return quote(datetime.strptime(query[key][0], _FMT).strftime(_FIND_FMT))

        return DownloadRequest("GET", f"/cgi-bin/loadfile.cgi?action=startLoad&channel="
                                      f"{camera.channel}&startTime={wall('starttime')}"
                                      f"&endTime={wall('endtime')}&subtype=0")

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        """A time the recorder holds no file for is refused before any PLAY, with the
        nearest recorded times (when the recorder lists its files)."""
        url = self.playback_url(camera, start_utc)
        spans = self._spans_around(camera, as_utc(start_utc))
        if spans and not any(a <= as_utc(start_utc) < b for a, b in spans):
            raise RecorderBadAnswer(gap_message(camera, as_utc(start_utc), spans))
        source = self.playback(url, camera, start_utc, speed)
        return replace(source, recorded=tuple(spans))

    def _spans_around(self, camera: Camera, start: datetime) -> list[tuple[datetime, datetime]]:
        try:
            return self.recorded_spans(camera, start - SPANS_BEFORE, start + SPANS_AFTER)
        except (RecorderBadAnswer, RecorderNotSupported):
            return []  # no file search on this recorder: played as asked

    def recorded_spans(self, camera: Camera, start_utc: datetime,
                       end_utc: datetime) -> list[tuple[datetime, datetime]]:
        """The recorded files of ``[start, end)`` (``mediaFileFind.cgi``), merged into spans
        (aware UTC). Times are the recorder's wall clock: a file starting in the repeated
        autumn hour is read as the pass that keeps the list in order."""
        what = "la liste des enregistrements"
        tz = self.recorder.timezone
        created = key_values(self.get_ok("/cgi-bin/mediaFileFind.cgi?action=factory.create",
                                         what).text())
        obj = created.get("result", "")
        if not obj.isdigit():
            raise RecorderBadAnswer(
                f"L'enregistreur {self.recorder.id} n'a pas ouvert de recherche de fichiers.")
        cgi = "/cgi-bin/mediaFileFind.cgi?action={}&object=" + obj
        zone = ZoneInfo(tz)
        a = quote(_wall(as_utc(start_utc), zone).strftime(_FIND_FMT))
        b = quote(_wall(as_utc(end_utc), zone).strftime(_FIND_FMT))
        files: list[tuple[datetime, datetime]] = []
        try:
            self.get_ok(cgi.format("findFile") + f"&condition.Channel={camera.channel}"
                        f"&condition.StartTime={a}&condition.EndTime={b}", what)
            last: datetime | None = None
            for _ in range(FIND_PAGES):
                values = key_values(self.get_ok(cgi.format("findNextFile")
                                                + f"&count={FIND_COUNT}", what).text())
                found = int(values.get("found", "0") or 0) if values.get(
                    "found", "0").isdigit() else 0
                for i in range(found):
                    begin = _find_time(values.get(f"items[{i}].StartTime", ""), tz, last)
                    if begin is None:
                        continue
                    end = _find_time(values.get(f"items[{i}].EndTime", ""), tz, begin)
                    if end is not None and end > begin:
                        files.append((begin, end))
                        last = begin
                if found < FIND_COUNT:
                    break
        finally:
            for action in ("close", "destroy"):  # best effort: the recorder frees the search
                try:
                    self.http.get(cgi.format(action), what)
                except (RecorderBadAnswer, RecorderNotSupported, OSError):
                    pass
        return merge_spans(files)

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
