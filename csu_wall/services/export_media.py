"""One camera's video for an evidence export: how it is fetched and whether it is re-encoded.

- A recorder with an HTTP download API (Hikvision ``ContentMgmt/download``, Dahua
  ``loadfile.cgi``) is downloaded as fast as it sends, resumable with ``Range:``
  (:func:`~csu_wall.services.export_fetch.fetch_download`); one that answers 404 is played back.
- Otherwise its playback (ONVIF replay, Axis edge storage from an ``npt`` offset, a vendor or
  generic RTSP URL asked to stop at the end) is read with the project's RTSP client
  (:func:`~csu_wall.services.export_fetch.fetch`).
- A camera with privacy masks is then decoded and re-encoded with its masks burned in (and the
  optional caption): :mod:`csu_wall.services.export_encode`. Without masks the file is the
  stream copy.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from csu_wall.core.errors import RecorderNotSupported
from csu_wall.core.model import Camera
from csu_wall.core.ports import RecorderDriver, StreamSource
from csu_wall.services import export_encode as enc
from csu_wall.services.export_fetch import (
    ExportCancelled,
    ExportError,
    Fetched,
    ProgressSink,
    ceil_second,
    fetch,
    fetch_download,
    is_onvif,
)

Span = tuple[datetime, datetime]
CredentialsOf = Callable[[str], tuple[str, str] | None]


def export_camera(driver: RecorderDriver, camera: Camera, start: datetime, end: datetime,
                  work: Path, *, credentials: CredentialsOf, cancel: threading.Event,
                  progress: ProgressSink | None = None, timeout: float = 10.0,
                  read_timeout: float = 5.0, caption: enc.Caption | None = None
                  ) -> tuple[Fetched, tuple[Span, ...]]:
    """The camera's file in ``work`` and the recorded spans the recorder's search gave."""
    source = driver.playback_source(camera, start, 1.0)
    recorded = source.recorded
    recording_end = _recording_end(recorded, end)
    raw = work / f"{_safe(camera.id)}.h264"
    got: Fetched | None = None
    whole = progress
    if camera.masks and whole is not None:  # the fetch is the first half, the re-encoding
        def half(f: float) -> None:  # the second
            whole(f / 2)
        progress = half
    if hasattr(driver, "download_request") and hasattr(driver, "http"):
        try:
            got = fetch_download(driver, camera, start, end, raw,  # type: ignore[arg-type]
                                 cancel=cancel, progress=progress,
                                 recording_end=recording_end)
        except RecorderNotSupported:
            got = None  # no download API on this recorder: its playback
    if got is None:
        source = _asked_to_end(driver, camera, source, start, end)
        cred = credentials(source.credential_ref) if source.credential_ref else None

        def replay_from(t: datetime) -> str:  # a vendor URL's new replay after a cut
            again = driver.playback_source(camera, t, 1.0)
            return _asked_to_end(driver, camera, again, t, end).url

        got = fetch(source, start, end, raw, credentials=cred, cancel=cancel,
                    progress=progress, timeout=timeout, read_timeout=read_timeout,
                    recording_end=recording_end, replay_from=replay_from)
    if camera.masks:
        got = masked(got, camera, cancel, caption, whole)
    return got, recorded


def _asked_to_end(driver: RecorderDriver, camera: Camera, source: StreamSource,
                  start: datetime, end: datetime) -> StreamSource:
    """A vendor or generic playback URL asked to stop at the end (the driver's own URL shape:
    Dahua's local wall-clock times, a generic template's ``{end}``)."""
    if is_onvif(source) or "npt-origin" in source.options:
        return source
    playback_url = getattr(driver, "playback_url", None)
    if playback_url is None:
        return source
    url = playback_url(camera, start, ceil_second(end))
    if url.startswith("/"):
        parts = urlsplit(source.url)
        url = f"{parts.scheme}://{parts.netloc}{url}"
    return replace(source, url=url)


def masked(got: Fetched, camera: Camera, cancel: threading.Event,
           caption: enc.Caption | None, progress: ProgressSink | None = None) -> Fetched:
    """The stream copy decoded and re-encoded with the camera's masks (and caption);
    ``progress`` goes from 0.5 to 1 with the images re-encoded."""
    tmp = got.path.with_name(got.path.stem + ".masque.mp4")

    def done(n: int) -> None:
        if progress is not None:
            progress(0.5 + 0.5 * min(1.0, n / max(1, got.images)))

    try:
        n = enc.reencode(got.path, tmp, camera.masks, got.first_utc, cancel, caption, done)
    except enc.EncodeCancelled:
        tmp.unlink(missing_ok=True)
        raise ExportCancelled("Export annulé.") from None
    except enc.EncodeError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(str(exc)) from None
    if n != got.images:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"Réencodage incomplet : {n} images pour {got.images} reçues.")
    os.replace(tmp, got.path)
    return replace(got, reencoded=True, masks_version=enc.masks_version(camera.masks))


def treatment(got: Fetched) -> str:
    """What was done to the video, as the PV says it."""
    if got.reencoded:
        return f"réencodé avec masques, version {got.masks_version}"
    return "copie du flux, sans réencodage"


def _recording_end(recorded: tuple[Span, ...], end: datetime) -> datetime | None:
    """The end of the recording when the recorder's search says it stops before ``end``."""
    if not recorded:
        return None
    last = max(b for _a, b in recorded)
    return last if last < end else None


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)[:80] or "camera"
