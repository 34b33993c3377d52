"""Evidence export of a camera with privacy masks: its video decoded and re-encoded (H.264,
libx264) with the masks burned into every image — the same polygons, filled the same way, as
the live view (:mod:`csu_wall.media.masks`) — and, on request, a caption (camera, commune,
Paris time of the image) burned in the bottom-left corner with DejaVu Sans.

Every image keeps its own time (presentation timestamps copied from the stream copy), so the
delivered period is the stream copy's. The masks' *version* is the SHA-256 of their polygons
(normalised coordinates, canonical JSON): the manifest names it and lists the polygons, so the
version applied can be checked against the site file.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from csu_wall.core.errors import CsuWallError
from csu_wall.core.model import PrivacyMask
from csu_wall.media.masks import apply_masks

PARIS = ZoneInfo("Europe/Paris")
MASK_RGB = (48, 48, 48)  # media.masks.MASK_BGRA's grey (the same in RGB)
ENCODER = "libx264"
PRESET = "veryfast"
CRF = "20"  # visually lossless for CCTV, about the recorders' own rate at 1080p
FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/dejavu/DejaVuSans.ttf")


class EncodeError(CsuWallError):
    """The video could not be re-encoded (French message)."""


class EncodeCancelled(CsuWallError):
    """The cancel event was set during the re-encoding."""


@dataclass(frozen=True)
class Caption:
    camera: str
    commune: str


def masks_version(masks: Sequence[PrivacyMask]) -> str:
    """The version of a camera's masks: SHA-256 (first 16 hex digits) of their polygons."""
    data = json.dumps([[[round(x, 6), round(y, 6)] for x, y in m.points] for m in masks],
                      separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def masks_as_data(masks: Sequence[PrivacyMask]) -> list[list[list[float]]]:
    return [[[x, y] for x, y in m.points] for m in masks]


def reencode(src: Path, dst: Path, masks: Sequence[PrivacyMask], first_utc: datetime,
             cancel: threading.Event, caption: Caption | None = None,
             progress: Callable[[int], None] | None = None) -> int:
    """Decode ``src`` and write ``dst`` (MP4, H.264) with ``masks`` filled on every image and
    the optional caption; returns the images written (``progress``: the count so far, every
    25 images)."""
    try:
        with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4") as out:
            ist = inp.streams.video[0]
            ist.thread_type = "AUTO"
            rate = ist.average_rate or Fraction(25)
            base = ist.time_base or Fraction(1, 90000)
            ost = cast(av.VideoStream, out.add_stream(ENCODER, rate=rate))
            ost.width, ost.height = ist.codec_context.width, ist.codec_context.height
            ost.pix_fmt = "yuv420p"
            ost.time_base = base
            ost.codec_context.time_base = base
            ost.options = {"preset": PRESET, "crf": CRF,
                           "g": str(max(1, round(float(rate) * 2)))}
            n = 0
            pts0: int | None = None
            for frame in inp.decode(ist):
                if n % 25 == 0:
                    if cancel.is_set():
                        raise EncodeCancelled("Export annulé.")
                    if progress is not None:
                        progress(n)
                if frame.pts is None:
                    raise EncodeError("Vidéo sans horodatage d'image : réencodage impossible.")
                pts0 = frame.pts if pts0 is None else pts0
                image = frame.to_ndarray(format="rgb24")
                apply_masks(image, masks, MASK_RGB)
                if caption is not None:
                    when = first_utc + timedelta(seconds=float((frame.pts - pts0) * base))
                    burn_caption(image, caption, when)
                new = av.VideoFrame.from_ndarray(image, format="rgb24")
                new.pts = frame.pts
                new.time_base = base
                for packet in ost.encode(new):
                    out.mux(packet)
                n += 1
            for packet in ost.encode(None):
                out.mux(packet)
            return n
    except av.FFmpegError as exc:
        raise EncodeError(f"La vidéo ne peut pas être réencodée ({exc}).") from None


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


@lru_cache(maxsize=4)
def _caption_image(text: str, size: int) -> np.ndarray:
    """White text on a dark band, RGB; drawn once per distinct text (once a second)."""
    font = _font(size)
    left, top, right, bottom = font.getbbox(text)
    pad = max(2, size // 4)
    w, h = int(right - left) + 2 * pad, int(bottom - top) + 2 * pad
    img = Image.new("RGB", (w, h), (0, 0, 0))
    ImageDraw.Draw(img).text((pad - left, pad - top), text, font=font, fill=(255, 255, 255))
    return np.asarray(img)


def caption_text(caption: Caption, when: datetime) -> str:
    local = when.astimezone(PARIS)
    return (f"{caption.camera} — {caption.commune} — {local:%d/%m/%Y %H:%M:%S} "
            f"{local.tzname()} ({when.astimezone(timezone.utc):%H:%M:%S} UTC)")


def burn_caption(image: np.ndarray, caption: Caption, when: datetime) -> None:
    """The caption in the bottom-left corner, in place (cut to the image's width)."""
    h, w = image.shape[:2]
    size = max(9, h // 36)
    label = _caption_image(caption_text(caption, when), size)
    lh, lw = min(label.shape[0], h), min(label.shape[1], w)
    image[h - lh:h, 0:lw] = label[:lh, :lw]
