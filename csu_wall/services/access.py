"""The access gate: the only way a media session opens (DESIGN §7, CSI L252-2).

Every path that would show a commune's images (live, later playback, snapshot, tours, saved
layouts, bookmark jumps) asks :class:`AccessGate` first. The gate checks the operator's
habilitation for the camera's commune and that the commune is attached, then appends an audit
record, and only then lets the caller ask the recorder driver for a source. A denied attempt is
audited too, and the recorder never sees a connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import AccessDenied
from csu_wall.core.model import Camera, Site
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.security import Habilitation, Operator
from csu_wall.core.viewing import INTERVAL_KEY


@dataclass(frozen=True)
class AccessGrant:
    """Proof that a check passed and was audited; carried to the media layer's caller."""

    operator_id: str
    camera_id: str
    commune_id: str
    audit_id: int


class AccessGate:
    def __init__(
        self,
        site: Site,
        operator: Operator,
        habilitations: Iterable[Habilitation],
        audit: AuditSink,
        *,
        workstation: str,
        clock: Clock | None = None,
    ) -> None:
        self._site = site
        self._operator = operator
        self._habilitations = list(habilitations)
        self._audit = audit
        self._workstation = workstation
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._grant_listeners: list[Callable[[AccessGrant], None]] = []

    @property
    def operator(self) -> Operator:
        return self._operator

    def habilitations(self) -> list[Habilitation]:
        """The habilitations checks use now."""
        with self._lock:
            return list(self._habilitations)

    def replace_habilitations(self, habilitations: Iterable[Habilitation]) -> None:
        habs = list(habilitations)
        with self._lock:
            if habs and not any(h.operator_id == self._operator.id for h in habs):
                # another operator's list (read just before a shift takeover): it could
                # grant nothing here, and must not take the current operator's away
                return
            self._habilitations = habs

    def take_over(self, operator: Operator, habilitations: Iterable[Habilitation]) -> None:
        """A shift handover: from now on checks and records are the incoming ``operator``'s,
        under their own habilitations (the caller ended the outgoing operator's views)."""
        with self._lock:
            self._operator = operator
            self._habilitations = list(habilitations)

    @property
    def site(self) -> Site:
        return self._site

    def replace_site(self, site: Site) -> None:
        """A commune was detached or attached again: checks use ``site`` from now on."""
        with self._lock:
            self._site = site

    def add_grant_listener(self, listener: Callable[[AccessGrant], None]) -> None:
        """Called with each grant once audited (the credential vault keeps it)."""
        with self._lock:
            self._grant_listeners.append(listener)

    def may_view(self, commune_id: str) -> bool:
        """True when the operator holds a valid habilitation for an attached commune."""
        with self._lock:
            site = self._site
        try:
            commune = site.commune(commune_id)
        except KeyError:
            return False
        if not commune.attached:
            return False
        now = self._clock.now_utc()
        with self._lock:
            habs = list(self._habilitations)
        return any(
            h.operator_id == self._operator.id and h.commune_id == commune_id and h.is_valid_at(now)
            for h in habs
        )

    def authorise_live(self, camera: Camera) -> AccessGrant:
        """Check and audit a live view. Raises :class:`AccessDenied` (audited) when refused."""
        return self._authorise(camera, AuditAction.LIVE_VIEW)

    def authorise(self, camera: Camera, action: AuditAction) -> AccessGrant:
        return self._authorise(camera, action)

    def _authorise(self, camera: Camera, action: AuditAction) -> AccessGrant:
        if not self.may_view(camera.commune_id):
            self._audit.append(self._entry(AuditAction.DENIED, camera, detail=action.value))
            raise AccessDenied(
                f"Accès refusé : vous n'êtes pas habilité(e) pour les images de la commune "
                f"« {self._commune_name(camera.commune_id)} »."
            )
        audit_id = self._audit.append(self._entry(action, camera))
        grant = AccessGrant(self._operator.id, camera.id, camera.commune_id, audit_id)
        with self._lock:
            listeners = list(self._grant_listeners)
        for listener in listeners:
            listener(grant)
        return grant

    def confirm(self, camera: Camera) -> None:
        """Inside an access already recorded (a quality switch, a reconnection): check the
        habilitation still holds, write no new access record. A refusal is audited."""
        if not self.may_view(camera.commune_id):
            self._audit.append(self._entry(AuditAction.DENIED, camera, detail="switch"))
            raise AccessDenied(
                f"Accès refusé : vous n'êtes plus habilité(e) pour les images de la commune "
                f"« {self._commune_name(camera.commune_id)} »."
            )

    def record_end(self, camera: Camera) -> None:
        """The access ended (the tile closed or was given another camera)."""
        self._audit.append(self._entry(AuditAction.LIVE_VIEW_END, camera))

    def record_on_screen(self, camera: Camera, action: AuditAction, interval_id: str) -> int:
        """One end of an on-screen interval (csu_wall/core/viewing.py)."""
        entry = self._entry(action, camera)
        entry.extra[INTERVAL_KEY] = interval_id
        return self._audit.append(entry)

    def record(self, action: AuditAction, detail: str = "") -> int:
        return self._audit.append(
            AuditEntry(
                ts_utc=self._clock.now_utc(),
                workstation=self._workstation,
                operator_id=self._operator.id,
                action=action,
                detail=detail,
            )
        )

    def _entry(self, action: AuditAction, camera: Camera, detail: str = "") -> AuditEntry:
        return AuditEntry(
            ts_utc=self._clock.now_utc(),
            workstation=self._workstation,
            operator_id=self._operator.id,
            action=action,
            commune_id=camera.commune_id,
            camera_id=camera.id,
            detail=detail,
        )

    def _commune_name(self, commune_id: str) -> str:
        try:
            return self._site.commune(commune_id).name
        except KeyError:
            return commune_id
