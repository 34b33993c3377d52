"""Which layout each screen of this workstation shows, and the wall's state for a crash restore.

Both are per workstation (one row set per workstation name), in the database rather than in
``QSettings``: another workstation sharing the database never sees or overwrites them. The wall
state is a plain JSON object the GUI writes on every change, e.g. ``{"screens": {...},
"locked": true, "maximised": {...}, "layouts": {screen: layout_id}, "cameras": {...}}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from csu_wall.core.layout import LayoutError, ScreenAssignment
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.storage import screen_repo
from csu_wall.storage.db import Database

MAX_STATE_BYTES = 1_000_000  # a wall state is a few kB; more means a bug, not a big wall


class ScreenService:
    def __init__(self, db: Database, *, workstation: str, clock: Clock | None = None) -> None:
        if not workstation.strip():
            raise LayoutError("Le champ « poste » est vide : nommez ce poste de travail.",
                              field="workstation")
        self._db = db
        self.workstation = workstation
        self._clock = clock or SystemClock()

    def save(self, assignments: Sequence[ScreenAssignment]) -> None:
        """The screens of this workstation become exactly ``assignments`` (in this order)."""
        screens: set[str] = set()
        for a in assignments:
            if a.workstation != self.workstation:
                raise LayoutError(
                    f"Affectation de l'écran « {a.screen} » : le champ « poste » vaut "
                    f"« {a.workstation} » au lieu de « {self.workstation} ».",
                    field="workstation",
                )
            if a.screen in screens:
                raise LayoutError(f"L'écran « {a.screen} » est affecté deux fois.",
                                  field="screen")
            screens.add(a.screen)
        screen_repo.replace_assignments(self._db, self.workstation, assignments)

    def load(self) -> list[ScreenAssignment]:
        """The saved assignments of this workstation; a deleted layout or tour reads None."""
        return screen_repo.assignments_of(self._db, self.workstation)

    def save_wall_state(self, state: Mapping[str, object]) -> None:
        """Replace the saved wall state. ``state`` must be JSON (str keys, numbers, strings,
        booleans, None, lists, objects): anything else raises :class:`LayoutError`."""
        doc = _json_object(state)
        screen_repo.write_state(self._db, self.workstation, doc, at=self._clock.now_utc())

    def load_wall_state(self) -> dict[str, object]:
        """The last saved wall state of this workstation, ``{}`` if none."""
        found = screen_repo.read_state(self._db, self.workstation)
        return found[0] if found is not None else {}

    def wall_state_saved_at(self) -> datetime | None:
        found = screen_repo.read_state(self._db, self.workstation)
        return found[1] if found is not None else None


def _json_object(state: Mapping[str, object]) -> dict[str, Any]:
    try:
        text = json.dumps(dict(state), allow_nan=False, ensure_ascii=False,
                          default=_refuse)
    except (TypeError, ValueError) as exc:
        raise LayoutError(
            f"État du mur impossible à enregistrer : {exc}.", field="state"
        ) from exc
    if len(text.encode()) > MAX_STATE_BYTES:
        raise LayoutError("État du mur trop volumineux pour être enregistré.", field="state")
    doc = json.loads(text)
    if not isinstance(doc, dict) or any(not isinstance(k, str) for k in state):
        raise LayoutError("État du mur : les clés doivent être du texte.", field="state")
    return doc


def _refuse(value: object) -> object:
    raise TypeError(f"valeur de type {type(value).__name__} non enregistrable")
