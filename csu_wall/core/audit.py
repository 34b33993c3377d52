"""Audit entries: every viewing, extraction and denied attempt leaves one (CNIL 2021-122)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class AuditAction(str, Enum):
    LOGIN = "login"
    LOGOUT = "logout"
    LOCK = "lock"
    LIVE_VIEW = "live_view"
    LIVE_VIEW_END = "live_view_end"
    PLAYBACK = "playback"
    SNAPSHOT = "snapshot"
    EXPORT = "export"
    EXPORT_STATE = "export_state"  # the register of extractions changed (state, hand-over)
    BOOKMARK = "bookmark"
    LAYOUT_CHANGE = "layout_change"
    DENIED = "denied"
    SITE_APPLY = "site_apply"
    COMMUNE_DETACH = "commune_detach"
    COMMUNE_ATTACH = "commune_attach"
    LOGIN_FAILED = "login_failed"
    UNLOCK = "unlock"
    HABILITATION_GRANT = "habilitation_grant"
    HABILITATION_REVOKE = "habilitation_revoke"
    USER_CHANGE = "user_change"
    CREDENTIAL_CHANGE = "credential_change"
    BOOKMARK_CHANGE = "bookmark_change"  # edit, status change, deletion by retention
    SHIFT_OPEN = "shift_open"
    SHIFT_JOIN = "shift_join"
    SHIFT_CLOSE = "shift_close"
    HANDOVER = "handover"
    HANDOVER_ACK = "handover_ack"
    CHANNEL_IMPORT = "channel_import"
    CERT_TRUST = "cert_trust"  # an administrator confirmed a recorder's certificate
    AUDIT_PURGE = "audit_purge"  # records past the retention period deleted (audit_purge.py)
    SITE_KEY = "site_key"  # the site key was created: the first record signed under it
    # An on-screen interval (docs/DESIGN.md, "What a view is"): from the first frame of a
    # camera shown to an operator until it is no longer visible. ``extra["interval"]`` pairs
    # the two records; maximise, quality switches and reconnections inside it write nothing.
    ON_SCREEN_START = "on_screen_start"
    ON_SCREEN_END = "on_screen_end"


@dataclass(frozen=True)
class AuditEntry:
    ts_utc: datetime  # aware, UTC
    workstation: str
    operator_id: str
    action: AuditAction
    commune_id: str | None = None
    camera_id: str | None = None
    detail: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class AuditSink:
    """Port: where audit entries go. ``append`` must be durable when it returns: the access it
    records proceeds only afterwards."""

    def append(self, entry: AuditEntry) -> int:  # pragma: no cover - protocol
        raise NotImplementedError
