"""What a tile paints over its picture — name, rung badge, status and age, words, drop hint,
focus frame — as a value (:class:`TileOverlay`), the cache that draws a value once into a
pixmap (:class:`OverlayCache`), and the operator's words for a tile state (source English,
shipped French)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap

from csu_wall.core.frames import TileState

if TYPE_CHECKING:
    from csu_wall.core.feed import TileFeed

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


_WORDS = {  # English sources, translated in the "TileWidget" context
    TileState.CONNECTING: QT_TRANSLATE_NOOP("TileWidget", "connecting…"),
    TileState.LIVE: QT_TRANSLATE_NOOP("TileWidget", "live"),
    TileState.STALLED: QT_TRANSLATE_NOOP("TileWidget", "stream frozen"),
    TileState.LOST: QT_TRANSLATE_NOOP("TileWidget", "lost — reconnecting…"),
    TileState.UNAUTHORISED: QT_TRANSLATE_NOOP("TileWidget", "credentials refused"),
    TileState.UNREACHABLE: QT_TRANSLATE_NOOP("TileWidget", "unreachable"),
    TileState.DENIED: QT_TRANSLATE_NOOP("TileWidget", "not habilitated"),
    TileState.PAUSED: QT_TRANSLATE_NOOP("TileWidget", "paused"),
    TileState.ENDED: QT_TRANSLATE_NOOP("TileWidget", "end of the recording"),
    TileState.NO_RECORDING: QT_TRANSLATE_NOOP("TileWidget", "no recording at this time"),
    TileState.REFUSED: QT_TRANSLATE_NOOP("TileWidget", "playback refused by the recorder"),
}


def status_text(state: TileState) -> str:
    """The operator's word for a tile state (source English, shipped French)."""
    source = _WORDS.get(state)
    return QCoreApplication.translate("TileWidget", str(source)) if source else ""


def rung_text(feed: TileFeed) -> str:
    """HQ / SD / I / pause: what the overload ladder lets this tile decode now."""
    rung = feed.rung
    if rung is None:
        return ""
    label = rung.label
    if label == "pause":
        return QCoreApplication.translate("TileWidget", "pause")
    return label


@dataclass(frozen=True)
class TileOverlay:
    """Everything the overlay shows; two equal values paint the same pixels, so the tile
    redraws its overlay pixmap only when the value changes."""

    camera_name: str | None  # None: an empty tile (the drop hint)
    state: TileState
    detail: str
    age_s: int | None  # whole seconds, once the frame is stale
    resuming: bool
    recording: bool
    selected: bool
    rung: str
    drop_hover: bool
    touring: bool
    zoomed: bool

    def as_tuple(self) -> tuple[object, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    @property
    def stale(self) -> bool:
        return self.age_s is not None

    def status_words(self) -> str:
        """The status words painted; a stale frame is never called live."""
        if self.resuming and self.state in (TileState.LIVE, TileState.CONNECTING):
            return QCoreApplication.translate("TileWidget", "resuming…")
        if self.state is TileState.LIVE and self.stale:
            return status_text(TileState.STALLED)
        if self.state is TileState.LIVE and self.recording:
            return QCoreApplication.translate("TileWidget", "recorded video")
        return status_text(self.state)

    def age_words(self) -> str:
        if self.age_s is None:
            return ""
        return QCoreApplication.translate("TileWidget", "{seconds} s ago").format(
            seconds=self.age_s)

    def paint(self, painter: QPainter, bounds: QRect) -> list[QRect]:
        """Paint into ``bounds`` (the tile's rectangle); returns the rectangles painted."""
        painted: list[QRect] = []
        line = painter.fontMetrics().height() + 6
        self._paint_name(painter, bounds, line, painted)
        self._paint_badges(painter, bounds, line, painted)
        self._paint_status(painter, bounds, line, painted)
        if self.state in _EXPLAINED and self.detail:
            painter.setPen(QColor(220, 200, 200))
            painted.append(painter.drawText(
                bounds.adjusted(12, line + 8, -12, -line - 8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.detail).adjusted(-2, -2, 2, 2))
        if self.drop_hover:
            painter.setPen(QPen(_HINT_ON, 2, Qt.PenStyle.DashLine))
            painter.drawRect(bounds.adjusted(3, 3, -4, -4))
            painted += _frame_edges(bounds, 6)
        if self.selected:
            painter.setPen(QPen(_FOCUS, 3))
            painter.drawRect(bounds.adjusted(1, 1, -2, -2))
            painted += _frame_edges(bounds, 4)
        return painted

    def _paint_name(self, painter: QPainter, bounds: QRect, line: int,
                    painted: list[QRect]) -> None:
        translate = QCoreApplication.translate
        if self.camera_name is None:
            painter.setPen(_HINT_ON if self.drop_hover else QColor(120, 130, 145))
            painted.append(painter.drawText(
                bounds, Qt.AlignmentFlag.AlignCenter,
                translate("TileWidget", "Drop a camera here")).adjusted(-2, -2, 2, 2))
            return
        name = self.camera_name
        if self.touring:
            name = translate("TileWidget", "{name} (tour)").format(name=name)
        metrics = painter.fontMetrics()
        room = max(0, bounds.width() - 8 - 12)  # narrow tiles elide (the tooltip has it all)
        name = metrics.elidedText(name, Qt.TextElideMode.ElideRight, room)
        name_rect = QRect(4, 4, min(metrics.horizontalAdvance(name) + 12,
                                    bounds.width() - 8), line)
        painter.fillRect(name_rect, _PLATE)
        painted.append(name_rect)
        painter.setPen(QColor(235, 238, 245))
        painter.drawText(name_rect.adjusted(6, 0, -6, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)

    def _paint_badges(self, painter: QPainter, bounds: QRect, line: int,
                      painted: list[QRect]) -> None:
        zoom = QCoreApplication.translate("TileWidget", "zoom") if self.zoomed else ""
        badges = " ".join(b for b in (self.rung, zoom) if b)
        if not badges:
            return
        width = painter.fontMetrics().horizontalAdvance(badges) + 12
        rect = QRect(bounds.width() - width - 4, 4, width, line)
        painter.fillRect(rect, _PLATE)
        painted.append(rect)
        painter.setPen(_BADGE)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badges)

    def _paint_status(self, painter: QPainter, bounds: QRect, line: int,
                      painted: list[QRect]) -> None:
        bottom = " · ".join(t for t in (self.status_words(), self.age_words()) if t)
        if not bottom:
            return
        width = min(painter.fontMetrics().horizontalAdvance(bottom) + 12, bounds.width() - 8)
        rect = QRect(4, bounds.height() - line - 4, width, line)
        painter.fillRect(rect, _PLATE)
        painted.append(rect)
        painter.setPen(_STATE_COLOURS[TileState.STALLED if self.stale else self.state])
        painter.drawText(rect.adjusted(6, 0, -6, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, bottom)


class OverlayCache:
    """A tile's overlay drawn once into a pixmap and redrawn only when its value or the
    tile's size changes: a paint is then two blits (per-paint text layout was most of the
    GUI thread's interpreter-lock time). ``parts`` are the pixmap's pieces that hold
    something, (where, source rectangle in device pixels): blending the whole transparent
    pixmap over the tile cost ~10 µs per tile and frame, most of it for nothing."""

    def __init__(self) -> None:
        self.pixmap: QPixmap | None = None
        self.parts: tuple[tuple[QPoint, QRect], ...] = ()
        self._value: TileOverlay | None = None

    def invalidate(self) -> None:
        """The tile's size changed: draw again at the next paint."""
        self._value = None

    def pixmap_for(self, value: TileOverlay, bounds: QRect, dpr: float,
                   font: QFont) -> QPixmap:
        pixmap = self.pixmap
        if pixmap is None or value != self._value:
            pixmap = QPixmap(max(1, int(bounds.width() * dpr)),
                             max(1, int(bounds.height() * dpr)))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setFont(font)
            rects = value.paint(painter, bounds)
            painter.end()
            self.parts = _parts(rects, bounds, dpr)
            self.pixmap = pixmap
            self._value = value
        return pixmap


def _frame_edges(rect: QRect, width: int) -> list[QRect]:
    """The four strips a frame drawn ``width`` px inside ``rect`` covers."""
    return [QRect(rect.left(), rect.top(), rect.width(), width),
            QRect(rect.left(), rect.bottom() - width + 1, rect.width(), width),
            QRect(rect.left(), rect.top(), width, rect.height()),
            QRect(rect.right() - width + 1, rect.top(), width, rect.height())]


def _parts(rects: list[QRect], bounds: QRect, dpr: float) -> tuple[tuple[QPoint, QRect], ...]:
    """Where each painted rectangle goes and the pixmap pixels it takes (dpr applied)."""
    parts = []
    for rect in rects:
        r = rect.intersected(bounds)
        if r.isEmpty():
            continue
        source = QRect(int(r.x() * dpr), int(r.y() * dpr), int(round(r.width() * dpr)),
                       int(round(r.height() * dpr)))
        parts.append((r.topLeft(), source))
    return tuple(parts)
