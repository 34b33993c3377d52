"""The one way back to the GUI thread: tile state changes posted from any thread.

Frames never cross here (the wall's render timer pulls them); only state changes do, a few per
minute per tile. The engine is given :meth:`StateBridge.post` as its ``on_state`` callback.
"""

from __future__ import annotations

import logging
from enum import Enum

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class StateBridge(QObject):
    """Lives in the GUI thread; ``post`` may be called from any thread."""

    # tile_id, TileState value, detail (French, for the operator); the engine reports only
    # the states of what each tile's feed plays now (generations stay behind the feed)
    sig_tile_state_changed = Signal(str, str, str)

    def post(self, tile_id: str, generation: int, state: Enum | str, detail: str = "") -> None:
        """Thread-safe: a signal emitted from a worker thread is queued to the receivers'
        thread (receivers connect with a queued connection, see ``WallWidget``)."""
        value = state.value if isinstance(state, Enum) else str(state)
        try:
            self.sig_tile_state_changed.emit(tile_id, value, detail or "")
        except RuntimeError:
            # The bridge was deleted while the engine was still shutting down: nothing left
            # to tell, and a worker must never raise because the window is gone.
            log.debug("state for %s dropped: bridge already deleted", tile_id)
