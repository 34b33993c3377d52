"""Shifts, incident bookmarks and handovers: the values the services exchange.

Frozen dataclasses; times are aware UTC datetimes. A bookmark's snapshot bytes are not part of
the value (``has_snapshot`` says whether one is stored): the panel lists many bookmarks and
fetches a snapshot only when one is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class BookmarkStatus(str, Enum):
    OPEN = "open"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"


class Severity(int, Enum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


DEFAULT_CATEGORIES: tuple[str, ...] = (
    "rixe",
    "accident",
    "dépôt sauvage",
    "stationnement gênant",
    "intrusion",
    "personne vulnérable",
    "autre",
)


@dataclass(frozen=True)
class Shift:
    id: int
    operator_id: str
    workstation: str
    walls: tuple[str, ...]
    started_utc: datetime
    ended_utc: datetime | None
    members: tuple[str, ...]  # operators who joined


@dataclass(frozen=True)
class Bookmark:
    id: int
    camera_id: str
    commune_id: str
    at_utc: datetime
    pre_seconds: int
    post_seconds: int
    category: str
    severity: Severity
    note: str
    status: BookmarkStatus
    shift_id: int | None
    operator_id: str
    created_utc: datetime
    updated_utc: datetime
    judicial_ref: str | None
    has_snapshot: bool


@dataclass(frozen=True)
class BookmarkFilter:
    commune_id: str | None = None
    camera_id: str | None = None
    category: str | None = None
    status: BookmarkStatus | None = None
    shift_id: int | None = None
    start_utc: datetime | None = None
    end_utc: datetime | None = None
    text: str = ""


@dataclass(frozen=True)
class HandoverItem:
    key: str  # stable, e.g. "bookmark:12", "note:1", "lost:cam-3"
    kind: str  # "bookmark" | "note" | "lost_camera"
    text: str  # French, shown to the incoming operator


@dataclass(frozen=True)
class LostCamera:
    camera_id: str
    camera_name: str
    commune_id: str
    since_utc: datetime
    until_utc: datetime | None


@dataclass(frozen=True)
class HandoverReport:
    id: int | None
    shift: Shift
    bookmarks: tuple[Bookmark, ...]
    open_items: tuple[HandoverItem, ...]
    lost_cameras: tuple[LostCamera, ...]
    notes: str
    audit_head: str
    generated_utc: datetime
    acknowledged_by: str | None = None
    # The audit chain's head as an anchor line (sequence, hash, signature; see
    # storage.audit_anchor): printed in the report, checked by ``audit verify --anchor``.
    audit_anchor: str = ""
