"""The main window: communes and cameras on the left, the wall in the centre."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.camera_tree import CameraTree
from csu_wall.gui.wall import WallWidget
from csu_wall.services.wall import WallService

DEFAULT_SIZE = (1600, 1000)


class MainWindow(QMainWindow):
    def __init__(
        self,
        wall_service: WallService,
        *,
        demo: bool,
        bridge: StateBridge | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.service = wall_service
        self.demo = demo
        self.bridge = bridge if bridge is not None else StateBridge(self)
        self._closed = False
        self.setWindowTitle(self.tr("csu-wall — video wall"))
        self.resize(*DEFAULT_SIZE)

        self.commune_box = QComboBox()
        self.commune_box.setObjectName("communeSelector")
        self.tree = CameraTree(wall_service)
        self.wall = WallWidget(wall_service, self.bridge)
        left = QWidget()
        left.setObjectName("leftPanel")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 6, 6)
        left_layout.addWidget(QLabel(self.tr("Commune")))
        left_layout.addWidget(self.commune_box)
        left_layout.addWidget(self.tree, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.wall)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, DEFAULT_SIZE[0] - 300])
        splitter.setCollapsible(1, False)

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner: QLabel | None = None
        if demo:
            # A plain label in the layout: no close button, no dock, cannot be hidden.
            self.banner = QLabel(self.tr("DEMO — fictitious site, no real camera"))
            self.banner.setObjectName("demoBanner")
            self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(self.banner)
        column.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._build_menu()

        operator = wall_service.operator
        self.operator_label = QLabel(self.tr("Operator: {name}").format(
            name=operator.display_name))
        self.live_label = QLabel()
        self.statusBar().addPermanentWidget(self.operator_label)
        self.statusBar().addPermanentWidget(self.live_label)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(1000)
        self._status_timer.timeout.connect(self._refresh_status)
        self._status_timer.start()

        self.wall.sig_camera_state_changed.connect(self.tree.set_camera_state)
        self.tree.sig_camera_activated.connect(self.wall.open_in_focused)
        self._fill_communes()
        self.commune_box.currentIndexChanged.connect(self._on_commune_chosen)
        if self.commune_box.count():
            self._on_commune_chosen(self.commune_box.currentIndex())

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.file_menu = file_menu

    def _fill_communes(self) -> None:
        first_allowed = -1
        for commune in self.service.visible_communes():
            allowed = self.service.may_view(commune.id)
            label = commune.name if allowed else self.tr("{commune} (not habilitated)").format(
                commune=commune.name
            )
            self.commune_box.addItem(label, commune.id)
            if allowed and first_allowed < 0:
                first_allowed = self.commune_box.count() - 1
        if first_allowed >= 0:
            self.commune_box.setCurrentIndex(first_allowed)

    def select_commune(self, commune_id: str) -> None:
        index = self.commune_box.findData(commune_id)
        if index < 0:
            raise KeyError(commune_id)
        if index == self.commune_box.currentIndex():
            self._on_commune_chosen(index)
        else:
            self.commune_box.setCurrentIndex(index)

    def _on_commune_chosen(self, index: int) -> None:
        commune_id = self.commune_box.itemData(index)
        if commune_id:
            self.wall.show_commune(str(commune_id))
            self._refresh_status()

    def _refresh_status(self) -> None:
        self.live_label.setText(self.wall.tr_status())

    def shutdown(self) -> None:
        """Stop rendering and every stream. Idempotent (close and aboutToQuit both call it)."""
        if self._closed:
            return
        self._closed = True
        self._status_timer.stop()
        self.wall.stop()
        self.service.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        event.accept()
