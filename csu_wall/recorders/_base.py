"""What the recorder drivers share: URLs without credentials, profile templates, the HTTP
client bound to the recorder's credential, and the clock offset arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from csu_wall.core.errors import (
    RecorderBadAnswer,
    RecorderError,
    RecorderNotSupported,
    RecorderUnreachable,
)
from csu_wall.core.model import Camera, Recorder, StreamKind
from csu_wall.core.ports import RecorderHealth, SourceKind, StreamSource
from csu_wall.recorders.http import Answer, RecorderHttp

Credentials = Callable[[str], "tuple[str, str] | None"]
Now = Callable[[], datetime]
PLACEHOLDERS = "{host}, {port}, {http_port} et {channel}"


def credential_ref(recorder: Recorder) -> str:
    return f"recorder:{recorder.id}"


def bracket(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def fill_template(recorder: Recorder, camera: Camera, template: str, scheme: str,
                  extra: dict[str, object] | None = None) -> str:
    """A profile path or URL template filled in; a bare path gets ``scheme://host:port``.
    Credentials in it are refused (they live in the encrypted store). ``extra``: more
    placeholders (a playback template's times)."""
    port = recorder.rtsp_port if scheme == "rtsp" else recorder.http_port
    values: dict[str, object] = {"host": bracket(recorder.host), "port": port,
                                 "http_port": recorder.http_port,
                                 "rtsp_port": recorder.rtsp_port, "channel": camera.channel,
                                 **(extra or {})}
    try:
        filled = template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise RecorderBadAnswer(
            f"Le chemin du flux de la caméra {camera.id} est invalide ({template!r}) : "
            f"seuls {PLACEHOLDERS} sont permis.") from exc
    if "://" in filled:
        if "@" in filled.split("://", 1)[1].split("/", 1)[0]:
            raise RecorderBadAnswer(
                f"Le chemin du flux de la caméra {camera.id} contient des identifiants : "
                "retirez-les, ils se saisissent dans l'administration.")
        return filled
    if not filled.startswith("/"):
        filled = "/" + filled
    return f"{scheme}://{bracket(recorder.host)}:{port}{filled}"


def fill_playback(recorder: Recorder, camera: Camera, template: str, start_utc: datetime,
                  end_utc: datetime) -> str:
    """A recorder's playback template (site file ``playback``) filled in for an interval:
    ``{start:…}``/``{end:…}`` in UTC, ``{start_local:…}``/``{end_local:…}`` on the recorder's
    wall clock (its ``timezone``), each with a strftime format."""
    zone = ZoneInfo(recorder.timezone)
    times: dict[str, object] = {"start": start_utc.astimezone(timezone.utc),
                                "end": end_utc.astimezone(timezone.utc),
                                "start_local": start_utc.astimezone(zone),
                                "end_local": end_utc.astimezone(zone)}
    return fill_template(recorder, camera, template, "rtsp", times)


def health_of(device_info: Callable[[], tuple[str, str]], answered: str) -> RecorderHealth:
    """``health()`` of any driver from its ``device_info()`` (model, firmware)."""
    try:
        model, firmware = device_info()
    except RecorderError as exc:
        # Reachable when it answered at all (refused credentials, odd answer).
        return RecorderHealth(not isinstance(exc, RecorderUnreachable), detail=str(exc))
    return RecorderHealth(True, model=model, firmware=firmware, detail=answered)


def as_utc(when: datetime) -> datetime:
    """An aware instant in UTC. Arithmetic must happen in UTC: ``+ timedelta`` on a
    Europe/Paris datetime adds wall-clock time and is an hour off across a DST change."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("playback times must be timezone-aware (UTC inside csu-wall)")
    return when.astimezone(timezone.utc)


def local_offset(recorder_now: datetime, local_now: datetime) -> float:
    return (recorder_now - local_now).total_seconds()


def aware(naive: datetime, tz_name: str) -> datetime:
    """A recorder's wall-clock time in its own zone (``Recorder.timezone``)."""
    return naive.replace(tzinfo=ZoneInfo(tz_name)) if naive.tzinfo is None else naive


class HttpDriver:
    """Base of the drivers that ask the recorder over HTTP (hikvision, dahua, axis…)."""

    family = "http"

    def __init__(self, recorder: Recorder, credentials: Credentials | None = None, *,
                 timeout: float = 5.0, now: Now = utc_now) -> None:
        self.recorder = recorder
        self._credentials = credentials
        self._now = now
        ref = credential_ref(recorder)
        source = (lambda: credentials(ref)) if credentials is not None else None
        self.http = RecorderHttp(recorder, source, timeout=timeout)

    # -- helpers --------------------------------------------------------------------------

    def rtsp(self, path: str, camera: Camera, stream: StreamKind, *,
             kind: SourceKind = SourceKind.RTSP, **extra: object) -> StreamSource:
        url = f"rtsp://{bracket(self.recorder.host)}:{self.recorder.rtsp_port}{path}"
        return StreamSource(
            url=url, kind=kind, camera_id=camera.id, recorder_id=self.recorder.id,
            stream=stream, transport=camera.profile(stream).transport or "tcp",
            credential_ref=credential_ref(self.recorder), **extra)  # type: ignore[arg-type]

    def template_source(self, camera: Camera, stream: StreamKind) -> StreamSource | None:
        """A profile path in the site file overrides the family's URL shape."""
        path = camera.profile(stream).path
        if not path:
            return None
        url = fill_template(self.recorder, camera, path, "rtsp")
        kind = SourceKind.RTSP if url.startswith("rtsp") else SourceKind.HTTP
        return StreamSource(
            url=url, kind=kind, camera_id=camera.id, recorder_id=self.recorder.id,
            stream=stream, transport=camera.profile(stream).transport or "tcp",
            credential_ref=credential_ref(self.recorder), tls_pin=self.recorder.tls_pin)

    def playback(self, path: str, camera: Camera, start_utc: datetime,
                 speed: float) -> StreamSource:
        """A recording whose time is in the URL: FFmpeg plays it at ×1; faster needs an RTSP
        ``Scale:`` header FFmpeg cannot send, so the replay client reads it (RTSP_REPLAY)."""
        kind = SourceKind.RTSP if speed == 1.0 else SourceKind.RTSP_REPLAY
        return self.rtsp(path, camera, StreamKind.MAIN, kind=kind,
                         playback_start=as_utc(start_utc), speed=speed)

    def get_ok(self, path: str, what: str) -> Answer:
        answer = self.http.get(path, what)
        if answer.status == 404:
            raise RecorderNotSupported(
                f"L'enregistreur {self.recorder.id} ne connaît pas {what} : vérifiez son "
                f"pilote (« {self.recorder.driver} ») dans le fichier de site.")
        return answer

    def jpeg(self, answer: Answer, camera: Camera) -> bytes:
        if not answer.body.startswith(b"\xff\xd8"):
            raise RecorderBadAnswer(
                f"L'enregistreur {self.recorder.id} n'a pas renvoyé d'image JPEG pour la "
                f"caméra {camera.id}.")
        return answer.body

    # -- the port's shared parts ----------------------------------------------------------

    def recorder_time(self) -> datetime:
        raise RecorderNotSupported("heure de l'enregistreur non disponible")

    def clock_offset(self) -> float | None:
        """Recorder clock minus local UTC clock, in seconds (half the round trip is added to
        the local reading: the recorder read its clock in the middle)."""
        before = self._now()
        when = self.recorder_time()
        after = self._now()
        middle = before + (after - before) / 2
        return local_offset(when, middle)

    def device_info(self) -> tuple[str, str]:
        return "", ""

    def health(self) -> RecorderHealth:
        return health_of(self.device_info, f"L'enregistreur {self.recorder.id} répond.")

    def not_supported_playback(self) -> RecorderNotSupported:
        return RecorderNotSupported(
            f"L'enregistreur {self.recorder.id} (pilote « {self.recorder.driver} ») ne permet "
            "pas la relecture depuis csu-wall : utilisez son logiciel d'exploitation.")
