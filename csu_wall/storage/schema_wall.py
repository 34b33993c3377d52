"""Tables of the wall: layouts, their history, tours, screen assignments (DESIGN §6).

Registered on :data:`csu_wall.storage.schema.metadata`; migration 0004 creates them.
"""

from __future__ import annotations
