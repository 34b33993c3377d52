"""Icons, styles and translations found through the package (never the working directory)."""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable

from PySide6.QtGui import QIcon

from csu_wall.core.frames import TileState

_STATE_ICONS = {
    TileState.IDLE: "status-idle",
    TileState.CONNECTING: "status-connecting",
    TileState.LIVE: "status-live",
    TileState.STALLED: "status-warning",
    TileState.LOST: "status-warning",
    TileState.PAUSED: "status-idle",
    TileState.UNAUTHORISED: "status-error",
    TileState.UNREACHABLE: "status-error",
    TileState.DENIED: "status-denied",
    TileState.ENDED: "status-idle",
    TileState.NO_RECORDING: "status-warning",
    TileState.REFUSED: "status-error",
}


def resource(*parts: str) -> Traversable:
    return resources.files("csu_wall.resources").joinpath(*parts)


@functools.cache
def icon(name: str) -> QIcon:
    """An SVG icon from resources/icons (needs a QGuiApplication)."""
    path = resource("icons", f"{name}.svg")
    # Package data is plain files here (editable or wheel install, PyInstaller folder).
    return QIcon(str(path))


def state_icon(state: TileState) -> QIcon:
    return icon(_STATE_ICONS[state])


def style_sheet() -> str:
    qss = resources.files("csu_wall.ui").joinpath("style.qss").read_text(encoding="utf-8")
    return qss.replace("@ICONS@", str(resource("icons")).replace("\\", "/"))  # url()s


def translation_file(language: str) -> Traversable:
    return resource("translations", f"csu_wall_{language}.qm")
