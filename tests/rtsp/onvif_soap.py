"""A loopback ONVIF device answering the Profile G calls csu-wall makes (no simulator here
speaks Profile G: ipycam is Profile S only). Answers follow the shapes of the ONVIF Search and
Replay service specifications; UsernameToken digests are checked for real; the device clock
can be off by ``clock_offset`` seconds.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_ENV = ('<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope '
        'xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
        'xmlns:tse="http://www.onvif.org/ver10/search/wsdl" '
        'xmlns:trp="http://www.onvif.org/ver10/replay/wsdl" '
        'xmlns:tt="http://www.onvif.org/ver10/schema" '
        'xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"><SOAP-ENV:Body>{}</SOAP-ENV:Body>'
        '</SOAP-ENV:Envelope>')
_FAULT = ('<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value>'
          '<SOAP-ENV:Subcode><SOAP-ENV:Value>ter:{}</SOAP-ENV:Value></SOAP-ENV:Subcode>'
          '</SOAP-ENV:Code><SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">{}</SOAP-ENV:Text>'
          '</SOAP-ENV:Reason></SOAP-ENV:Fault>')


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))


def _get(body: str, tag: str) -> str:
    m = re.search(rf"<(?:\w+:)?{tag}(?:\s[^>]*)?>([^<]*)<", body)
    return m.group(1) if m else ""


@dataclass
class OnvifDevice:
    replay_uri: str
    earliest: datetime
    latest: datetime
    user: str = "admin"
    password: str = "secret"
    clock_offset: float = 0.0
    profile_g: bool = True
    calls: list[str] = field(default_factory=list)
    port: int = 0
    # Recorded spans ([start, end), UTC) told by FindEvents on
    # tns1:RecordingHistory/Track/State; None: the device does not answer FindEvents.
    spans: list[tuple[datetime, datetime]] | None = None
    _event_window: tuple[datetime, datetime] | None = None

    def answer(self, body: str) -> tuple[int, str]:
        op = re.search(r"<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)", body)
        name = op.group(1) if op else ""
        self.calls.append(name)
        if name == "GetSystemDateAndTime":
            now = datetime.now(timezone.utc) + timedelta(seconds=self.clock_offset)
            return 200, _ENV.format(
                "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
                "<tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>true"
                "</tt:DaylightSavings><tt:UTCDateTime>"
                f"<tt:Time><tt:Hour>{now.hour}</tt:Hour><tt:Minute>{now.minute}</tt:Minute>"
                f"<tt:Second>{now.second}</tt:Second></tt:Time>"
                f"<tt:Date><tt:Year>{now.year}</tt:Year><tt:Month>{now.month}</tt:Month>"
                f"<tt:Day>{now.day}</tt:Day></tt:Date></tt:UTCDateTime>"
                "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>")
        if not self._authorised(body):
            return 400, _ENV.format(_FAULT.format("NotAuthorized",
                                                  "Sender not Authorized"))
        base = f"http://127.0.0.1:{self.port}/onvif"
        if name == "GetServices":
            services = [("http://www.onvif.org/ver10/device/wsdl", f"{base}/device_service")]
            if self.profile_g:
                services += [("http://www.onvif.org/ver10/search/wsdl", f"{base}/search_service"),
                             ("http://www.onvif.org/ver10/replay/wsdl", f"{base}/replay_service")]
            items = "".join(f"<tds:Service><tds:Namespace>{ns}</tds:Namespace><tds:XAddr>{x}"
                            "</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>40"
                            "</tt:Minor></tds:Version></tds:Service>" for ns, x in services)
            return 200, _ENV.format(f"<tds:GetServicesResponse>{items}</tds:GetServicesResponse>")
        if name == "GetRecordingSummary":
            return 200, _ENV.format(
                "<tse:GetRecordingSummaryResponse><tse:Summary>"
                f"<tt:DataFrom>{_iso(self.earliest)}</tt:DataFrom>"
                f"<tt:DataUntil>{_iso(self.latest)}</tt:DataUntil>"
                "<tt:NumberRecordings>1</tt:NumberRecordings>"
                "</tse:Summary></tse:GetRecordingSummaryResponse>")
        if name == "FindRecordings":
            return 200, _ENV.format("<tse:FindRecordingsResponse><tse:SearchToken>search-1"
                                    "</tse:SearchToken></tse:FindRecordingsResponse>")
        if name == "GetRecordingSearchResults":
            return 200, _ENV.format(
                "<tse:GetRecordingSearchResultsResponse><tse:ResultList>"
                "<tt:SearchState>Completed</tt:SearchState><tt:RecordingInformation>"
                "<tt:RecordingToken>rec1</tt:RecordingToken><tt:Source>"
                "<tt:SourceId>cam-001</tt:SourceId><tt:Name>Mairie</tt:Name>"
                "<tt:Location>Hall</tt:Location><tt:Description/><tt:Address/></tt:Source>"
                f"<tt:EarliestRecording>{_iso(self.earliest)}</tt:EarliestRecording>"
                f"<tt:LatestRecording>{_iso(self.latest)}</tt:LatestRecording>"
                "<tt:Content/><tt:RecordingStatus>Stopped</tt:RecordingStatus>"
                "</tt:RecordingInformation></tse:ResultList>"
                "</tse:GetRecordingSearchResultsResponse>")
        if name == "FindEvents" and self.spans is not None:
            lo = _parse_iso(_get(body, "StartPoint"))
            hi = _parse_iso(_get(body, "EndPoint"))
            self._event_window = (lo, hi)
            return 200, _ENV.format("<tse:FindEventsResponse><tse:SearchToken>events-1"
                                    "</tse:SearchToken></tse:FindEventsResponse>")
        if name == "GetEventSearchResults" and self.spans is not None \
                and self._event_window is not None:
            return 200, _ENV.format(self._event_results(*self._event_window))
        if name == "GetReplayUri":
            return 200, _ENV.format(f"<trp:GetReplayUriResponse><trp:Uri>{self.replay_uri}"
                                    "</trp:Uri></trp:GetReplayUriResponse>")
        return 400, _ENV.format(_FAULT.format("ActionNotSupported", name))

    def _event_results(self, lo: datetime, hi: datetime) -> str:
        """The Search service's answer: the track's data-present state at ``lo`` (a start
        state event), then each change within ``[lo, hi]``."""
        assert self.spans is not None
        events = [(lo, any(a <= lo < b for a, b in self.spans), True)]
        for a, b in self.spans:
            events += [(t, present, False) for t, present in ((a, True), (b, False))
                       if lo < t <= hi]
        results = "".join(
            "<tt:Result><tt:RecordingToken>rec1</tt:RecordingToken>"
            f"<tt:TrackToken>VIDEO001</tt:TrackToken><tt:Time>{_iso(t)}</tt:Time><tt:Event>"
            '<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">'
            "tns1:RecordingHistory/Track/State</wsnt:Topic><wsnt:Message>"
            f'<tt:Message UtcTime="{_iso(t)}"><tt:Source><tt:SimpleItem Name="Track" '
            'Value="VIDEO001"/></tt:Source><tt:Data><tt:SimpleItem Name="IsDataPresent" '
            f'Value="{"true" if present else "false"}"/></tt:Data></tt:Message>'
            "</wsnt:Message></tt:Event>"
            f"<tt:StartStateEvent>{'true' if start else 'false'}</tt:StartStateEvent>"
            "</tt:Result>" for t, present, start in sorted(events, key=lambda e: e[0]))
        return ("<tse:GetEventSearchResultsResponse><tse:ResultList><tt:SearchState>Completed"
                f"</tt:SearchState>{results}</tse:ResultList>"
                "</tse:GetEventSearchResultsResponse>")

    def _authorised(self, body: str) -> bool:
        def get(tag: str) -> str:
            m = re.search(rf"<(?:\w+:)?{tag}(?:\s[^>]*)?>([^<]*)<", body)
            return m.group(1) if m else ""

        user, digest, nonce, created = (get("Username"), get("Password"), get("Nonce"),
                                        get("Created"))
        if user != self.user or not nonce:
            return False
        expected = base64.b64encode(hashlib.sha1(
            base64.b64decode(nonce) + created.encode() + self.password.encode()).digest())
        return digest == expected.decode()


@contextmanager
def onvif_device(device: OnvifDevice) -> Iterator[OnvifDevice]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            size = int(self.headers.get("Content-Length", "0"))
            status, text = device.answer(self.rfile.read(size).decode("utf-8", "replace"))
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    device.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="onvif-sim", daemon=True)
    thread.start()
    try:
        yield device
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
