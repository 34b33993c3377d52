"""The access gate at a shift takeover: checks and records become the incoming operator's,
under their habilitations; a habilitation list read for the outgoing operator just before
(the watcher's pass racing the takeover) takes nothing away from the incoming one."""

from __future__ import annotations

from datetime import UTC, datetime

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.security import Habilitation, Operator, Role
from csu_wall.core.sitefile import load_demo_site
from csu_wall.services.access import AccessGate

SINCE = datetime(2020, 1, 1, tzinfo=UTC)


class MemoryAudit(AuditSink):
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> int:
        self.entries.append(entry)
        return len(self.entries)


OUT = Operator("sortant", "Sortant", Role.OPERATOR)
IN = Operator("entrant", "Entrant", Role.OPERATOR)


def test_takeover_switches_operator_and_habilitations() -> None:
    site = load_demo_site()
    first, second = site.communes[0].id, site.communes[1].id
    audit = MemoryAudit()
    gate = AccessGate(site, OUT, [Habilitation(OUT.id, c, "arrêté", "maire", SINCE)
                                  for c in (first, second)], audit, workstation="p")
    assert gate.may_view(first) and gate.may_view(second)
    incoming = [Habilitation(IN.id, first, "arrêté", "maire", SINCE)]
    gate.take_over(IN, incoming)
    assert gate.operator == IN and gate.may_view(first) and not gate.may_view(second)
    camera = site.cameras_of(first)[0]
    gate.authorise_live(camera)
    assert audit.entries[-1].action is AuditAction.LIVE_VIEW
    assert audit.entries[-1].operator_id == IN.id
    # the watcher's pass for the outgoing operator, finishing after the takeover
    gate.replace_habilitations([Habilitation(OUT.id, second, "arrêté", "maire", SINCE)])
    assert gate.may_view(first) and not gate.may_view(second)
    gate.replace_habilitations([])  # a revocation of everything still applies
    assert not gate.may_view(first)
