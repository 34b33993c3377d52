"""What a tile paints over its picture (name, rung badge, status and age, words, drop hint,
focus frame), drawn once into the tile's cached overlay pixmap, and the operator's words for a
tile state (source English, shipped French)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from csu_wall.core.frames import TileState

if TYPE_CHECKING:
    from csu_wall.core.feed import TileFeed
    from csu_wall.gui.tile import TileWidget

_PLATE = QColor(0, 0, 0, 200)
_FOCUS = QColor(64, 160, 255)
_HINT_ON = QColor(120, 200, 255)
_BADGE = QColor(200, 215, 235)
_STATE_COLOURS = {
    TileState.LIVE: QColor(80, 210, 110),
    TileState.CONNECTING: QColor(230, 190, 70),
    TileState.STALLED: QColor(240, 150, 50),
    TileState.LOST: QColor(240, 110, 60),
    TileState.UNAUTHORISED: QColor(235, 70, 70),
    TileState.UNREACHABLE: QColor(235, 70, 70),
    TileState.DENIED: QColor(235, 70, 70),
    TileState.PAUSED: QColor(160, 170, 185),
    TileState.IDLE: QColor(160, 170, 185),
    TileState.ENDED: QColor(160, 170, 185),
    TileState.NO_RECORDING: QColor(230, 190, 70),
    TileState.REFUSED: QColor(235, 70, 70),
}
_EXPLAINED = {TileState.DENIED, TileState.UNAUTHORISED, TileState.UNREACHABLE, TileState.LOST,
              TileState.ENDED, TileState.NO_RECORDING, TileState.REFUSED}


def status_text(state: TileState) -> str:
    """The operator's word for a tile state (source English, shipped French)."""
    translate = QCoreApplication.translate
    if state is TileState.CONNECTING:
        return translate("TileWidget", "connecting…")
    if state is TileState.LIVE:
        return translate("TileWidget", "live")
    if state is TileState.STALLED:
        return translate("TileWidget", "stream frozen")
    if state is TileState.LOST:
        return translate("TileWidget", "lost — reconnecting…")
    if state is TileState.UNAUTHORISED:
        return translate("TileWidget", "credentials refused")
    if state is TileState.UNREACHABLE:
        return translate("TileWidget", "unreachable")
    if state is TileState.DENIED:
        return translate("TileWidget", "not habilitated")
    if state is TileState.PAUSED:
        return translate("TileWidget", "paused")
    if state is TileState.ENDED:
        return translate("TileWidget", "end of the recording")
    if state is TileState.NO_RECORDING:
        return translate("TileWidget", "no recording at this time")
    if state is TileState.REFUSED:
        return translate("TileWidget", "playback refused by the recorder")
    return ""


def rung_text(feed: TileFeed) -> str:
    """HQ / SD / I / pause: what the overload ladder lets this tile decode now."""
    rung = feed.rung
    if rung is None:
        return ""
    label = rung.label
    if label == "pause":
        return QCoreApplication.translate("TileWidget", "pause")
    return label


def paint_overlay(tile: TileWidget, painter: QPainter) -> list[QRect]:
    """Paint the overlay; returns the rectangles it painted (the tile blends only those)."""
    painted: list[QRect] = []
    metrics = painter.fontMetrics()
    line = metrics.height() + 6
    translate = QCoreApplication.translate
    if tile.camera is None:
        painter.setPen(_HINT_ON if tile._drop_hover else QColor(120, 130, 145))
        painted.append(painter.drawText(
            tile.rect(), Qt.AlignmentFlag.AlignCenter,
            translate("TileWidget", "Drop a camera here")).adjusted(-2, -2, 2, 2))
    else:
        name = tile.camera.name
        if tile._touring:
            name = translate("TileWidget", "{name} (tour)").format(name=name)
        name_rect = QRect(4, 4, min(metrics.horizontalAdvance(name) + 12,
                                    tile.width() - 8), line)
        painter.fillRect(name_rect, _PLATE)
        painted.append(name_rect)
        painter.setPen(QColor(235, 238, 245))
        painter.drawText(name_rect.adjusted(6, 0, -6, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
    badges = " ".join(b for b in (
        tile._rung,
        translate("TileWidget", "zoom") if tile.view is not None else "") if b)
    if badges:
        width = metrics.horizontalAdvance(badges) + 12
        rect = QRect(tile.width() - width - 4, 4, width, line)
        painter.fillRect(rect, _PLATE)
        painted.append(rect)
        painter.setPen(_BADGE)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badges)
    status = tile.shown_status()
    age = tile.age_text()
    bottom = " · ".join(t for t in (status, age) if t)
    if bottom:
        width = min(metrics.horizontalAdvance(bottom) + 12, tile.width() - 8)
        rect = QRect(4, tile.height() - line - 4, width, line)
        painter.fillRect(rect, _PLATE)
        painted.append(rect)
        colour = _STATE_COLOURS[TileState.STALLED if tile.stale else tile.state]
        painter.setPen(colour)
        painter.drawText(rect.adjusted(6, 0, -6, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, bottom)
    if tile.state in _EXPLAINED and tile.detail:
        painter.setPen(QColor(220, 200, 200))
        painted.append(painter.drawText(
            tile.rect().adjusted(12, line + 8, -12, -line - 8),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            tile.detail).adjusted(-2, -2, 2, 2))
    if tile._drop_hover:
        painter.setPen(QPen(_HINT_ON, 2, Qt.PenStyle.DashLine))
        painter.drawRect(tile.rect().adjusted(3, 3, -4, -4))
        painted += _frame_edges(tile.rect(), 6)
    if tile._selected:
        painter.setPen(QPen(_FOCUS, 3))
        painter.drawRect(tile.rect().adjusted(1, 1, -2, -2))
        painted += _frame_edges(tile.rect(), 4)
    return painted


def _frame_edges(rect: QRect, width: int) -> list[QRect]:
    """The four strips a frame drawn ``width`` px inside ``rect`` covers."""
    return [QRect(rect.left(), rect.top(), rect.width(), width),
            QRect(rect.left(), rect.bottom() - width + 1, rect.width(), width),
            QRect(rect.left(), rect.top(), width, rect.height()),
            QRect(rect.right() - width + 1, rect.top(), width, rect.height())]
