"""Every table of the head schema, registered on one metadata (for migrations and tests)."""

from __future__ import annotations

from csu_wall.storage import (  # noqa: F401  (register their tables)
    schema_export,
    schema_shifts,
    schema_wall,
)
from csu_wall.storage.schema import metadata

__all__ = ["metadata"]
