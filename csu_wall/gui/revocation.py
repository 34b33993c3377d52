"""A tile closed because its habilitation ended drops its last image and says so.

The wall service reports such a tile as DENIED (for the generation it played); the wall widget
only updates the words, so this also forgets the frame still held by the tile.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from csu_wall.core.frames import TileState
from csu_wall.gui.bridge import StateBridge
from csu_wall.gui.wall import WallWidget


class RevocationView(QObject):
    def __init__(self, wall: WallWidget, bridge: StateBridge) -> None:
        super().__init__(wall)
        self._wall = wall
        bridge.sig_tile_state_changed.connect(self._on_state, Qt.ConnectionType.QueuedConnection)

    def _on_state(self, tile_id: str, state: str, detail: str) -> None:
        if state != TileState.DENIED.value:
            return
        tiles = {t.tile_id: t for t in self._wall.tiles}
        tile = tiles.get(tile_id)
        if tile is None or tile.camera is None:
            return
        # Whether the wall's own slot ran first or not, the feed says whether it is still
        # closed as denied (a camera opened on the tile since is not touched).
        feed = tile.feed
        if feed is None or feed.active or feed.state is not TileState.DENIED:
            return
        camera = tile.camera
        tile.set_denied(camera, detail)
        tile.update()
        self._wall.sig_camera_state_changed.emit(camera.id, TileState.DENIED.value)
