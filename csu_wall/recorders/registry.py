"""Which driver serves a recorder."""

from __future__ import annotations

from pathlib import Path

from csu_wall.core.errors import RecorderNotSupported
from csu_wall.core.model import Recorder
from csu_wall.core.ports import RecorderDriver
from csu_wall.recorders.demo import DemoDriver
from csu_wall.recorders.rtsp import GenericRtspDriver


def driver_for(recorder: Recorder, *, clip_dir: Path) -> RecorderDriver:
    """The driver for ``recorder.driver``; RecorderNotSupported (French) for families not
    built yet."""
    if recorder.driver == "demo":
        return DemoDriver(recorder, clip_dir)  # type: ignore[return-value]  # issue 7 in progress
    if recorder.driver == "rtsp":
        return GenericRtspDriver(recorder)  # type: ignore[return-value]  # issue 7 in progress
    raise RecorderNotSupported(
        f"L'enregistreur {recorder.id} utilise le pilote « {recorder.driver} », pas encore "
        "disponible dans cette version : déclarez-le en pilote « rtsp » avec le chemin de ses "
        "flux, ou attendez une mise à jour.")
