"""Recorded video of one camera over a period, fetched from the recorder and remuxed without
re-encoding into MP4 (evidence export, DESIGN §7).

Two ways a recorder serves a period over RTSP, both read with the project's own RTSP client
(:mod:`csu_wall.media.rtsp_client`), access unit by access unit:

- **ONVIF replay** (``SourceKind.RTSP_REPLAY`` with ``onvif=1``): ``Range: clock=<start>-<end>``
  with ``Rate-Control: no`` (as fast as the recorder sends). Every access unit carries the
  recorded time (the replay header extension's NTP time): the delivered period and the gaps
  are the recorder's own times (``time_basis = "onvif-ntp"``).
- **A vendor URL with the time in it** (Hikvision ``starttime=…&endtime=…``, UTC): the recorder
  starts at the keyframe at or before the start and stops at the end. RTP carries only relative
  times, so the units are placed on the recorder's stop at the asked end (or at the end of the
  recording, when the recorder's search says it ends earlier): ``time_basis = "rtp-fin"``,
  stated as such in the manifest.

The units are written as they come to an Annex-B file in the export's unfinished folder (never
held in memory), then remuxed with PyAV into MP4 with their own timestamps: a stream copy, so
the file starts at a keyframe — up to one GOP before the asked start — and the delivered period
says so. Cancelling (the ``cancel`` event) stops within 50 ms of any blocking call.
"""

from __future__ import annotations

import hashlib
import re
import statistics
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from fractions import Fraction
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import av

from csu_wall.core.errors import CsuWallError, RecorderBadAnswer, RecorderUnreachable
from csu_wall.core.model import Camera
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.media.rtsp_client import FLAG_D, FLAG_E, AccessUnit, RtspClient, Stopped
from csu_wall.recorders.download import Cancelled as DownloadCancelled
from csu_wall.recorders.download import DownloadRequest, download
from csu_wall.recorders.http import RecorderHttp

_START_CODE = b"\x00\x00\x00\x01"
_HIK_TIME = re.compile(r"^\d{8}T\d{6}Z$")
TIME_BASE = Fraction(1, 90000)
GAP_FACTOR = 2.5  # a step longer than this many usual frame intervals is a gap
RESUME_ATTEMPTS = 5  # ONVIF replay: sessions resumed after a network cut, at most
Credentials = tuple[str, str]


class ExportCancelled(CsuWallError):
    """The operator cancelled the export."""


class ExportError(CsuWallError):
    """The export could not be made (French message)."""


@dataclass(frozen=True)
class Fetched:
    """One camera's video as delivered: file, images, times, gaps."""

    path: Path
    images: int
    first_utc: datetime  # the time of the first image (a keyframe), recorder's clock
    last_utc: datetime  # the time of the last image
    time_basis: str  # "onvif-ntp", "npt", "rtp-fin" or "download-end"
    gaps: list[tuple[datetime, datetime]] = field(default_factory=list)
    frame_interval: float = 0.0  # s, the usual step between images
    resumes: int = 0  # sessions (or downloads) resumed after a network cut
    method: str = "rtsp"  # "rtsp" (playback) or "http" (the recorder's download API)
    reencoded: bool = False  # decoded and re-encoded (privacy masks burned in)
    masks_version: str = ""  # the version of the masks burned in, when re-encoded
    # the recorder's clock minus ours from its ``Date:`` header (RTSP answer or HTTP
    # download; whole seconds, so ±0.5 s): a fallback for recorders without a clock API
    date_offset: float | None = None


ProgressSink = Callable[[float], None]  # fraction of the camera's period fetched, 0..1


def is_onvif(source: StreamSource) -> bool:
    return source.kind is SourceKind.RTSP_REPLAY and source.options.get("onvif") == "1"


def with_end(url: str, start: datetime, end: datetime) -> str:
    """A vendor playback URL asked to stop at ``end``: Hikvision's ``endtime=`` (UTC, whole
    seconds, rounded up so the end is inside). Other URLs are returned as they are."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    keys = [k.lower() for k, _ in query]
    if "starttime" not in keys:
        return url
    start_value = query[keys.index("starttime")][1]
    if not _HIK_TIME.match(start_value):
        return url
    end_s = end.astimezone(timezone.utc)
    if end_s.microsecond:
        end_s = end_s.replace(microsecond=0) + timedelta(seconds=1)
    value = end_s.strftime("%Y%m%dT%H%M%SZ")
    query = [(k, v) for k, v in query if k.lower() != "endtime"] + [("endtime", value)]
    return urlunsplit(parts._replace(query=urlencode(query, safe=":")))


def _clock(t: datetime) -> str:
    t = t.astimezone(timezone.utc)
    return t.strftime("%Y%m%dT%H%M%S") + f".{t.microsecond // 1000:03d}Z"


def fetch(source: StreamSource, start: datetime, end: datetime, raw_path: Path, *,
          credentials: Credentials | None, cancel: threading.Event,
          progress: ProgressSink | None = None, timeout: float = 10.0,
          read_timeout: float = 5.0, recording_end: datetime | None = None,
          replay_from: Callable[[datetime], str] | None = None) -> Fetched:
    """Fetch ``[start, end]`` of ``source`` into ``raw_path`` (Annex-B) and remux it into
    ``raw_path.with_suffix('.mp4')``; the raw file is removed. :class:`ExportCancelled` when
    ``cancel`` is set, :class:`ExportError` or a recorder error otherwise.

    ONVIF replay and ``Range: npt=`` playback (Axis edge storage) resume after a network cut
    (up to :data:`RESUME_ATTEMPTS` times): a new session PLAYs from the last image received,
    and the images it sends again (from the keyframe before) are dropped, so the file goes on
    exactly where it stopped. A vendor URL is resumed only with ``replay_from`` (the URL of
    the same recording from a given time): see :func:`_resume_url`; without it the export
    fails."""
    mode = _mode(source)
    url = source.url if mode != "url" else with_end(source.url, start, end)
    got = _Received()
    with open(raw_path, "wb") as raw:
        _sessions(url, mode, source, start, end, raw, got, credentials=credentials,
                  cancel=cancel, progress=progress, timeout=timeout,
                  read_timeout=read_timeout, replay_from=replay_from)
    stamps, basis = _stamps(got, mode, end, recording_end)
    fetched = _delivered(raw_path, stamps, got.flags, basis, got.resumes, cancel)
    return replace(fetched, date_offset=got.date_offset)


def _mode(source: StreamSource) -> str:
    """How the times of a source's images are known: ``onvif`` (each image's recorded time),
    ``npt`` (the PLAY answer's ``Range: npt=`` from a known origin, then RTP) or ``url``
    (a vendor URL: RTP only, anchored on the asked end)."""
    if is_onvif(source):
        return "onvif"
    if source.kind is SourceKind.RTSP_REPLAY and "npt-origin" in source.options:
        return "npt"
    return "url"


def _sessions(url: str, mode: str, source: StreamSource, start: datetime, end: datetime,
              raw: BinaryIO, got: _Received, *, credentials: Credentials | None,
              cancel: threading.Event, progress: ProgressSink | None, timeout: float,
              read_timeout: float, replay_from: Callable[[datetime], str] | None = None
              ) -> None:
    """RTSP sessions until the period is fetched, resuming after cuts where the times allow."""
    span = max(1e-3, (end - start).total_seconds())
    onvif = mode == "onvif"
    while True:
        client = RtspClient(url, timeout=timeout, credentials=credentials, stop=cancel,
                            always={"Require": "onvif-replay"} if onvif else {})
        try:
            _session(client, mode, source, start, end, span, raw, got, progress,
                     read_timeout, cancel)
            return
        except Stopped:
            raise ExportCancelled("Export annulé.") from None
        except (EOFError, RecorderUnreachable) as exc:
            _before_resume(exc, mode, got, cancel, resumable=mode != "url" or bool(replay_from))
        finally:
            client.teardown()
        if mode == "url" and replay_from is not None:
            url = _resume_url(replay_from, got, start, end)


def _before_resume(exc: Exception, mode: str, got: _Received, cancel: threading.Event, *,
                   resumable: bool) -> None:
    """After a cut: raise when the session cannot be resumed, else wait (backoff)."""
    if not resumable or not got.times:
        if isinstance(exc, RecorderUnreachable):
            raise exc
        raise ExportError("La connexion à l'enregistreur a été coupée pendant "
                          "l'extraction : relancez l'export.") from None
    if got.resumes >= RESUME_ATTEMPTS:
        raise ExportError(
            f"La connexion à l'enregistreur a été coupée {got.resumes + 1} fois : "
            "extraction abandonnée, relancez l'export.") from None
    got.resumes += 1
    if cancel.wait(min(4.0, 0.5 * 2 ** (got.resumes - 1))):
        raise ExportCancelled("Export annulé.") from None


def _resume_url(replay_from: Callable[[datetime], str], got: _Received, start: datetime,
                end: datetime) -> str:
    """A vendor URL's new replay after a cut. Its RTP times start again, so the new session is
    placed on the first one by a keyframe both sent, byte for byte (a recorder replays its
    stored stream). It is asked from a time sure to come before the last image received yet
    not before the first: the file starts at the keyframe at or before ``start`` and is at
    most one GOP long before it, so ``start + received - GOP - 1 s`` (whole seconds in the
    URL), never before ``start``."""
    keys = sorted(got.keys.values())
    gop = max((b - a for a, b in zip(keys, keys[1:], strict=False)), default=got.times[-1] + 1)
    ask = max(start, start + timedelta(seconds=got.times[-1] - gop - 1.0))
    got.offset = None  # placed on the first session by a keyframe both sent
    return with_end(replay_from(ask), ask, end)


def _stamps(got: _Received, mode: str, end: datetime, recording_end: datetime | None
            ) -> tuple[list[float], str]:
    """Every image's time (epoch s) and how it is known (``time_basis``)."""
    if not got.times:
        raise RecorderBadAnswer("L'enregistreur n'a envoyé aucune image pour cette période.")
    if mode == "onvif":
        return got.times, "onvif-ntp"
    if mode == "npt":
        return got.times, "npt"
    last = _vendor_last(end, recording_end, _usual_step(got.times))
    return [last - got.times[-1] + t for t in got.times], "rtp-fin"


def _delivered(raw_path: Path, stamps: list[float], flags: list[int], basis: str,
               resumes: int, cancel: threading.Event) -> Fetched:
    """Remux the Annex-B file into MP4 with its images' times, and say what was delivered."""
    interval = _usual_step(stamps)
    gaps = _gaps(stamps, flags, interval)
    mp4 = raw_path.with_suffix(".mp4")
    remux(raw_path, mp4, [s - stamps[0] for s in stamps], cancel)
    raw_path.unlink(missing_ok=True)
    return _fetched(mp4, stamps, basis, gaps, interval, resumes)


def _fetched(mp4: Path, stamps: list[float], basis: str, gaps: list[tuple[float, float]],
             interval: float, resumes: int, method: str = "rtsp") -> Fetched:
    utc = timezone.utc
    return Fetched(mp4, len(stamps), datetime.fromtimestamp(stamps[0], utc),
                   datetime.fromtimestamp(stamps[-1], utc), basis,
                   [(datetime.fromtimestamp(a, utc), datetime.fromtimestamp(b, utc))
                    for a, b in gaps], interval, resumes, method)


@dataclass
class _Received:
    times: list[float] = field(default_factory=list)  # ONVIF, npt: epoch s; vendor: RTP s
    flags: list[int] = field(default_factory=list)
    first_ts: int | None = None
    resumes: int = 0
    npt_base: float = 0.0  # npt: the time of the session's first image (the PLAY answer)
    date_offset: float | None = None  # the PLAY answer's Date: minus our clock
    # vendor URL: keyframes written (SHA-256 of their bytes) and their times; the offset of
    # the session's RTP times from the first session's (None until a keyframe places it)
    keys: dict[bytes, float] = field(default_factory=dict)
    offset: float | None = 0.0
    recent: OrderedDict[bytes, float] = field(default_factory=OrderedDict)  # last written
    overlap: list[float] = field(default_factory=list)  # offsets measured on images sent again
    catching_up: bool = False  # a resumed vendor session still sends images already written


def _play_headers(mode: str, source: StreamSource, start: datetime, end: datetime,
                  resume_after: float | None) -> dict[str, str]:
    frm = start if resume_after is None else datetime.fromtimestamp(resume_after, timezone.utc)
    if mode == "onvif":
        return {"Range": f"clock={_clock(frm)}-{_clock(end)}", "Rate-Control": "no"}
    if mode == "npt":
        origin = float(source.options["npt-origin"])
        return {"Range": f"npt={max(0.0, frm.timestamp() - origin):.3f}-"
                         f"{end.timestamp() - origin:.3f}"}
    return {}


def _session(client: RtspClient, mode: str, source: StreamSource, start: datetime,
             end: datetime, span: float, raw: BinaryIO, got: _Received,
             progress: ProgressSink | None, read_timeout: float,
             cancel: threading.Event) -> None:
    """One RTSP session: from ``start``, or (after a cut) from the last image got."""
    client.connect()
    sdp = client.describe()
    client.setup()
    resume_after = got.times[-1] if got.times else None
    answer = client.play(_play_headers(mode, source, start, end, resume_after))
    if got.date_offset is None:
        got.date_offset = date_offset(answer.header("date"))
    got.first_ts = None
    if mode == "npt":
        got.npt_base = _npt_start(answer.header("range"), source)
    first = not got.times
    while True:
        if cancel.is_set():
            raise ExportCancelled("Export annulé.")
        au = client.read_access_unit(read_timeout)
        if au is None:
            if got.times:
                return  # the recorder stopped sending (its end, or ours)
            raise RecorderBadAnswer("L'enregistreur n'a envoyé aucune image pour cette période.")
        if not got.times and not au.key:
            continue  # a stream copy starts at a keyframe
        t = _unit_time(au, mode, got, sdp.clock_rate)
        digest = hashlib.sha256(au.data).digest() if mode == "url" else b""
        if mode == "url":
            rel = t
            if _placed(au, digest, rel, got) is None:
                continue  # before the keyframe that places this session on the first
            if got.catching_up:
                if digest in got.recent:  # sent again: already in the file
                    got.overlap.append(got.recent[digest] - rel)
                    continue
                if got.overlap:  # placed on every image sent again: RTP times jitter
                    got.offset = statistics.median(got.overlap)
                got.catching_up = False
            t = rel + (got.offset or 0.0)
        elif resume_after is not None and t <= resume_after + 1e-6:
            continue  # sent again after a resume: already in the file
        if mode == "url":
            if t > span + 62:
                return  # a recorder ignoring the end: never more than asked + 1 min
            done = t / span
        else:
            if t > end.timestamp() + 1e-6:
                return
            done = (t - start.timestamp()) / span
        data = au.data
        if first and sdp.sps_pps and not _has_sps(data):
            data = b"".join(_START_CODE + p for p in sdp.sps_pps) + data
        first = False
        raw.write(data)
        if mode == "url":
            _remember(got, digest, t, au.key)
        got.times.append(t)
        got.flags.append(au.flags)
        if progress is not None:
            progress(min(1.0, max(0.0, done)))
        if mode == "onvif" and client.bye:
            return


RECENT = 1500  # images remembered (by hash) to drop those a resumed vendor replay sends again


def _remember(got: _Received, digest: bytes, t: float, key: bool) -> None:
    if key:
        got.keys[digest] = t
    got.recent[digest] = t
    if len(got.recent) > RECENT:
        got.recent.popitem(last=False)


def _placed(au: AccessUnit, digest: bytes, rel: float, got: _Received) -> float | None:
    """A vendor URL session's RTP time on the first session's, once a keyframe places it."""
    if got.offset is None:
        known = got.keys.get(digest) if au.key else None
        if known is None:
            if rel > 120:
                raise ExportError("Reprise impossible après la coupure : l'enregistreur ne "
                                  "renvoie pas les images déjà reçues. Relancez l'export.")
            return None
        got.offset = known - rel
        got.catching_up = True
        got.overlap = []
    return rel + got.offset


def _unit_time(au: AccessUnit, mode: str, got: _Received, clock_rate: int) -> float:
    if mode == "onvif":
        if au.ntp_utc is None:
            raise ExportError("L'enregistreur n'indique pas l'heure des images "
                              "(extension de relecture ONVIF absente).")
        return au.ntp_utc
    if got.first_ts is None:
        got.first_ts = au.rtp_ts
    rel = ((au.rtp_ts - got.first_ts) & 0xFFFFFFFF) / clock_rate
    return got.npt_base + rel if mode == "npt" else rel


def date_offset(value: str | None) -> float | None:
    """A ``Date:`` header (RFC 7231 / RFC 2326) minus our clock, in seconds: the header
    holds whole seconds, so the middle of its second is taken (±0.5 s)."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() + 0.5 - time.time()


def _npt_start(value: str | None, source: StreamSource) -> float:
    """``Range: npt=18.000-59.960`` in a PLAY answer: the epoch time of the first image."""
    m = re.match(r"\s*npt\s*=\s*([0-9.]+)", value or "")
    if m is None:
        raise ExportError("L'enregistreur n'indique pas où commence la relecture (Range: npt= "
                          "absent de sa réponse) : l'heure des images serait inconnue.")
    return float(source.options["npt-origin"]) + float(m.group(1))


# -- the recorders' HTTP download APIs ---------------------------------------------------------


class Downloader(Protocol):
    """A driver with an HTTP download API (Hikvision, Dahua)."""

    http: RecorderHttp

    def download_request(self, camera: Camera, start_utc: datetime, end_utc: datetime
                         ) -> DownloadRequest: ...


def ceil_second(t: datetime) -> datetime:
    t = t.astimezone(timezone.utc)
    return t.replace(microsecond=0) + timedelta(seconds=1) if t.microsecond else t


def fetch_download(driver: Downloader, camera: Camera, start: datetime, end: datetime,
                   raw_path: Path, *, cancel: threading.Event,
                   progress: ProgressSink | None = None,
                   recording_end: datetime | None = None) -> Fetched:
    """The period downloaded over the recorder's HTTP API as fast as it sends (no real-time
    pacing), resumed with ``Range:`` after a cut, then remuxed into MP4 without re-encoding.
    The recorder cuts at the keyframe before the start and at the end (whole seconds, as its
    API takes them): the images are placed on that end (``time_basis = "download-end"``)."""
    request = driver.download_request(camera, start, ceil_second(end))
    part = raw_path.with_suffix(".telechargement")
    try:
        resumes, clock = _download_all(driver.http, request, part, cancel, progress)
        mp4 = raw_path.with_suffix(".mp4")
        pts = remux_container(part, mp4, cancel)
    finally:
        part.unlink(missing_ok=True)
    rel = [(p - pts[0]) / 90000 for p in pts]
    interval = _usual_step(rel)
    last = _vendor_last(end, recording_end, interval)
    stamps = [last - rel[-1] + r for r in rel]
    gaps = _gaps(stamps, [0] * len(stamps), interval)
    fetched = _fetched(mp4, stamps, "download-end", gaps, interval, resumes, "http")
    return replace(fetched, date_offset=clock)


def _download_all(http: RecorderHttp, request: DownloadRequest, part: Path,
                  cancel: threading.Event, progress: ProgressSink | None
                  ) -> tuple[int, float | None]:
    """The whole file into ``part``; returns the resumptions after cuts and the first
    answer's ``Date:`` offset."""
    resumes = 0
    received = 0
    clock: float | None = None

    def bytes_done(got: int, total: int | None) -> None:
        if progress is not None and total:
            progress(min(1.0, got / total))

    with open(part, "wb") as out:
        while True:
            try:
                answer = download(http, request, out.write, offset=received, cancel=cancel,
                                  progress=bytes_done)
            except DownloadCancelled:
                raise ExportCancelled("Export annulé.") from None
            except RecorderUnreachable:
                if not received or resumes >= RESUME_ATTEMPTS:
                    raise
            else:
                received = answer.received
                clock = answer.date_offset if clock is None else clock
                if answer.complete:
                    if not received:
                        raise RecorderBadAnswer(
                            "L'enregistreur n'a envoyé aucune image pour cette période.")
                    return resumes, clock
            if resumes >= RESUME_ATTEMPTS:
                raise ExportError(
                    f"La connexion à l'enregistreur a été coupée {resumes + 1} fois : "
                    "extraction abandonnée, relancez l'export.")
            resumes += 1
            if cancel.wait(min(4.0, 0.5 * 2 ** (resumes - 1))):
                raise ExportCancelled("Export annulé.")


def remux_container(src: Path, mp4_path: Path, cancel: threading.Event) -> list[int]:
    """A downloaded file (MPEG-TS, PS…: whatever FFmpeg reads) -> MP4 without decoding, from
    its first keyframe; returns each image's presentation time (90 kHz, as in the file)."""
    pts_out: list[int] = []
    try:
        with av.open(str(src)) as inp, av.open(str(mp4_path), "w", format="mp4") as out:
            ist = inp.streams.video[0]
            ost = out.add_stream_from_template(ist)
            ost.time_base = TIME_BASE
            base: int | None = None
            for pkt in inp.demux(ist):
                if pkt.size == 0 or pkt.pts is None or (base is None and not pkt.is_keyframe):
                    continue
                if len(pts_out) % 250 == 0 and cancel.is_set():
                    raise ExportCancelled("Export annulé.")
                pts = round(pkt.pts * pkt.time_base * 90000)
                dts = round((pkt.dts if pkt.dts is not None else pkt.pts) * pkt.time_base
                            * 90000)
                base = pts if base is None else base
                pkt.pts, pkt.dts = pts - base, dts - base
                pkt.time_base = TIME_BASE
                pkt.stream = ost
                out.mux(pkt)
                pts_out.append(pts)
    except av.FFmpegError as exc:
        raise ExportError(f"La vidéo téléchargée ne peut pas être mise en MP4 ({exc})."
                          ) from None
    if not pts_out:
        raise RecorderBadAnswer("L'enregistreur n'a envoyé aucune image pour cette période.")
    return sorted(pts_out)


def _vendor_last(end: datetime, recording_end: datetime | None, interval: float) -> float:
    """The time of the last image of a vendor stream asked to stop at ``end``: the image at
    the end as the URL asked it (rounded up to a whole second), or the last one before the end
    of the recording when the recorder's search says it ends earlier."""
    a = end.astimezone(timezone.utc)
    if a.microsecond:
        a = a.replace(microsecond=0) + timedelta(seconds=1)
    if recording_end is not None and recording_end < a:
        return recording_end.timestamp() - interval
    return a.timestamp()


def _has_sps(data: bytes) -> bool:
    for part in data.split(b"\x00\x00\x01")[1:]:
        if part and part[0] & 0x1F == 7:
            return True
    return False


def _usual_step(times: list[float]) -> float:
    steps = [b - a for a, b in zip(times, times[1:], strict=False) if b > a]
    return statistics.median(steps) if steps else 0.04


def _gaps(stamps: list[float], flags: list[int], interval: float) -> list[tuple[float, float]]:
    """Holes inside the delivered period: a step much longer than usual, or one the recorder
    marks (ONVIF: E on the unit before, D on the unit after)."""
    out = []
    for i in range(1, len(stamps)):
        step = stamps[i] - stamps[i - 1]
        marked = bool(flags[i - 1] & FLAG_E) and bool(flags[i] & FLAG_D)
        if step > GAP_FACTOR * interval or (marked and step > 1.5 * interval):
            out.append((stamps[i - 1] + interval, stamps[i]))
    return out


def remux(raw_path: Path, mp4_path: Path, offsets: list[float], cancel: threading.Event
          ) -> None:
    """Annex-B H.264 -> MP4 without decoding: each access unit keeps its own time
    (``offsets``, s from the first; decode order = presentation order as RTP carries it,
    the decode times made monotonic below the presentation times)."""
    pts = [round(o * 90000) for o in offsets]
    ordered = sorted(pts)
    delay = max((o - p for o, p in zip(ordered, pts, strict=True)), default=0)
    delay = max(0, delay)
    dts = [o - delay for o in ordered]
    try:
        with av.open(str(raw_path), format="h264") as inp, \
                av.open(str(mp4_path), "w", format="mp4") as out:
            ist = inp.streams.video[0]
            ost = out.add_stream_from_template(ist)
            ost.time_base = TIME_BASE
            n = 0
            for pkt in inp.demux(ist):
                if pkt.size == 0:
                    continue
                if n >= len(pts):
                    raise ExportError("Vidéo incohérente : plus d'images que d'unités reçues.")
                if n % 250 == 0 and cancel.is_set():
                    raise ExportCancelled("Export annulé.")
                pkt.pts, pkt.dts = pts[n], dts[n]
                pkt.time_base = TIME_BASE
                pkt.stream = ost
                out.mux(pkt)
                n += 1
            if n != len(pts):
                raise ExportError(f"Vidéo incohérente : {n} images réécrites pour "
                                  f"{len(pts)} reçues.")
    except av.FFmpegError as exc:
        raise ExportError(f"La vidéo reçue ne peut pas être mise en MP4 ({exc}).") from None
