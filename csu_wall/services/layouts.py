"""Wall layouts as operators and supervisors use them.

Every operator sees the shared layouts and their own private ones. Supervisors and
administrators build shared layouts; an operator may keep private ones. Each save is a new
version (who, when, what changed), audited as ``LAYOUT_CHANGE`` before it is written, and a
previous version can be restored as a new one. Two people editing the same layout cannot lose
each other's work: a save made from an outdated version raises :class:`LayoutConflict`.

Habilitations are not applied here, on purpose: a layout holding cameras of a commune the
operator is not habilitated for is still listed and opened; the wall shows those tiles
« non habilité » and never connects them (the :class:`~csu_wall.services.access.AccessGate`
decides when a tile asks for images). A camera that is no longer in the site (removed by a
site apply) comes back as an empty cell, with a warning in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import cast

from sqlalchemy import Connection

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import CsuWallError
from csu_wall.core.layout import Grid, Layout, LayoutVersion
from csu_wall.services._layout_diff import describe_changes, describe_new
from csu_wall.services._owned import Owned, OwnedItemService
from csu_wall.services.communes import refuse_detached_cameras
from csu_wall.services.layout_editor import LayoutEditor
from csu_wall.storage import layout_repo as repo
from csu_wall.storage.audit import append_in

log = logging.getLogger(__name__)

__all__ = ["LayoutConflict", "LayoutEditor", "LayoutNotFound", "LayoutService"]



class LayoutNotFound(CsuWallError, LookupError):
    """The layout does not exist (any more) or is another operator's private one."""


class LayoutConflict(CsuWallError):
    """Someone saved (or deleted) the layout since it was opened. ``mine`` is the layout that
    was not saved (so nothing is lost: save it as a copy, or reapply it to ``theirs``);
    ``theirs`` is the stored one, None when it was deleted."""

    def __init__(self, message: str, *, mine: Layout, theirs: Layout | None) -> None:
        super().__init__(message)
        self.mine = mine
        self.theirs = theirs


class LayoutService(OwnedItemService):
    shared_denied = (
        "Seuls les superviseurs et les administrateurs peuvent modifier les dispositions "
        "partagées. Enregistrez vos changements comme disposition personnelle."
    )
    others_denied = (
        "Cette disposition personnelle appartient à un autre opérateur : enregistrez-en une "
        "copie."
    )

    def new_layout(self, name: str, grid: Grid | str, *, commune_id: str | None = None,
                   shared: bool | None = None) -> Layout:
        """An empty, unsaved layout: shared by default for a supervisor or an administrator,
        private (owned by this operator) otherwise."""
        grid = Grid.preset(grid) if isinstance(grid, str) else grid
        shared = self.can_edit_shared() if shared is None else shared
        return Layout(name, grid, (None,) * len(grid.cells), commune_id=commune_id,
                      owner=None if shared else self._operator.id)

    def list_layouts(self, commune_id: str | None = None) -> list[Layout]:
        """Shared layouts and this operator's private ones, by name (all of them, whatever the
        habilitations: see the module docstring). ``commune_id`` keeps one commune's layouts."""
        stored = repo.all_layouts(self._db, owner=self._operator.id, commune_id=commune_id)
        known = repo.camera_ids(self._db)
        return [self._known_cameras(s.layout, known) for s in stored]

    def get(self, layout_id: int) -> Layout:
        return self._known_cameras(self._visible(layout_id).layout, repo.camera_ids(self._db))

    def stamp(self) -> tuple[tuple[int, int], ...]:
        """(id, version) of every layout :meth:`list_layouts` returns, in one cheap query: the
        GUI polls it to notice a save or a deletion made on another workstation."""
        return repo.stamp(self._db, owner=self._operator.id)

    def exists(self, layout_id: int) -> bool:
        """True when the layout exists and this operator may open it (used by layout tours)."""
        stored = repo.get_layout(self._db, layout_id)
        return stored is not None and self._may_see(stored.layout)

    def save(self, layout: Layout, change: str = "") -> Layout:
        """Create (``layout.id`` None) or save a new version of a layout; returns it as stored.

        ``change`` says what changed (e.g. :meth:`LayoutEditor.summary`); the differences with
        the stored version are added. Raises :class:`AccessDenied` (French, audited) without
        the right to edit, :class:`LayoutConflict` when the stored version is no longer the one
        ``layout`` was made from."""
        refuse_detached_cameras(self._db, layout.cameras, f"la disposition « {layout.name} »")
        if layout.id is None:
            self._check_may_edit(layout, None)
            what = _join(change, describe_new(layout))
            return repo.create_layout(
                self._db, layout, by=self._operator.id, at=self._clock.now_utc(), change=what,
                also=self._record_in(layout, f"création de la disposition « {layout.name} »",
                                     what))
        stored = repo.get_layout(self._db, layout.id)
        if stored is None or not self._may_see(stored.layout):
            raise self._conflict(layout, None)
        self._check_may_edit(layout, stored.layout)
        if stored.layout.version != layout.version:
            raise self._conflict(layout, stored)
        what = _join(change, describe_changes(stored.layout, layout))
        try:
            return repo.update_layout(
                self._db, layout, by=self._operator.id, at=self._clock.now_utc(), change=what,
                also=self._record_in(layout, f"disposition « {layout.name} » version "
                                     f"{layout.version + 1}", what))
        except repo.StaleLayout as exc:  # lost a race after the check: say so in the log too
            self._record(layout, "enregistrement annulé (conflit de versions)", what)
            raise self._conflict(layout, exc.current) from None

    def delete(self, layout_id: int) -> None:
        stored = self._visible(layout_id)
        self._check_may_edit(stored.layout, stored.layout)
        repo.delete_layout(self._db, layout_id, also=self._record_in(
            stored.layout, f"suppression de la disposition « {stored.layout.name} »",
            f"version {stored.layout.version} supprimée"))

    def history(self, layout_id: int) -> list[LayoutVersion]:
        """Every saved version, newest first."""
        self._visible(layout_id)
        return repo.versions(self._db, layout_id)

    def restore(self, layout_id: int, version: int) -> Layout:
        """Save the layout of ``version`` again, as a new version (nothing is rewritten)."""
        stored = self._visible(layout_id)
        old = repo.get_version(self._db, layout_id, version)
        if old is None:
            raise LayoutNotFound(
                f"La version {version} de la disposition « {stored.layout.name} » n'existe pas."
            )
        again = replace(old.layout, id=layout_id, version=stored.layout.version)
        return self.save(again, f"restauration de la version {version}")

    # --- helpers ---------------------------------------------------------------------------

    def _visible(self, layout_id: int) -> repo.StoredLayout:
        stored = repo.get_layout(self._db, layout_id)
        if stored is None or not self._may_see(stored.layout):
            raise LayoutNotFound(
                f"La disposition n° {layout_id} n'existe plus (supprimée entre-temps) ou "
                "ne vous est pas accessible."
            )
        return stored

    def _record(self, layout: Layout, detail: str, what: str) -> None:
        entry = self._entry(AuditAction.LAYOUT_CHANGE, layout, detail)
        self._audit.append(replace(entry, extra={**entry.extra, "change": what}))

    def _record_in(self, layout: Layout, detail: str,
                   what: str) -> Callable[[Connection, int], int]:
        """The change's audit record, written in the change's own transaction."""

        def write(conn: Connection, layout_id: int) -> int:
            entry = self._entry(AuditAction.LAYOUT_CHANGE, replace(layout, id=layout_id),
                                detail)
            return append_in(self._audit, conn,
                             replace(entry, extra={**entry.extra, "change": what}))

        return write

    def _entry(self, action: AuditAction, item: Owned, detail: str) -> AuditEntry:
        layout = cast(Layout, item)
        extra = {"layout": layout.name, "shared": "oui" if layout.shared else "non"}
        if layout.id is not None:
            extra["layout_id"] = str(layout.id)
        return self._audit_entry(action, detail, extra, layout.commune_id)

    def _conflict(self, mine: Layout, theirs: repo.StoredLayout | None) -> LayoutConflict:
        if theirs is None:
            message = (
                f"La disposition « {mine.name} » a été supprimée pendant que vous la modifiiez. "
                "Vos changements ne sont pas perdus : enregistrez-les comme nouvelle disposition."
            )
            return LayoutConflict(message, mine=mine, theirs=None)
        when = theirs.updated_at.strftime("%d/%m/%Y %H:%M UTC")
        message = (
            f"La disposition « {mine.name} » a été modifiée par {theirs.updated_by} le {when} "
            f"(version {theirs.layout.version}) pendant que vous la modifiiez. Vos changements "
            "ne sont pas perdus : rouvrez la disposition pour les refaire, ou enregistrez-les "
            "comme copie."
        )
        return LayoutConflict(message, mine=mine, theirs=theirs.layout)

    def _known_cameras(self, layout: Layout, known: set[str]) -> Layout:
        gone = [c for c in layout.cameras if c is not None and c not in known]
        if not gone:
            return layout
        log.warning("layout %s (%r): cameras no longer in the site shown empty: %s",
                    layout.id, layout.name, ", ".join(gone))
        return replace(layout, cameras=tuple(c if c in known else None for c in layout.cameras))


def _join(change: str, diff: str) -> str:
    change = change.strip()
    if not change or change == diff:
        return diff
    return f"{change} ({diff})"
