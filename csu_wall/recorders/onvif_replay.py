"""ONVIF Profile G replay: which recordings a device keeps, and the RTSP URI to replay them.

Plain SOAP 1.2 over HTTP (the few calls replay needs; onvif-zeep-async has Media1 only), with
WS-Security UsernameToken digest as ONVIF devices expect. The replay itself is RTSP with
``Require: onvif-replay`` and ``Range: clock=``, which FFmpeg cannot send: the source returned
is ``SourceKind.RTSP_REPLAY``, read by csu_wall.media.replay.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderNotSupported,
    RecorderUnreachable,
)
from csu_wall.core.model import Camera, Recorder
from csu_wall.core.ports import SourceKind, StreamSource
from csu_wall.core.replay import paris_hms
from csu_wall.recorders._base import Credentials, Now, credential_ref, utc_now

NS_DEVICE = "http://www.onvif.org/ver10/device/wsdl"
NS_SEARCH = "http://www.onvif.org/ver10/search/wsdl"
NS_REPLAY = "http://www.onvif.org/ver10/replay/wsdl"
NS_SCHEMA = "http://www.onvif.org/ver10/schema"
_WSSE = ("http://docs.oasis-open.org/wss/2004/01/"
         "oasis-200401-wss-wssecurity-secext-1.0.xsd")
_WSU = ("http://docs.oasis-open.org/wss/2004/01/"
        "oasis-200401-wss-wssecurity-utility-1.0.xsd")
_DIGEST = ("http://docs.oasis-open.org/wss/2004/01/"
           "oasis-200401-wss-username-token-profile-1.0#PasswordDigest")
DEVICE_PATH = "/onvif/device_service"
SPANS_BEFORE = timedelta(hours=1)  # recorded spans asked around a playback start
SPANS_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Recording:
    token: str
    source_id: str
    source_name: str
    earliest: datetime | None
    latest: datetime | None


@dataclass(frozen=True)
class RecordingSummary:
    earliest: datetime | None
    latest: datetime | None
    count: int


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(timezone.utc)


def _find(node: ET.Element, name: str) -> ET.Element | None:
    """First descendant with this local name, whatever its namespace."""
    for el in node.iter():
        if el.tag.rsplit("}", 1)[-1] == name:
            return el
    return None


def _text(node: ET.Element, name: str) -> str:
    el = _find(node, name)
    return (el.text or "").strip() if el is not None else ""


class OnvifReplay:
    """Profile G calls for one device; the ONVIF driver's ``playback_source`` uses it."""

    def __init__(self, recorder: Recorder, credentials: Credentials | None = None, *,
                 timeout: float = 5.0, now: Now = utc_now) -> None:
        self.recorder = recorder
        self._credentials = credentials
        self.timeout = timeout
        self._now = now
        self._xaddrs: dict[str, str] | None = None

    # -- SOAP -----------------------------------------------------------------------------

    def _security(self) -> str:
        cred = self._credentials(credential_ref(self.recorder)) if self._credentials else None
        if cred is None:
            return ""
        user, password = cred
        nonce = os.urandom(16)
        created = self._now().strftime("%Y-%m-%dT%H:%M:%SZ")
        digest = base64.b64encode(hashlib.sha1(nonce + created.encode()
                                               + password.encode()).digest()).decode()
        return (f'<s:Header><wsse:Security xmlns:wsse="{_WSSE}" xmlns:wsu="{_WSU}">'
                f"<wsse:UsernameToken><wsse:Username>{_xml(user)}</wsse:Username>"
                f'<wsse:Password Type="{_DIGEST}">{digest}</wsse:Password>'
                f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>"
                f"<wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security>"
                "</s:Header>")

    def _call(self, url: str, body: str, *, secure: bool = True) -> ET.Element:
        envelope = ('<?xml version="1.0" encoding="UTF-8"?>'
                    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
                    f'xmlns:tds="{NS_DEVICE}" xmlns:tse="{NS_SEARCH}" '
                    f'xmlns:trp="{NS_REPLAY}" xmlns:tt="{NS_SCHEMA}">'
                    f"{self._security() if secure else ''}<s:Body>{body}</s:Body></s:Envelope>")
        parts = urlsplit(url)
        rid = self.recorder.id
        conn = http.client.HTTPConnection(parts.hostname or self.recorder.host,
                                          parts.port or self.recorder.http_port,
                                          timeout=self.timeout)
        try:
            conn.request("POST", parts.path or DEVICE_PATH, body=envelope.encode(),
                         headers={"Content-Type": "application/soap+xml; charset=utf-8",
                                  "User-Agent": "csu-wall"})
            resp = conn.getresponse()
            status, data = resp.status, resp.read(1 << 20)
        except (OSError, http.client.HTTPException) as exc:
            raise RecorderUnreachable(
                f"L'appareil ONVIF {rid} ne répond pas : vérifiez qu'il est allumé et "
                "joignable, et son port HTTP dans le fichier de site.") from exc
        finally:
            conn.close()
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            root = None
        fault = " ".join(el.text or "" for el in root.iter()) if root is not None else ""
        if status in (401, 403) or "NotAuthorized" in fault:
            raise RecorderAuthError(
                f"L'appareil ONVIF {rid} refuse l'identifiant ou le mot de passe : faites "
                f"corriger ses identifiants (csu-wall credentials set {rid}).")
        if root is None or status >= 300 or _find(root, "Fault") is not None:
            raise RecorderBadAnswer(
                f"L'appareil ONVIF {rid} n'a pas accepté la demande de relecture : "
                "vérifiez qu'il prend en charge le profil G.")
        return root

    def _device_url(self) -> str:
        return f"http://{self.recorder.host}:{self.recorder.http_port}{DEVICE_PATH}"

    def services(self) -> dict[str, str]:
        """Namespace -> XAddr, from GetServices."""
        if self._xaddrs is None:
            root = self._call(self._device_url(),
                              "<tds:GetServices><tds:IncludeCapability>false"
                              "</tds:IncludeCapability></tds:GetServices>")
            found: dict[str, str] = {}
            for el in root.iter():
                if el.tag.rsplit("}", 1)[-1] == "Service":
                    found[_text(el, "Namespace")] = _text(el, "XAddr")
            self._xaddrs = found
        return self._xaddrs

    def _service(self, namespace: str) -> str:
        url = self.services().get(namespace)
        if not url:
            raise RecorderNotSupported(
                f"L'appareil ONVIF {self.recorder.id} ne propose pas la relecture (profil G) : "
                "la lecture d'enregistrements n'est pas possible avec lui.")
        return url

    # -- Profile G ------------------------------------------------------------------------

    def recording_summary(self) -> RecordingSummary:
        root = self._call(self._service(NS_SEARCH), "<tse:GetRecordingSummary/>")
        count = _text(root, "NumberRecordings")
        return RecordingSummary(_time(_text(root, "DataFrom")), _time(_text(root, "DataUntil")),
                                int(count) if count.isdigit() else 0)

    def find_recordings(self, max_matches: int = 100) -> list[Recording]:
        search = self._service(NS_SEARCH)
        root = self._call(search, "<tse:FindRecordings><tse:Scope/>"
                          f"<tse:MaxMatches>{max_matches}</tse:MaxMatches>"
                          "<tse:KeepAliveTime>PT10S</tse:KeepAliveTime></tse:FindRecordings>")
        token = _text(root, "SearchToken")
        root = self._call(search, "<tse:GetRecordingSearchResults>"
                          f"<tse:SearchToken>{_xml(token)}</tse:SearchToken>"
                          f"<tse:MaxResults>{max_matches}</tse:MaxResults>"
                          "<tse:WaitTime>PT5S</tse:WaitTime></tse:GetRecordingSearchResults>")
        out = []
        for el in root.iter():
            if el.tag.rsplit("}", 1)[-1] != "RecordingInformation":
                continue
            out.append(Recording(_text(el, "RecordingToken"), _text(el, "SourceId"),
                                 _text(el, "Name"), _time(_text(el, "EarliestRecording")),
                                 _time(_text(el, "LatestRecording"))))
        return out

    def recorded_spans(self, recording_token: str, start: datetime, end: datetime,
                       max_matches: int = 1000) -> list[tuple[datetime, datetime]]:
        """The spans of ``[start, end)`` the recording holds data for, from the Search
        service's FindEvents on ``tns1:RecordingHistory/Track/State`` (``IsDataPresent``),
        with the state at ``start``."""
        search = self._service(NS_SEARCH)
        root = self._call(
            search, "<tse:FindEvents>"
            f"<tse:StartPoint>{_iso(start)}</tse:StartPoint>"
            f"<tse:EndPoint>{_iso(end)}</tse:EndPoint>"
            f"<tse:Scope><tt:IncludedRecordings>{_xml(recording_token)}"
            "</tt:IncludedRecordings></tse:Scope>"
            "<tse:SearchFilter><tt:TopicExpression Dialect=\"http://www.onvif.org/ver10/tev/"
            "topicExpression/ConcreteSet\">tns1:RecordingHistory/Track/State"
            "</tt:TopicExpression></tse:SearchFilter>"
            "<tse:IncludeStartState>true</tse:IncludeStartState>"
            f"<tse:MaxMatches>{max_matches}</tse:MaxMatches>"
            "<tse:KeepAliveTime>PT10S</tse:KeepAliveTime></tse:FindEvents>")
        token = _text(root, "SearchToken")
        changes: list[tuple[datetime, bool]] = []
        for _ in range(20):  # a device may answer "Searching" a few times
            root = self._call(search, "<tse:GetEventSearchResults>"
                              f"<tse:SearchToken>{_xml(token)}</tse:SearchToken>"
                              f"<tse:MaxResults>{max_matches}</tse:MaxResults>"
                              "<tse:WaitTime>PT5S</tse:WaitTime></tse:GetEventSearchResults>")
            for el in root.iter():
                if el.tag.rsplit("}", 1)[-1] != "Result":
                    continue
                when = _time(_text(el, "Time"))
                value = next((item.get("Value", "") for item in el.iter()
                              if item.tag.rsplit("}", 1)[-1] == "SimpleItem"
                              and item.get("Name") == "IsDataPresent"), None)
                if when is not None and value is not None:
                    changes.append((when, value.strip().lower() == "true"))
            if _text(root, "SearchState") != "Searching":
                break
        spans: list[tuple[datetime, datetime]] = []
        opened: datetime | None = None
        for when, present in sorted(changes, key=lambda c: c[0]):
            if present and opened is None:
                opened = max(when, start)
            elif not present and opened is not None:
                if when > opened:
                    spans.append((opened, when))
                opened = None
        if opened is not None and opened < end:
            spans.append((opened, end))
        return spans

    def replay_uri(self, recording_token: str) -> str:
        root = self._call(self._service(NS_REPLAY),
                          "<trp:GetReplayUri><trp:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream>"
                          "<tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport>"
                          "</trp:StreamSetup>"
                          f"<trp:RecordingToken>{_xml(recording_token)}</trp:RecordingToken>"
                          "</trp:GetReplayUri>")
        uri = _text(root, "Uri")
        if not uri.startswith("rtsp://"):
            raise RecorderBadAnswer(
                f"L'appareil ONVIF {self.recorder.id} a donné une adresse de relecture "
                "inutilisable.")
        return uri

    def recording_for(self, camera: Camera) -> Recording:
        """The camera's recording: the one naming the camera (id) or, failing that, the
        channel-th one the device lists."""
        recordings = self.find_recordings()
        for rec in recordings:
            if camera.id in (rec.source_id, rec.source_name, rec.token):
                return rec
        if 1 <= camera.channel <= len(recordings):
            return recordings[camera.channel - 1]
        raise RecorderNotSupported(
            f"L'appareil ONVIF {self.recorder.id} n'a aucun enregistrement pour la caméra "
            f"{camera.name}.")

    def playback_source(self, camera: Camera, start_utc: datetime,
                        speed: float = 1.0) -> StreamSource:
        rec = self.recording_for(camera)
        start_utc = start_utc.astimezone(timezone.utc)
        if (rec.earliest and start_utc < rec.earliest) or (rec.latest and start_utc > rec.latest):
            raise RecorderBadAnswer(no_recording_message(camera, start_utc, rec))
        spans = self._spans_around(rec, start_utc)
        if spans and not any(a <= start_utc < b for a, b in spans):
            raise RecorderBadAnswer(gap_message(camera, start_utc, spans))
        return StreamSource(url=self.replay_uri(rec.token), kind=SourceKind.RTSP_REPLAY,
                            camera_id=camera.id, recorder_id=self.recorder.id,
                            options={"onvif": "1"}, credential_ref=credential_ref(self.recorder),
                            playback_start=start_utc, speed=speed, recorded=tuple(spans))

    def _spans_around(self, rec: Recording, start: datetime) -> list[tuple[datetime, datetime]]:
        """What the recording holds from an hour before ``start`` to a day after (empty when
        the device cannot say: the replay then waits gaps out as the server sends them)."""
        lo = max(start - SPANS_BEFORE, rec.earliest) if rec.earliest else start - SPANS_BEFORE
        hi = min(start + SPANS_AFTER, rec.latest) if rec.latest else start + SPANS_AFTER
        if hi <= lo:
            return []
        try:
            return self.recorded_spans(rec.token, lo, hi)
        except (RecorderBadAnswer, RecorderNotSupported):
            return []

    def clock_offset(self) -> float | None:
        """Device clock minus ours (GetSystemDateAndTime needs no credentials)."""
        before = self._now()
        root = self._call(self._device_url(), "<tds:GetSystemDateAndTime/>", secure=False)
        after = self._now()
        utc = _find(root, "UTCDateTime")
        if utc is None:
            return None
        try:
            when = datetime(int(_text(utc, "Year")), int(_text(utc, "Month")),
                            int(_text(utc, "Day")), int(_text(utc, "Hour")),
                            int(_text(utc, "Minute")), int(_text(utc, "Second")),
                            tzinfo=timezone.utc)
        except ValueError:
            return None
        return (when - (before + (after - before) / 2)).total_seconds()


def no_recording_message(camera: Camera, asked: datetime, rec: Recording) -> str:
    """Refused before any PLAY: the asked time, and the recorded times nearest to it."""
    text = (f"Pas d'enregistrement de la caméra {camera.name} à cette heure "
            f"({paris_hms(asked, date=True)}).")
    if rec.earliest and rec.latest:
        text += (f" L'enregistrement va du {paris_hms(rec.earliest, date=True)} au "
                 f"{paris_hms(rec.latest, date=True)} : choisissez un moment dans cet "
                 "intervalle.")
    return text


def gap_message(camera: Camera, asked: datetime,
                spans: list[tuple[datetime, datetime]]) -> str:
    """Refused before any PLAY: a time in a gap, with the recorded times on either side."""
    before = max((b for a, b in spans if b <= asked), default=None)
    after = min((a for a, b in spans if a > asked), default=None)
    text = (f"Pas d'enregistrement de la caméra {camera.name} à cette heure "
            f"({paris_hms(asked, date=True)}).")
    near = []
    if before is not None:
        near.append(f"jusqu'au {paris_hms(before, date=True)}")
    if after is not None:
        near.append(f"à partir du {paris_hms(after, date=True)}")
    if near:
        text += " Enregistrement le plus proche : " + " et ".join(near) + "."
    return text


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _xml(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
