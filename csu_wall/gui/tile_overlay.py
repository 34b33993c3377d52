"""What a tile paints over its picture — name, rung badge, status and age, words, drop hint,
focus frame — as a value (:class:`TileOverlay`), the cache that draws a value once into a
pixmap (:class:`OverlayCache`), and the operator's words for a tile state (source English,
shipped French)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap

from csu_wall.core.frames import TileState

if TYPE_CHECKING:
    from csu_wall.core.feed import TileFeed

_PLATE = QColor(0, 0, 0, 150)  # translucent: what is under a plate shows through
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
    redraws its overlay pixmap only when the value changes.

    Plates (name, status, badges) go in the letterbox band when the tile has one tall (or
    wide) enough, else in the corner ``osd`` names (the camera's site setting: a corner its
    own burned-in title and clock leave free). Their text is sized to the tile and elided;
    the tile's tooltip has it whole. Hidden by the operator (``plates`` False), only what must
    be said stays: a picture that is not plainly live says so."""

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
    osd: str = "bottom-left"  # core/model.py OSD_CORNERS
    video: tuple[int, int, int, int] | None = None  # where the picture is (x, y, w, h)
    plates: bool = True  # the operator may hide them (View menu)

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

    def plainly_live(self) -> bool:
        """Live video, fresh, not resuming: the status plate has nothing the picture does
        not already say."""
        return (self.state is TileState.LIVE and not self.stale and not self.resuming
                and not self.recording)

    def paint(self, painter: QPainter, bounds: QRect) -> list[QRect]:
        """Paint into ``bounds`` (the tile's rectangle); returns the rectangles painted."""
        painted: list[QRect] = []
        font = QFont(painter.font())
        font.setPixelSize(plate_pixel_size(bounds))
        painter.setFont(font)
        line = painter.fontMetrics().height() + 6
        if self.camera_name is None:
            self._paint_hint(painter, bounds, painted)
        else:
            self._paint_plates(painter, bounds, line, painted)
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

    def _paint_hint(self, painter: QPainter, bounds: QRect, painted: list[QRect]) -> None:
        """An empty tile's hint, wrapped (and cut if need be) inside the tile."""
        painter.setPen(_HINT_ON if self.drop_hover else QColor(120, 130, 145))
        inner = bounds.adjusted(6, 6, -6, -6)
        painter.save()
        painter.setClipRect(inner)
        painted.append(painter.drawText(
            inner, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            QCoreApplication.translate("TileWidget", "Drop a camera here")
        ).adjusted(-2, -2, 2, 2).intersected(bounds))
        painter.restore()

    def _plate_texts(self) -> tuple[str, str, str]:
        """(name, status, badges) to paint; empty strings are not painted."""
        name = self.camera_name or ""
        if self.touring:
            name = QCoreApplication.translate("TileWidget", "{name} (tour)").format(name=name)
        zoom = QCoreApplication.translate("TileWidget", "zoom") if self.zoomed else ""
        badges = " ".join(b for b in (self.rung, zoom) if b)
        status = " · ".join(t for t in (self.status_words(), self.age_words()) if t)
        if not self.plates:
            name, badges = "", ""
            if self.plainly_live():
                status = ""
        return name, status, badges

    def _paint_plates(self, painter: QPainter, bounds: QRect, line: int,
                      painted: list[QRect]) -> None:
        name, status, badges = self._plate_texts()
        second = " · ".join(t for t in (status, badges) if t)
        status_colour = _STATE_COLOURS[TileState.STALLED if self.stale else self.state]
        rows = [(t, c) for t, c in ((name, QColor(235, 238, 245)), (second, status_colour))
                if t]
        if not rows:
            return
        area, bottom, right = plate_area(bounds, self.video, self.osd, line)
        if area == bounds.adjusted(4, 4, -4, -4):
            # over the picture: the plates keep to the osd's side, clear of the other corner
            share = int(area.width() * CORNER_SHARE)
            area = area.adjusted(area.width() - share if right else 0, 0,
                                 0 if right else share - area.width(), 0)
        if len(rows) == 2 and area.height() < 2 * line + 2:
            # one row of room (a thin band): the name on the osd's side, the status across
            metrics = painter.fontMetrics()
            width = min(metrics.horizontalAdvance(second) + 12, area.width() // 2)
            y = area.bottom() + 1 - line if bottom else area.top()
            self._plate(painter, QRect(area.right() + 1 - width if not right else area.left(),
                                       y, width, line), second, status_colour, not right,
                        painted)
            rest = area.adjusted(width + 4 if right else 0, 0, 0 if right else -(width + 4), 0)
            self._plate(painter, QRect(rest.left(), y, rest.width(), line), name,
                        rows[0][1], right, painted)
            return
        for index, (text, colour) in enumerate(rows):  # the name at the edge, then inward
            offset = index * (line + 2)
            y = area.bottom() + 1 - line - offset if bottom else area.top() + offset
            self._plate(painter, QRect(area.left(), y, area.width(), line), text, colour,
                        right, painted)

    @staticmethod
    def _plate(painter: QPainter, room: QRect, text: str, colour: QColor, right: bool,
               painted: list[QRect]) -> None:
        """``text`` elided to ``room``'s width on a translucent plate sized to it, at the
        left (or right) of ``room``."""
        metrics = painter.fontMetrics()
        shown = elided(metrics, text, max(0, room.width() - 12))
        width = min(metrics.horizontalAdvance(shown) + 12, room.width())
        if width <= 12:
            return
        x = room.right() + 1 - width if right else room.left()
        rect = QRect(x, room.top(), width, room.height())
        painter.fillRect(rect, _PLATE)
        painted.append(rect)
        painter.setPen(colour)
        painter.drawText(rect.adjusted(6, 0, -6, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)


def elided(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` whole when its advance fits ``width``, else elided at the right. Qt's
    ``elidedText`` alone cuts many texts given exactly their own advance (it measures with
    fractional advances): « en pause · SD » became « en pause · … » in a plate sized to it."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


CORNER_SHARE = 0.6  # the share of the tile's width plates may take over the picture


def plate_pixel_size(bounds: QRect) -> int:
    """The plates' text height for a tile: larger tiles, larger text (9 to 15 px)."""
    return max(9, min(15, round(min(bounds.height() / 16, bounds.width() / 24))))


def plate_area(bounds: QRect, video: tuple[int, int, int, int] | None, osd: str,
               line: int) -> tuple[QRect, bool, bool]:
    """Where the plates go: (area, rows from its bottom edge, right-aligned). A letterbox
    band at least one row tall (the one on ``osd``'s side first), else a pillarbox band wide
    enough, else the whole tile from its ``osd`` corner (over the picture, where the camera
    burns nothing of its own)."""
    bottom = osd.startswith("bottom")
    right = osd.endswith("right")
    inner = bounds.adjusted(4, 4, -4, -4)
    if video is not None:
        x, y, w, h = video
        top_band = QRect(inner.left(), inner.top(), inner.width(), y - inner.top())
        low = y + h
        bottom_band = QRect(inner.left(), low, inner.width(), inner.bottom() + 1 - low)
        bands = [(bottom_band, True), (top_band, False)]
        for band, from_bottom in (bands if bottom else bands[::-1]):
            if band.height() >= line:
                return band, from_bottom, right
        left_band = QRect(inner.left(), inner.top(), x - inner.left(), inner.height())
        right_band = QRect(x + w, inner.top(), inner.right() + 1 - (x + w), inner.height())
        for band in ((right_band, left_band) if right else (left_band, right_band)):
            if band.width() >= 80:
                return band, bottom, False
    return inner, bottom, right


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
