"""Tours: a tile cycling through cameras, or the wall through layouts.

:class:`TourService` keeps them in the database (shared ones are a supervisor's, private ones
their owner's; every change audited as ``LAYOUT_CHANGE``). :class:`TourRunner` plays one: no
thread and no timer of its own — the GUI calls :meth:`TourRunner.tick` from its timer, and
time comes from an injected :class:`~csu_wall.core.ports.Clock`.

Like layouts, a tile tour may name cameras of a commune the operator is not habilitated for:
the tile shows « non habilité » for that step; the access gate decides, not the tour.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.layout import Tour, TourKind
from csu_wall.core.ports import Clock
from csu_wall.services._owned import Owned, OwnedItemService
from csu_wall.services.communes import refuse_detached_cameras
from csu_wall.services.layouts import LayoutNotFound
from csu_wall.storage import tour_repo

RESUME_AFTER = 30.0  # seconds without interaction before a tour the operator touched goes on


class TourService(OwnedItemService):
    shared_denied = ("Seuls les superviseurs et les administrateurs peuvent modifier les rondes "
                     "partagées. Enregistrez-la comme ronde personnelle.")
    others_denied = "Cette ronde personnelle appartient à un autre opérateur."

    def list_tours(self) -> list[Tour]:
        """Shared tours and this operator's private ones, by name."""
        return tour_repo.all_tours(self._db, owner=self._operator.id)

    def get(self, tour_id: int) -> Tour:
        tour = tour_repo.get_tour(self._db, tour_id)
        if tour is None or not self._may_see(tour):
            raise LayoutNotFound(f"La ronde n° {tour_id} n'existe plus ou ne vous est pas "
                                 "accessible.")
        return tour

    def save(self, tour: Tour) -> Tour:
        """Create (``tour.id`` None) or replace a tour; returns it with its id."""
        old = self.get(tour.id) if tour.id is not None else None
        self._check_may_edit(tour, old)
        if tour.kind == TourKind.TILE:
            refuse_detached_cameras(self._db, tour.items, f"la ronde « {tour.name} »")
        verb = "création" if old is None else "modification"
        self._record(tour, f"{verb} de la ronde « {tour.name} » ({len(tour.items)} étape(s), "
                           f"{tour.dwell_seconds:g} s par étape)")
        try:
            return tour_repo.save_tour(self._db, tour, by=self._operator.id,
                                       at=self._clock.now_utc())
        except LookupError:
            raise LayoutNotFound(f"La ronde « {tour.name} » a été supprimée entre-temps : "
                                 "enregistrez-la comme nouvelle ronde.") from None

    def delete(self, tour_id: int) -> None:
        tour = self.get(tour_id)
        self._check_may_edit(tour, tour)
        self._record(tour, f"suppression de la ronde « {tour.name} »")
        tour_repo.delete_tour(self._db, tour_id)

    def _record(self, tour: Tour, detail: str) -> None:
        self._audit.append(self._entry(AuditAction.LAYOUT_CHANGE, tour, detail))

    def _entry(self, action: AuditAction, item: Owned, detail: str) -> AuditEntry:
        tour = cast(Tour, item)
        extra = {"tour": tour.name, "kind": tour.kind.value, "items": ",".join(tour.items)}
        if tour.id is not None:
            extra["tour_id"] = str(tour.id)
        return self._audit_entry(action, detail, extra)


class TourRunner:
    """Plays a tour: each item stays ``tour.dwell_seconds``, then the next one (wrapping).

    - :meth:`interact` (the operator touched the tile or the wall) holds the tour for
      ``resume_after`` seconds after the last touch;
    - :meth:`pause` holds it until :meth:`resume`;
    - after either hold the current item gets a full dwell again before the tour moves on;
    - ``available(item)`` is asked before an item is shown: items for which it is False (a
      deleted layout, see :meth:`LayoutService.exists`) are skipped;
    - a late :meth:`tick` (GUI busy) moves one item only, never a burst.
    """

    def __init__(
        self,
        tour: Tour,
        clock: Clock,
        *,
        resume_after: float = RESUME_AFTER,
        available: Callable[[str], bool] | None = None,
    ) -> None:
        self.tour = tour
        self._clock = clock
        self._resume_after = resume_after
        self._available = available or (lambda _item: True)
        self._index = 0
        self._manual = False
        self._held_until: float | None = None
        self._deadline = clock.monotonic() + tour.dwell_seconds
        if not self._available(tour.items[0]):
            self._step()

    @property
    def index(self) -> int:
        return self._index

    @property
    def paused(self) -> bool:
        """True while paused by :meth:`pause` or held after an interaction."""
        return self._manual or self._held()

    @property
    def manually_paused(self) -> bool:
        return self._manual

    def current(self) -> str:
        return self.tour.items[self._index]

    def tick(self) -> str | None:
        """The new item when the dwell has elapsed (and the tour is not held), else None."""
        now = self._clock.monotonic()
        if self._manual:
            return None
        if self._held_until is not None:
            if now < self._held_until:
                return None
            self._held_until = None
            self._deadline = now + self.tour.dwell_seconds
            return None
        if now < self._deadline:
            return None
        self._deadline += self.tour.dwell_seconds
        if self._deadline <= now:  # more than a dwell late: start afresh, no catching up
            self._deadline = now + self.tour.dwell_seconds
        return self._step()

    def advance(self) -> str:
        """Go to the next item now (operator's « suivant »); the dwell restarts."""
        self._step()
        self._deadline = self._clock.monotonic() + self.tour.dwell_seconds
        return self.current()

    def interact(self) -> None:
        self._held_until = self._clock.monotonic() + self._resume_after

    def pause(self) -> None:
        self._manual = True

    def resume(self) -> None:
        self._manual = False
        self._held_until = None
        self._deadline = self._clock.monotonic() + self.tour.dwell_seconds

    def held_for(self) -> float:
        """Seconds left of the hold after an interaction (0 when not held that way)."""
        if self._held_until is None:
            return 0.0
        return max(0.0, self._held_until - self._clock.monotonic())

    def _held(self) -> bool:
        return self._held_until is not None and self._clock.monotonic() < self._held_until

    def _step(self) -> str | None:
        """Move to the next available item; None when no other item is available."""
        count = len(self.tour.items)
        for offset in range(1, count + 1):
            candidate = (self._index + offset) % count
            if self._available(self.tour.items[candidate]):
                moved = candidate != self._index
                self._index = candidate
                return self.current() if moved else None
        return None
