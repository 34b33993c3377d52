"""Communes → cameras, searchable, with a status icon per camera; cameras drag onto tiles."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from csu_wall.core.frames import TileState
from csu_wall.gui._resources import icon, state_icon
from csu_wall.gui.tile import CAMERA_MIME
from csu_wall.services.wall import WallService

CAMERA_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
_GREY = QBrush(QColor(110, 116, 128))


class CameraModel(QStandardItemModel):
    """Drags carry the camera id under ``application/x-csu-camera``."""

    def mimeTypes(self) -> list[str]:
        return [CAMERA_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        for index in indexes:
            camera_id = index.data(CAMERA_ID_ROLE)
            if camera_id:
                mime.setData(CAMERA_MIME, str(camera_id).encode("utf-8"))
                break
        return mime


class CameraTree(QWidget):
    sig_camera_activated = Signal(str)  # camera_id, double-clicked

    def __init__(self, service: WallService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraTree")
        self.model = CameraModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)  # a matching commune shows all its cameras
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit(self)
        self.search.setObjectName("cameraSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search a camera, a commune or an id"))
        self.search.textChanged.connect(self.set_filter)
        self.view = QTreeView(self)
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setExpandsOnDoubleClick(True)
        self.view.doubleClicked.connect(self._on_double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        self._cameras: dict[str, QStandardItem] = {}
        self._fill(service)

    def _fill(self, service: WallService) -> None:
        root = self.model.invisibleRootItem()
        for commune in service.visible_communes():
            allowed = service.may_view(commune.id)
            label = commune.name if allowed else self.tr("{commune} (not habilitated)").format(
                commune=commune.name
            )
            parent = QStandardItem(icon("commune"), label)
            parent.setData(f"{commune.name} {commune.id}", SEARCH_ROLE)
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if not allowed:
                parent.setForeground(_GREY)
            for camera in service.cameras_of(commune.id):
                item = QStandardItem(
                    state_icon(TileState.IDLE if allowed else TileState.DENIED), camera.name
                )
                item.setData(camera.id, CAMERA_ID_ROLE)
                item.setData(f"{camera.name} {camera.id} {commune.name} {commune.id}",
                             SEARCH_ROLE)
                item.setToolTip(f"{camera.name} — {camera.id}")
                # Greyed but still draggable: the access gate, not the tree, refuses (and
                # audits) the attempt, and the tile then says "non habilité".
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                if not allowed:
                    item.setForeground(_GREY)
                parent.appendRow(item)
                self._cameras[camera.id] = item
            root.appendRow(parent)

    def set_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.view.expandAll()

    def set_camera_state(self, camera_id: str, state: str) -> None:
        item = self._cameras.get(camera_id)
        if item is not None:
            item.setIcon(state_icon(TileState(state)))

    def visible_camera_ids(self) -> list[str]:
        """Camera ids the filter lets through, in tree order (tests)."""
        out: list[str] = []
        for row in range(self.proxy.rowCount()):
            parent = self.proxy.index(row, 0)
            for child in range(self.proxy.rowCount(parent)):
                out.append(str(self.proxy.index(child, 0, parent).data(CAMERA_ID_ROLE)))
        return out

    def proxy_index_of(self, camera_id: str) -> QModelIndex:
        item = self._cameras[camera_id]
        return self.proxy.mapFromSource(item.index())

    def _on_double_clicked(self, index: QModelIndex) -> None:
        camera_id = index.data(CAMERA_ID_ROLE)
        if camera_id:
            self.sig_camera_activated.emit(str(camera_id))
