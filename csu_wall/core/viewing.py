"""What a view is (docs/DESIGN.md, "What a view is"), once for the whole product.

Two kinds of record, never confused:

- an **access record** (``live_view``, ``playback``, ``export``), written by the access gate
  BEFORE any connection to the recorder: who, which camera, why. A denied attempt writes a
  ``denied`` record instead and no connection is made;
- an **on-screen interval**: it starts when a frame of the camera is shown to an operator and
  ends when it is no longer visible — tile hidden, tab in the background, covered by a
  maximised tile, wall locked or handed over, tile closed or given another camera, window
  closed. Two audit records (``on_screen_start``, ``on_screen_end``) carry the same interval
  id. Maximise, quality switches, reconnections and a jump into the same camera's recording
  inside an interval write no new record.

The mayor's statement counts on-screen intervals (their durations); accesses and denied
attempts are listed beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

INTERVAL_KEY = "interval"  # AuditEntry.extra key pairing the start and end of an interval


@dataclass(frozen=True)
class OnScreenInterval:
    """One on-screen interval, as the statement reads it back from the audit log."""

    interval_id: str
    operator_id: str
    workstation: str
    commune_id: str
    camera_id: str
    started_utc: datetime
    ended_utc: datetime | None  # None: not closed (the workstation stopped abruptly)

    @property
    def seconds(self) -> float | None:
        if self.ended_utc is None:
            return None
        return max(0.0, (self.ended_utc - self.started_utc).total_seconds())
