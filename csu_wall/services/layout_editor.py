"""Unsaved edits of one layout with undo and redo (pure Python; the GUI's edit mode drives it).

Each edit is a whole new :class:`Layout` value plus a French description («caméra cam-3 posée
en case 2»). Undo and redo walk the list; saving (:meth:`LayoutEditor.mark_saved`) makes the
saved layout the new starting point and forgets the edits, which are by then in the history.

:func:`grid_change` describes a change of grid by its presets' names (« Grille 4×4 → 1+7 »),
and :func:`check_name` keeps a layout's name unique among those the operator sees (shared
layouts and their own), so two tabs never carry the same name.
"""

from __future__ import annotations

from collections.abc import Iterable

from csu_wall.core.errors import CsuWallError
from csu_wall.core.layout import Grid, Layout
from csu_wall.services._layout_diff import grid_name

MAX_UNDO = 500  # edits kept; the oldest are dropped beyond (a supervisor never gets near it)


class LayoutEditor:
    def __init__(self, layout: Layout) -> None:
        self._saved = layout
        self._current = layout
        self._undo: list[tuple[Layout, str]] = []  # (layout before the edit, its description)
        self._redo: list[tuple[Layout, str]] = []  # (layout after the edit, its description)

    @property
    def current(self) -> Layout:
        return self._current

    @property
    def saved(self) -> Layout:
        """The layout as last saved (or as opened)."""
        return self._saved

    @property
    def dirty(self) -> bool:
        """True when the current layout differs from the saved one."""
        return _content(self._current) != _content(self._saved)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def apply(self, layout: Layout, description: str) -> None:
        """Record an edit; an edit that changes nothing is ignored. Clears the redo list."""
        if layout == self._current:
            return
        self._undo.append((self._current, description))
        del self._undo[:-MAX_UNDO]
        self._redo.clear()
        self._current = layout

    def undo(self) -> Layout:
        """Go back one edit and return the layout; nothing to undo: the current one."""
        if self._undo:
            before, description = self._undo.pop()
            self._redo.append((self._current, description))
            self._current = before
        return self._current

    def redo(self) -> Layout:
        """Apply again the last undone edit; nothing to redo: the current layout."""
        if self._redo:
            after, description = self._redo.pop()
            self._undo.append((self._current, description))
            self._current = after
        return self._current

    def mark_saved(self, layout: Layout) -> None:
        """``layout`` (as returned by the save, with its id and version) is the new start."""
        self._saved = layout
        self._current = layout
        self._undo.clear()
        self._redo.clear()

    def changes(self) -> list[str]:
        """Descriptions of the edits since the last save, oldest first (undone ones excluded)."""
        return [description for _, description in self._undo]

    def summary(self) -> str:
        """The edits as one French line, for the ``change`` of a save."""
        return " ; ".join(self.changes())


class LayoutNameError(CsuWallError, ValueError):
    """The name cannot be given to the layout; the message (French) says why."""


def grid_change(old: Grid, new: Grid) -> str:
    """« Grille 4×4 → 3×3 », the grids named as the selector names them."""
    return f"Grille {grid_name(old)} → {grid_name(new)}"


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def check_name(name: str, existing: Iterable[Layout], *, layout_id: int | None = None) -> str:
    """The name, tidied, if no other layout in ``existing`` (the shared ones and the
    operator's: :meth:`LayoutService.list_layouts`) has it, whatever the case and spaces;
    ``layout_id`` is the layout being renamed (its own name is free). Raises
    :class:`LayoutNameError` otherwise."""
    tidy = " ".join(name.split())
    if not tidy:
        raise LayoutNameError("Donnez un nom à la disposition.")
    for other in existing:
        if other.id is not None and other.id == layout_id:
            continue
        if _key(other.name) == _key(tidy):
            whose = "partagée" if other.shared else "personnelle"
            raise LayoutNameError(
                f"Une disposition {whose} s'appelle déjà « {other.name} » : choisissez un "
                "autre nom.")
    return tidy


def _content(layout: Layout) -> tuple[object, ...]:
    # id and version are bookkeeping: an edit undone back to the saved layout is not dirty.
    return (layout.name, layout.grid, layout.cameras, layout.commune_id, layout.owner)
