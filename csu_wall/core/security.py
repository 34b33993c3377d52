"""Operators, roles and habilitations (CSI L252-2, R253-3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class Role(str, Enum):
    OPERATOR = "operateur"
    SUPERVISOR = "superviseur"
    ADMINISTRATOR = "administrateur"


@dataclass(frozen=True)
class Operator:
    id: str  # login
    display_name: str
    role: Role = Role.OPERATOR
    demo: bool = False  # the demo operator exists only under --demo


@dataclass(frozen=True)
class Habilitation:
    """An operator's right to view one commune's images, for a while, on a legal basis."""

    operator_id: str
    commune_id: str
    legal_basis: str
    granted_by: str
    valid_from: datetime  # aware, UTC
    valid_until: datetime | None = None  # aware, UTC; None = until revoked
    revoked: bool = False

    def is_valid_at(self, when: datetime) -> bool:
        if self.revoked or when < self.valid_from:
            return False
        return self.valid_until is None or when < self.valid_until
