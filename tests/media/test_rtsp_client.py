"""Our small RTSP client: H.264 depacketisation (single NAL, STAP-A, FU-A) checked by decoding
real x264 output, the headers FFmpeg cannot send, auth, timeouts and a prompt stop."""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from fractions import Fraction

import av
import numpy as np
import pytest

from csu_wall.core.errors import (
    RecorderAuthError,
    RecorderBadAnswer,
    RecorderNotSupported,
    RecorderUnreachable,
)
from csu_wall.core.replay import paris_hms
from csu_wall.media.rtsp_client import (
    FLAG_C,
    FLAG_D,
    FLAG_E,
    FLAG_T,
    RtspClient,
    Sdp,
    Stopped,
    _is_bye,
    parse_clock_range,
    parse_sdp,
    split_url,
)
from tests.rtsp.fixture import RtspServer, SilentServer

pytestmark = pytest.mark.timeout(60)


def _encoded_frames(n: int = 12) -> list[list[bytes]]:
    """NAL units (no start codes) of ``n`` real x264 frames, one list per frame."""
    ctx = av.CodecContext.create("libx264", "w")
    ctx.width, ctx.height, ctx.pix_fmt = 160, 96, "yuv420p"
    ctx.time_base = Fraction(1, 25)
    ctx.options = {"preset": "ultrafast", "tune": "zerolatency", "x264-params": "keyint=6"}
    out = []
    for i in range(n):
        img = np.zeros((96, 160, 3), np.uint8)
        img[:, (i * 7) % 160:] = 200
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = i
        for packet in ctx.encode(frame):
            data = bytes(packet)
            out.append([p.rstrip(b"\x00") for p in data.split(b"\x00\x00\x01")[1:]])
    return out


def _rtp(seq: int, ts: int, payload: bytes, marker: bool) -> bytes:
    return (bytes([0x80, (0x80 if marker else 0) | 96]) + seq.to_bytes(2, "big")
            + ts.to_bytes(4, "big") + b"\x00\x00\x00\x01" + payload)


def _packetise(frames: list[list[bytes]], mtu: int = 60) -> list[bytes]:
    """STAP-A for the small header NALs, FU-A for big slices, single NAL otherwise."""
    pkts: list[bytes] = []
    seq = 0
    for i, nals in enumerate(frames):
        ts = i * 3600
        small = [n for n in nals if n[0] & 0x1F in (6, 7, 8, 9)]
        rest = [n for n in nals if n not in small]
        units: list[bytes] = []
        if small:
            units.append(bytes([24]) + b"".join(len(n).to_bytes(2, "big") + n for n in small))
        for nal in rest:
            if len(nal) <= mtu:
                units.append(nal)
                continue
            head, body = nal[0], nal[1:]
            chunks = [body[k:k + mtu] for k in range(0, len(body), mtu)]
            for k, chunk in enumerate(chunks):
                fu = (head & 0x1F) | (0x80 if k == 0 else 0) | (0x40 if k == len(chunks) - 1
                                                                 else 0)
                units.append(bytes([(head & 0xE0) | 28, fu]) + chunk)
        for k, unit in enumerate(units):
            pkts.append(_rtp(seq, ts, unit, k == len(units) - 1))
            seq += 1
    return pkts


def test_depacketises_single_nal_stap_a_and_fu_a_into_decodable_access_units() -> None:
    frames = _encoded_frames()
    client = RtspClient("rtsp://127.0.0.1:9/x")
    client.sdp = Sdp("c", "a", 96, 90000, ())
    aus = [au for p in _packetise(frames) if (au := client._depacketise(p)) is not None]
    assert len(aus) == len(frames)
    assert [au.key for au in aus] == [any(n[0] & 0x1F == 5 for n in f) for f in frames]
    assert all(au.rtp_ts == i * 3600 for i, au in enumerate(aus))
    dec = av.CodecContext.create("h264", "r")
    decoded = [f for au in aus for f in dec.decode(av.Packet(au.data))]
    assert len(decoded) == len(frames)


def test_a_lost_fragment_drops_only_that_frame() -> None:
    frames = _encoded_frames(4)
    pkts = _packetise(frames, mtu=40)
    fu_middle = next(i for i, p in enumerate(pkts) if p[12] & 0x1F == 28 and not p[13] & 0xC0)
    del pkts[fu_middle]
    client = RtspClient("rtsp://127.0.0.1:9/x")
    aus = [au for p in pkts if (au := client._depacketise(p)) is not None]
    # The damaged frame (one slice) is dropped; the others come whole and unmerged.
    assert len(aus) == len(frames) - 1
    assert len({au.rtp_ts for au in aus}) == len(aus)


def _onvif_rtp(seq: int, ts: int, payload: bytes, marker: bool, ntp: float, flags: int,
               cseq: int) -> bytes:
    """An RTP packet with the ONVIF replay extension (0xABAC, 3 words), per the spec."""
    secs = int(ntp) + 2208988800
    frac = int((ntp % 1) * 2**32)
    ext = (b"\xab\xac\x00\x03" + secs.to_bytes(4, "big") + frac.to_bytes(4, "big")
           + bytes([flags, cseq]) + b"\x00\x00")
    return (bytes([0x90, (0x80 if marker else 0) | 96]) + seq.to_bytes(2, "big")
            + ts.to_bytes(4, "big") + b"\x00\x00\x00\x01" + ext + payload)


def test_onvif_extension_time_and_flags_over_an_access_unit() -> None:
    """C and D come on the first packets, E and T on the last: the unit carries them all."""
    nal = bytes([0x65]) + bytes(100)  # an IDR slice, sent in two FU-A fragments
    fu1 = bytes([0x7C, 0x85]) + nal[1:51]
    fu2 = bytes([0x7C, 0x45]) + nal[51:]
    client = RtspClient("rtsp://127.0.0.1:9/x")
    client.sdp = Sdp("c", "a", 96, 90000, ())
    assert client._depacketise(_onvif_rtp(1, 900, fu1, False, 1792889970.25,
                                          FLAG_C | FLAG_D, 3)) is None
    au = client._depacketise(_onvif_rtp(2, 900, fu2, True, 1792889970.25,
                                        FLAG_C | FLAG_E | FLAG_T, 3))
    assert au is not None and au.key and au.data == b"\x00\x00\x00\x01" + nal
    assert au.ntp_utc == pytest.approx(1792889970.25, abs=1e-6)
    assert au.flags == FLAG_C | FLAG_D | FLAG_E | FLAG_T


def test_video_still_marked_with_the_previous_play_is_dropped() -> None:
    client = RtspClient("rtsp://127.0.0.1:9/x")
    client.sdp = Sdp("c", "a", 96, 90000, ())
    client._play_cseq, client._stale_cseq = 5, 4
    old = _onvif_rtp(1, 0, bytes([0x41, 1, 2]), True, 1.0, 0, 4)
    new = _onvif_rtp(2, 90, bytes([0x41, 1, 2]), True, 2.0, FLAG_D, 5)
    assert client._depacketise(old) is None
    au = client._depacketise(new)
    assert au is not None and au.ntp_utc == pytest.approx(2.0)


def test_clock_ranges_and_rtcp_bye() -> None:
    assert parse_clock_range("clock=19990616T115954Z-") == (929534394.0, None)
    assert parse_clock_range("clock=20261025T005948.400Z-20261025T010029.960Z") == (
        pytest.approx(1792889988.4), pytest.approx(1792890029.96))
    assert parse_clock_range("npt=0-") == (None, None) and parse_clock_range(None) == (None,
                                                                                   None)
    sr = bytes([0x80, 200, 0, 6]) + bytes(24)
    bye = bytes([0x81, 203, 0, 1]) + bytes(4)
    assert _is_bye(sr + bye) and not _is_bye(sr)


def test_paris_times_say_their_offset_in_the_repeated_hour() -> None:
    from datetime import datetime, timezone

    assert paris_hms(datetime(2026, 10, 25, 0, 59, 39, tzinfo=timezone.utc)) == \
        "02:59:39 (UTC+2)"
    assert paris_hms(datetime(2026, 10, 25, 1, 0, 1, tzinfo=timezone.utc)) == \
        "02:00:01 (UTC+1)"
    assert paris_hms(datetime(2026, 10, 25, 2, 0, 1, tzinfo=timezone.utc), date=True) == \
        "25/10/2026 03:00:01"


def test_sdp_track_url_keeps_the_vendor_time_query() -> None:
    sdp = parse_sdp("v=0\r\na=control:*\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                    "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0IAHg==,aM4=\r\n"
                    "a=control:trackID=1\r\n",
                    "rtsp://h/Streaming/tracks/101?starttime=20261025T005950Z/")
    assert sdp.control == "rtsp://h/Streaming/tracks/101/trackID=1?starttime=20261025T005950Z"
    assert sdp.aggregate == "rtsp://h/Streaming/tracks/101?starttime=20261025T005950Z"
    assert sdp.sps_pps == (b"gB\x00\x1e", b"h\xce")


def test_rtsps_is_refused_before_any_connection() -> None:
    with pytest.raises(RecorderNotSupported, match="RTSPS"):
        RtspClient("rtsps://127.0.0.1:322/a", credentials=("u", "p")).connect()


def test_credentials_in_the_url_are_taken_out() -> None:
    url, cred = split_url("rtsp://op%40csu:p%3Ass@10.0.0.1:554/a")
    assert (url, cred) == ("rtsp://10.0.0.1:554/a", ("op@csu", "p:ss"))


@pytest.mark.rtsp
def test_onvif_replay_needs_the_require_header(playback_server: RtspServer) -> None:
    url = f"rtsp://127.0.0.1:{playback_server.port}/onvif/replay/rec1"
    plain = RtspClient(url, timeout=5)
    try:
        plain.connect()
        plain.describe()
        plain.setup()
        with pytest.raises(RecorderBadAnswer, match="551"):
            plain.play({"Range": "clock=20261025T005950Z-"})
    finally:
        plain.close()
    onvif = RtspClient(url, timeout=5, always={"Require": "onvif-replay"})
    try:
        onvif.connect()
        onvif.describe()
        onvif.setup()
        onvif.play({"Range": "clock=20261025T005950Z-", "Scale": "2"})
        au = onvif.read_access_unit(5)
        assert au is not None
    finally:
        onvif.teardown()
    assert playback_server.playback_requests()[-1]["scale"] == 2.0


@pytest.mark.rtsp
def test_basic_auth_and_wrong_password(rtsp_server) -> None:  # type: ignore[no-untyped-def]
    server = rtsp_server({"cam1": {"kind": "file", "gop": 25}}, auth=("operateur", "s3cr:t"))
    good = RtspClient(server.url("cam1"), timeout=5, credentials=("operateur", "s3cr:t"))
    try:
        good.connect()
        assert good.describe().payload_type == 96
    finally:
        good.close()
    bad = RtspClient(server.url("cam1"), timeout=5, credentials=("operateur", "faux"))
    try:
        bad.connect()
        with pytest.raises(RecorderAuthError) as err:
            bad.describe()
        assert "faux" not in str(err.value)
    finally:
        bad.close()


@pytest.fixture()
def digest_server() -> Iterator[tuple[int, list[str]]]:
    """A loopback RTSP endpoint that demands Digest (gst-rtsp-server here does Basic only)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    seen: list[str] = []

    def serve() -> None:
        conn, _ = sock.accept()
        conn.settimeout(5)
        buf = b""
        for _ in range(2):
            while b"\r\n\r\n" not in buf:
                buf += conn.recv(4096)
            req, buf = buf.split(b"\r\n\r\n", 1)
            text = req.decode()
            seen.append(text)
            cseq = re.search(r"CSeq: (\d+)", text).group(1)  # type: ignore[union-attr]
            auth = re.search(r'response="(\w+)"', text)
            ha1 = hashlib.md5(b"admin:cam:secret").hexdigest()
            ha2 = hashlib.md5(f"DESCRIBE {text.split()[1]}".replace(" ", ":", 1).encode())
            expected = hashlib.md5(f"{ha1}:n0nce:{ha2.hexdigest()}".encode()).hexdigest()
            if auth and auth.group(1) == expected:
                conn.sendall(f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n"
                             .encode())
            else:
                conn.sendall(f"RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\nWWW-Authenticate: "
                             'Digest realm="cam", nonce="n0nce"\r\nContent-Length: 0\r\n\r\n'
                             .encode())
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield sock.getsockname()[1], seen
    thread.join(5)
    sock.close()


def test_digest_auth_answers_the_challenge(digest_server: tuple[int, list[str]]) -> None:
    port, seen = digest_server
    client = RtspClient(f"rtsp://127.0.0.1:{port}/a", timeout=5, credentials=("admin", "secret"))
    try:
        client.connect()
        assert client.request("DESCRIBE", client.url, {}).status == 200
    finally:
        client.close()
    assert "Authorization: Digest" in seen[1] and "secret" not in seen[1]


def test_silent_server_times_out(silent_rtsp_server: SilentServer) -> None:
    client = RtspClient(silent_rtsp_server.url(), timeout=1.0)
    client.connect()
    t0 = time.monotonic()
    with pytest.raises(RecorderUnreachable):
        client.describe()
    assert time.monotonic() - t0 < 5
    client.close()


def test_stop_ends_a_blocked_call_within_100_ms(silent_rtsp_server: SilentServer) -> None:
    stop = threading.Event()
    client = RtspClient(silent_rtsp_server.url(), timeout=30, stop=stop)
    client.connect()
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(Stopped):
        client.describe()
    late = time.monotonic() - t0 - 0.3
    timer.join()
    client.close()
    assert late < 0.5  # 50 ms polls: ~0.1 s; margin for a shared machine
