"""What the GUI's shift dialogs use of :class:`csu_wall.services.shifts.ShiftService`."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from csu_wall.core.shifts import HandoverReport, Shift


class ShiftApi(Protocol):
    """What the GUI uses of :class:`csu_wall.services.shifts.ShiftService`."""

    def current(self) -> Shift | None: ...

    def open(self, operator_id: str, walls: Sequence[str]) -> Shift: ...

    def join(self, shift_id: int, operator_id: str) -> Shift: ...

    def prepare_handover(self, notes: str) -> HandoverReport: ...

    def close_with_handover(self, report: HandoverReport) -> HandoverReport: ...

    def pending_handover(self) -> HandoverReport | None: ...

    def acknowledge(self, handover_id: int, operator_id: str,
                    acked_keys: Collection[str]) -> Shift: ...

    def operator_names(self, operator_ids: Collection[str]) -> dict[str, str]: ...
