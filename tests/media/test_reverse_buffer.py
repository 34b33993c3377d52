"""The reverse-play buffer of both decoder back-ends (decoding threads, decoder processes): a
GOP decoded whole, its pictures kept beside the newest-frame slot and shown on request in any
order, bounded in pictures and bytes (csu_wall.media.decode.gop_capacity: a tile of 2048×2048
keeps 4 pictures of 16 MiB within 64 MiB; beyond, keyframes only)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import av
import pytest

from csu_wall.media.decode import DecoderSpec, gop_capacity
from csu_wall.media.mailbox import Mailbox
from csu_wall.media.masks import Masker
from csu_wall.media.pool import DecodePool, Decoder
from csu_wall.media.procpool import ProcessDecodePool
from tests.media.helpers import wait_until
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_START
from tests.rtsp.onvif_replay_server import recording_from_clip
from tests.rtsp.timecode import read_time

pytestmark = pytest.mark.timeout(60)

TICKS = 90000 // RECORDED_FPS  # one frame, in 1/90000 s
SPEC = DecoderSpec("h264", None, 0, 0, Fraction(1, 90000))


@pytest.fixture(params=["thread", "process"])
def pool(request: pytest.FixtureRequest) -> Iterator[DecodePool | ProcessDecodePool]:
    made = DecodePool(1) if request.param == "thread" else ProcessDecodePool(1)
    yield made
    made.shutdown(time.monotonic() + 5, time.monotonic)


def gop_packets(clip: Path, first: int) -> list[av.Packet]:
    """The GOP starting at frame ``first`` of the recorded clip (25 frames), as packets with
    pts in frames × TICKS from its keyframe."""
    units = recording_from_clip(clip, RECORDED_START, RECORDED_FPS)[first:first + 25]
    assert units[0].key and not any(u.key for u in units[1:])
    packets = []
    for n, unit in enumerate(units):
        packet = av.Packet(b"".join(b"\x00\x00\x00\x01" + nal for nal in unit.nals))
        packet.pts = packet.dts = n * TICKS
        packet.is_keyframe = unit.key
        packets.append(packet)
    return packets


def decoder(pool: DecodePool | ProcessDecodePool, size: tuple[int, int]) -> Decoder:
    return pool.decoder("t1", 1, Mailbox(1), size, Masker(), lambda: None, time.monotonic)


def shows(dec: Decoder, gop: int, frame: int) -> bool:
    """Whether asking for picture ``frame`` of ``gop`` puts a new frame in the mailbox."""
    before = dec.mailbox.latest()
    dec.show_kept(gop, frame * TICKS)
    return wait_until(lambda: dec.mailbox.latest() is not before, 1.0, step=0.005)


def test_the_bound_in_pictures_and_bytes() -> None:
    assert gop_capacity((320, 192)) == 250  # pictures: 10 s at 25 fps
    assert gop_capacity((2048, 2048)) == 4  # bytes: 4 × 16 MiB within 64 MiB


def test_a_gop_decoded_whole_is_shown_newest_first(
        pool: DecodePool | ProcessDecodePool, recorded_clip: Path) -> None:
    dec = decoder(pool, (320, 192))
    dec.push_gop(SPEC, gop_packets(recorded_clip, 25 * 12), 7)
    assert wait_until(lambda: dec.kept_ready(7), 10)
    shown = []
    for frame in (24, 23, 12, 0):
        assert shows(dec, 7, frame)
        latest = dec.mailbox.latest()
        assert latest is not None
        shown.append(read_time(latest.image))
    start = RECORDED_START + timedelta(seconds=12)
    assert shown == [start + n * timedelta(seconds=1 / RECORDED_FPS) for n in (24, 23, 12, 0)]
    assert not dec.kept_ready(8)
    dec.close()


def test_a_gop_over_the_bound_keeps_its_first_pictures_and_its_keyframe(
        pool: DecodePool | ProcessDecodePool, recorded_clip: Path) -> None:
    dec = decoder(pool, (2048, 2048))  # room for 4 pictures
    dec.push_gop(SPEC, gop_packets(recorded_clip, 0), 1)
    assert wait_until(lambda: dec.kept_ready(1), 10)
    assert [shows(dec, 1, n) for n in (0, 3, 4, 10, 24)] == [True, True, False, False, False]
    dec.close()
