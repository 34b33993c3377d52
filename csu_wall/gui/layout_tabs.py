"""The layout tab bar above the wall: the commune's layouts, the mixed ones, private ones."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabBar, QWidget

from csu_wall.core.layout import Layout
from csu_wall.gui._resources import icon


class LayoutTabs(QTabBar):
    sig_layout_chosen = Signal(object)  # the Layout of the tab the operator picked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layoutTabs")
        self.setExpanding(False)
        self.setDocumentMode(True)
        self.setUsesScrollButtons(True)
        self._layouts: list[Layout] = []
        self._updating = False
        self.currentChanged.connect(self._on_current_changed)

    def set_layouts(self, layouts: Sequence[Layout], current: int = 0) -> None:
        """Replace the tabs (no signal); ``current`` is the index to select."""
        self._updating = True
        try:
            while self.count():
                self.removeTab(0)
            self._layouts = list(layouts)
            for number, layout in enumerate(self._layouts, start=1):
                index = self.addTab(icon("layout"), self._title(layout, number))
                self.setTabToolTip(index, self._tooltip(layout))
            if self._layouts:
                self.setCurrentIndex(max(0, min(current, len(self._layouts) - 1)))
        finally:
            self._updating = False

    def layouts(self) -> list[Layout]:
        return list(self._layouts)

    def current_layout(self) -> Layout | None:
        index = self.currentIndex()
        return self._layouts[index] if 0 <= index < len(self._layouts) else None

    def index_of(self, layout_id: int) -> int:
        for index, layout in enumerate(self._layouts):
            if layout.id == layout_id:
                return index
        return -1

    def select(self, index: int) -> bool:
        """Pick a tab (keys 1–9); False when there is no such tab."""
        if not 0 <= index < len(self._layouts):
            return False
        if index == self.currentIndex():
            self.sig_layout_chosen.emit(self._layouts[index])
        else:
            self.setCurrentIndex(index)
        return True

    def step(self, delta: int) -> None:
        if self._layouts:
            self.select((self.currentIndex() + delta) % len(self._layouts))

    def _on_current_changed(self, index: int) -> None:
        if not self._updating and 0 <= index < len(self._layouts):
            self.sig_layout_chosen.emit(self._layouts[index])

    def _title(self, layout: Layout, number: int) -> str:
        prefix = f"{number} · " if number <= 9 else ""
        if layout.shared:
            return prefix + layout.name
        return prefix + self.tr("{name} (private)").format(name=layout.name)

    def _tooltip(self, layout: Layout) -> str:
        scope = self.tr("shared") if layout.shared else self.tr("private")
        if layout.id is None:
            scope = self.tr("all the commune's cameras, not saved")
        mixed = self.tr("mixed (several communes)") if layout.commune_id is None else ""
        parts = [layout.name, scope, f"{layout.grid.rows}×{layout.grid.cols}"]
        return " — ".join(p for p in parts + [mixed] if p)
