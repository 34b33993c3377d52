"""Communes → cameras, searchable, with a status icon per camera; cameras drag onto tiles.

A camera's icon says what the walls show of it now: green only while a tile shows it on the
screen (its on-screen interval is open, csu_wall/core/viewing.py); a camera no tile shows any
more, or whose tile left the screen, goes back to idle, and a commune the operator is no
longer habilitated for turns grey (:meth:`CameraTree.sync_attachment`, each second).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from csu_wall.core.frames import TileState
from csu_wall.gui._resources import icon, state_icon
from csu_wall.gui.camera_label import camera_label
from csu_wall.gui.tile import CAMERA_MIME, COMMUNE_MIME
from csu_wall.services.wall import WallService

if TYPE_CHECKING:
    from csu_wall.gui.wall import WallWidget

CAMERA_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
COMMUNE_ID_ROLE = Qt.ItemDataRole.UserRole + 3
STATUS_ROLE = Qt.ItemDataRole.UserRole + 4  # "live", "lost", "unauthorised", "detached", …
_GREY = QBrush(QColor(163, 171, 184))  # #a3abb8: 7.9:1 on the tree (ui/style.qss)


class _HideDetached(QSortFilterProxyModel):
    """The search filter, and no row of a detached commune: operators no longer see it."""

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex  # noqa: N802
                         | QPersistentModelIndex) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        if index.data(STATUS_ROLE) == "detached":
            return False
        return super().filterAcceptsRow(source_row, source_parent)


class CameraModel(QStandardItemModel):
    """Drags carry the camera id under ``application/x-csu-camera``, or a whole commune's
    id under ``application/x-csu-commune`` (it fills the wall's empty tiles)."""

    def mimeTypes(self) -> list[str]:
        return [CAMERA_MIME, COMMUNE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        for index in indexes:
            camera_id = index.data(CAMERA_ID_ROLE)
            if camera_id:
                mime.setData(CAMERA_MIME, str(camera_id).encode("utf-8"))
                break
            commune_id = index.data(COMMUNE_ID_ROLE)
            if commune_id:
                mime.setData(COMMUNE_MIME, str(commune_id).encode("utf-8"))
                break
        return mime


class CameraTree(QWidget):
    sig_camera_activated = Signal(str)  # camera_id, double-clicked

    def __init__(self, service: WallService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraTree")
        self.model = CameraModel(self)
        self.proxy = _HideDetached(self)
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
        # activated: double-click, and Enter from the keyboard
        self.view.activated.connect(self._on_double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        self._cameras: dict[str, QStandardItem] = {}
        self._communes: dict[str, QStandardItem] = {}
        self._states: dict[str, str] = {}
        self._detached: set[str] = set()
        self._walls: list[WallWidget] = []
        self._allowed: dict[str, bool] = {}
        self.service = service
        self._fill(service)

    def _fill(self, service: WallService) -> None:
        root = self.model.invisibleRootItem()
        for commune in service.site.communes:
            allowed = service.may_view(commune.id)
            self._allowed[commune.id] = allowed
            label = commune.name if allowed else self.tr("{commune} (not habilitated)").format(
                commune=commune.name
            )
            parent = QStandardItem(icon("commune"), label)
            parent.setData(f"{commune.name} {commune.id}", SEARCH_ROLE)
            parent.setData(commune.id, COMMUNE_ID_ROLE)
            # a whole commune drags onto the wall (fills the empty tiles)
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                            | Qt.ItemFlag.ItemIsDragEnabled)
            if not allowed:
                parent.setForeground(_GREY)
            for camera in service.cameras_of(commune.id):
                item = QStandardItem(
                    state_icon(TileState.IDLE if allowed else TileState.DENIED),
                    camera_label(camera))
                item.setData(camera.id, CAMERA_ID_ROLE)
                number = str(camera.number) if camera.number is not None else ""
                item.setData(f"{number} {camera.name} {camera.id} {commune.name} {commune.id}",
                             SEARCH_ROLE)
                item.setToolTip(camera_label(camera, commune.name))
                # Greyed but still draggable: the access gate, not the tree, refuses (and
                # audits) the attempt, and the tile then says "non habilité".
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                if not allowed:
                    item.setForeground(_GREY)
                item.setData("idle" if allowed else "denied", STATUS_ROLE)
                parent.appendRow(item)
                self._cameras[camera.id] = item
            root.appendRow(parent)
            self._communes[commune.id] = parent
            if not commune.attached:
                self._set_detached(commune.id, True)

    def set_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.view.expandAll()

    def follow(self, wall: WallWidget) -> None:
        """Take ``wall``'s tiles into account (the main wall and each screen's wall)."""
        self._walls.append(wall)
        wall.sig_wall_changed.connect(self.sync_walls)
        wall.destroyed.connect(lambda *_args, w=wall: self._forget(w))

    def _forget(self, wall: object) -> None:
        self._walls = [w for w in self._walls if w is not wall]

    def sync_walls(self) -> None:
        """Each camera's state as the walls show it now: the state of a tile showing it on
        the screen, else idle (or "denied" outside the operator's habilitations)."""
        shown: dict[str, str] = {}
        for wall in list(self._walls):
            try:
                tiles = wall.tiles
                on_screen = wall.isVisible()
            except RuntimeError:  # deleted meanwhile
                self._forget(wall)
                continue
            for tile in tiles:
                camera = tile.camera
                if camera is None:
                    continue
                state = tile.state
                if state is TileState.LIVE and not (on_screen and tile.isVisible()):
                    continue  # off the screen: its view has ended
                if shown.get(camera.id) != TileState.LIVE.value:
                    shown[camera.id] = state.value
        for camera_id, item in self._cameras.items():
            commune_id = str(item.parent().data(COMMUNE_ID_ROLE)) if item.parent() else ""
            rest = TileState.IDLE if self._allowed.get(commune_id, True) else TileState.DENIED
            now = shown.get(camera_id, rest.value)
            if self._states.get(camera_id) != now or item.data(STATUS_ROLE) != now:
                self.set_camera_state(camera_id, now)

    def set_camera_state(self, camera_id: str, state: str) -> None:
        item = self._cameras.get(camera_id)
        if item is None:
            return
        self._states[camera_id] = state
        if str(item.data(STATUS_ROLE)) == "detached":
            return  # the commune left: that says more than the last stream state
        item.setIcon(state_icon(TileState(state)))
        item.setData(state, STATUS_ROLE)

    def camera_status(self, camera_id: str) -> str:
        """The status shown for a camera: a TileState value or "detached" (tests)."""
        return str(self._cameras[camera_id].data(STATUS_ROLE))

    def sync_attachment(self) -> None:
        """Follow communes attached or detached since (the commune watcher changes the
        service's site), habilitations granted or ended (a revocation, a shift takeover)
        and what the walls show; cheap, called by the window's status timer."""
        for commune in self.service.site.communes:
            detached = not commune.attached
            if detached != (commune.id in self._detached):
                self._set_detached(commune.id, detached)
            allowed = self.service.may_view(commune.id)
            if allowed != self._allowed.get(commune.id):
                self._set_allowed(commune.id, allowed)
        self.sync_walls()

    def _set_allowed(self, commune_id: str, allowed: bool) -> None:
        self._allowed[commune_id] = allowed
        parent = self._communes.get(commune_id)
        if parent is None:
            return
        brush = QBrush() if allowed else _GREY
        parent.setForeground(brush)
        for row in range(parent.rowCount()):
            parent.child(row).setForeground(brush)
        if commune_id not in self._detached:
            name = self.service.site.commune(commune_id).name
            parent.setText(name if allowed else self.tr("{commune} (not habilitated)").format(
                commune=name))

    def _set_detached(self, commune_id: str, detached: bool) -> None:
        parent = self._communes.get(commune_id)
        if parent is None:
            return
        if detached:
            self._detached.add(commune_id)
        else:
            self._detached.discard(commune_id)
        parent.setData("detached" if detached else None, STATUS_ROLE)  # hidden by the proxy
        for row in range(parent.rowCount()):
            item = parent.child(row)
            camera_id = str(item.data(CAMERA_ID_ROLE))
            if detached:
                item.setIcon(icon("status-detached"))
                item.setData("detached", STATUS_ROLE)
                item.setForeground(_GREY)
            else:
                state = self._states.get(camera_id, TileState.IDLE.value)
                item.setIcon(state_icon(TileState(state)))
                item.setData(state, STATUS_ROLE)
        name = self.service.site.commune(commune_id).name
        if detached:
            parent.setText(self.tr("{commune} (detached)").format(commune=name))
        elif self.service.may_view(commune_id):
            parent.setText(name)
        else:
            parent.setText(self.tr("{commune} (not habilitated)").format(commune=name))

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
