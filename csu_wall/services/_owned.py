"""What layouts and tours share: items shared with every operator (``owner is None``, edited by
supervisors and administrators) or private to their owner, every change and every refusal
audited as ``LAYOUT_CHANGE`` / ``DENIED``."""

from __future__ import annotations

from typing import Protocol

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import AccessDenied
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.security import Operator, Role
from csu_wall.storage.db import Database

EDITORS = (Role.SUPERVISOR, Role.ADMINISTRATOR)


class Owned(Protocol):
    @property
    def owner(self) -> str | None: ...


class OwnedItemService:
    """Base of LayoutService and TourService. Subclasses give the French refusals and
    :meth:`_entry` (the audit record of one item)."""

    shared_denied = ""
    others_denied = ""

    def __init__(self, db: Database, audit: AuditSink, *, operator: Operator,
                 workstation: str, clock: Clock | None = None) -> None:
        self._db = db
        self._audit = audit
        self._operator = operator
        self._workstation = workstation
        self._clock = clock or SystemClock()

    @property
    def operator(self) -> Operator:
        return self._operator

    def take_over(self, operator: Operator) -> None:
        """A shift handover: items are now seen and saved as the incoming ``operator``'s."""
        self._operator = operator

    def can_edit_shared(self) -> bool:
        return Role(self._operator.role) in EDITORS

    def _may_see(self, item: Owned) -> bool:
        return item.owner is None or item.owner == self._operator.id

    def _check_may_edit(self, new: Owned, old: Owned | None) -> None:
        """Both the stored item and what replaces it must be this operator's to change."""
        for item in (old, new):
            if item is None:
                continue
            if item.owner is None and not self.can_edit_shared():
                self._deny(item, self.shared_denied)
            if item.owner is not None and item.owner != self._operator.id:
                self._deny(item, self.others_denied)

    def _deny(self, item: Owned, message: str) -> None:
        self._audit.append(self._entry(AuditAction.DENIED, item, AuditAction.LAYOUT_CHANGE.value))
        raise AccessDenied(message)

    def _entry(self, action: AuditAction, item: Owned, detail: str) -> AuditEntry:
        raise NotImplementedError  # pragma: no cover - subclasses describe their items

    def _audit_entry(self, action: AuditAction, detail: str, extra: dict[str, str],
                     commune_id: str | None = None) -> AuditEntry:
        return AuditEntry(
            ts_utc=self._clock.now_utc(), workstation=self._workstation,
            operator_id=self._operator.id, action=action, commune_id=commune_id,
            detail=detail, extra=extra,
        )
