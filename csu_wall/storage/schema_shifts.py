"""Tables of shifts, incident bookmarks and handovers (DESIGN §6).

Registered on :data:`csu_wall.storage.schema.metadata`; migration 0005 creates them.
"""

from __future__ import annotations
