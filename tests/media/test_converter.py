"""One converter for every stream of a decoder process: streams of one geometry share a
swscale context, each geometry gets its own (the least recently used dropped past the bound),
and a shared context converts exactly as a stream's own would. Pictures are converted
straight into the caller's buffer by the libswscale PyAV bundles, exactly as PyAV's own
reformatter converts them; where that cannot be, by PyAV."""

from __future__ import annotations

import logging
import mmap
from fractions import Fraction
from typing import Any

import av
import numpy as np
import pytest

from csu_wall.media import decode
from csu_wall.media.decode import Converter

pytestmark = pytest.mark.timeout(30)


def _frame(width: int, height: int, shade: int) -> av.VideoFrame:
    rng = np.random.default_rng(shade)
    image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    return av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")


def _kept(converter: Converter) -> list[tuple[Any, ...]]:
    """The geometries the converter holds a context for, oldest first."""
    return list(converter._direct if converter.direct else converter._reformatters)


@pytest.fixture(params=[True, False], ids=["direct", "pyav"])
def direct(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_streams_of_one_geometry_share_a_context_and_convert_as_their_own_would(
        direct: bool) -> None:
    shared = Converter(keep=4, direct=direct)
    a, b = _frame(640, 360, 1), _frame(640, 360, 2)
    out_a, out_b = shared.to_bgra(a, 240, 135), shared.to_bgra(b, 240, 135)
    assert len(_kept(shared)) == 1  # one context for both streams
    assert np.array_equal(out_a, Converter(direct=direct).to_bgra(a, 240, 135))
    assert np.array_equal(out_b, Converter(direct=direct).to_bgra(b, 240, 135))
    assert not np.array_equal(out_a, out_b)

    shared.to_bgra(_frame(320, 180, 3), 240, 135)  # another source size
    shared.to_bgra(a, 160, 90)  # another tile size
    assert len(_kept(shared)) == 3
    assert np.array_equal(shared.to_bgra(a, 240, 135), out_a)  # back to the first: same


def test_past_its_bound_the_least_recently_used_geometry_is_dropped(direct: bool) -> None:
    shared = Converter(keep=2, direct=direct)
    frame = _frame(640, 360, 1)
    shared.to_bgra(frame, 240, 135)
    shared.to_bgra(frame, 160, 90)
    shared.to_bgra(frame, 240, 135)  # used again: the 160×90 one is now the oldest
    shared.to_bgra(frame, 320, 180)
    assert [key[-2:] for key in _kept(shared)] == [(240, 135), (320, 180)]
    assert len(Converter()._reformatters) == 0 and Converter()._keep == 1  # a stream's own


def _decoded(count: int) -> list[av.VideoFrame]:
    """Pictures as a decoder gives them (an H.264 decoder sites chroma on the left, which
    PyAV's reformatter reads from the frame)."""
    rng = np.random.default_rng(7)
    codec = av.CodecContext.create("libx264", "w")
    codec.width, codec.height, codec.pix_fmt = 640, 360, "yuv420p"
    codec.time_base = Fraction(1, 25)
    codec.options = {"preset": "ultrafast", "tune": "zerolatency"}
    packets = []
    for index in range(count):
        image = rng.integers(0, 255, (360, 640, 3), dtype=np.uint8)
        image[:120] = np.linspace(0, 255, 640, dtype=np.uint8)[None, :, None]
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = index
        packets += codec.encode(frame)
    packets += codec.encode(None)
    decoder = av.CodecContext.create("h264", "r")
    decoder.extradata = codec.extradata
    frames = [f for p in packets for f in decoder.decode(p)]
    return frames + list(decoder.decode(None))


@pytest.mark.skipif(decode._Swscale.load() is None, reason="no libswscale found beside PyAV")
def test_a_picture_is_written_straight_into_shared_memory_exactly_as_pyav_converts_it() -> None:
    converter = Converter(keep=4)
    assert converter.direct
    slot = 240 * 135 * 4
    memory = mmap.mmap(-1, 3 * slot)  # three slots, as a stream's segment holds them
    memory[:] = b"\x7f" * (3 * slot)
    for frame in _decoded(6):
        target = np.ndarray((135, 240, 4), dtype=np.uint8, buffer=memory, offset=slot)
        converter.into(frame, target)
        assert np.array_equal(target, converter.pyav_bgra(frame, 240, 135))
    # the slots on either side are untouched
    assert memory[:slot] == b"\x7f" * slot and memory[2 * slot:] == b"\x7f" * slot
    assert all(_kept(converter)) and len(_kept(converter)) == 1
    assert list(converter._direct.values())[0] != 0  # converted directly, not by PyAV
    # other colours, formats and ranges: each geometry's own scaler, still PyAV's picture
    base = av.VideoFrame.from_ndarray(
        np.random.default_rng(3).integers(0, 255, (360, 640, 3), dtype=np.uint8), "rgb24")
    for fmt, space, colour_range in (("yuv420p", 1, 1), ("yuvj420p", 2, 2), ("nv12", 6, 1),
                                     ("yuv422p", 5, 2)):
        frame = base.reformat(format=fmt)
        frame.colorspace, frame.color_range = space, colour_range
        assert np.array_equal(converter.to_bgra(frame, 160, 90),
                              converter.pyav_bgra(frame, 160, 90)), (fmt, space, colour_range)


@pytest.mark.skipif(decode._Swscale.load() is None, reason="no libswscale found beside PyAV")
def test_a_geometry_whose_direct_picture_is_not_pyavs_goes_through_pyav(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    swscale = decode._Swscale.load()
    assert swscale is not None
    real = swscale.run

    def off_by_one_row(ctx: int, frame: av.VideoFrame, target: np.ndarray) -> bool:
        done = real(ctx, frame, target)
        target[:] = np.roll(target, 40, axis=1)  # what a wrong stride would give
        return done

    monkeypatch.setattr(swscale, "run", off_by_one_row)
    converter = Converter()
    frame = _decoded(1)[0]
    with caplog.at_level(logging.WARNING, logger="csu_wall.media.decode"):
        picture = converter.to_bgra(frame, 240, 135)
    assert np.array_equal(picture, converter.pyav_bgra(frame, 240, 135))
    assert list(converter._direct.values()) == [0]  # this geometry: PyAV from now on
    assert "differs from PyAV" in caplog.text
    again = converter.to_bgra(frame, 240, 135)
    assert np.array_equal(again, picture)


def test_the_direct_scaler_is_pyavs_own_even_when_opencvs_ffmpeg_was_loaded_first() -> None:
    """OpenCV's wheel bundles an FFmpeg of another major version, which a decoder process
    loads with ``cv2`` (masks) before its first conversion: in that process's memory map,
    OpenCV's libswscale comes first. The scaler called directly must still be the one PyAV
    reports."""
    import subprocess
    import sys

    script = (
        "import av\n"
        "import csu_wall.media._decoder_process\n"  # imports as a decoder process does
        "from csu_wall.media import decode\n"
        "for name in ('swscale', 'avutil'):\n"
        "    path = decode._loaded_library(name)\n"
        "    print(name, decode._major_version(path), av.library_versions['lib' + name][0],"
        " 'opencv' in path)\n")
    out = subprocess.run(["timeout", "60", sys.executable, "-c", script], capture_output=True,
                         text=True, check=True).stdout.split("\n")
    assert [line.split() for line in out if line] == [
        ["swscale", str(av.library_versions["libswscale"][0]),
         str(av.library_versions["libswscale"][0]), "False"],
        ["avutil", str(av.library_versions["libavutil"][0]),
         str(av.library_versions["libavutil"][0]), "False"]]


@pytest.mark.parametrize(("path", "major"), [
    ("/usr/lib/x86_64-linux-gnu/libswscale.so.7", 7),
    ("av.libs/libswscale-88e9f973.so.9.5.102", 9),  # the wheel's hash is not a version
    ("av/.dylibs/libswscale.9.5.100.dylib", 9),
    ("av.libs/swscale-9-0a1b2c3d.dll", 9),
    ("libswscale.so", None),
])
def test_a_librarys_major_version_is_read_from_its_file_name(path: str,
                                                              major: int | None) -> None:
    assert decode._major_version(path) == major
