"""What the change feed tells other workstations: one typed topic per kind of change.

Writers in storage publish a :class:`ChangeTopic` with a key (the changed row's id, or a
setting's name); the feed delivers ``(topic, key)`` to every listener — services and widgets
compare with these members, never with strings. :attr:`ChangeTopic.RESYNC` is not published
by anyone: the feed sends it itself after a lost connection came back, because notifications
sent meanwhile are gone, so every listener reloads all it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum


class ChangeTopic(StrEnum):
    """The topic of a change; its value is what travels (``pg_notify`` payload, the
    ``change_log.topic`` column of SQLite, 32 characters at most)."""

    BOOKMARK = "bookmark"
    SHIFT = "shift"  # a shift, its members or its lost cameras
    HANDOVER = "handover"  # a handover report or its acknowledgement
    LAYOUT = "layout"  # a saved layout (the tab bars)
    SETTINGS = "settings"  # a site setting; the key is the setting's name
    RESYNC = "resync"  # sent by the feed on reconnection: reload everything

    @classmethod
    def parse(cls, value: str) -> ChangeTopic | None:
        """The topic ``value`` names, or None for one this version does not know (written
        by a newer workstation on the same database)."""
        try:
            return cls(value)
        except ValueError:
            return None


# topic, key: called from the feed's own thread.
OnChange = Callable[[ChangeTopic, str], None]
