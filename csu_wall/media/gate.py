"""Per-recorder admission of stream sessions: the session cap and the one-probe credential rule.

An NVR accepts a limited number of streaming sessions (``Recorder.session_cap``) and locks an
account after a few wrong passwords. Every session of a network recorder passes this gate
before connecting:

- at most ``cap`` sessions of one recorder hold a slot (are connecting or connected); the
  others wait, on state CONNECTING, and take a slot when one frees;
- until a recorder has accepted a set of credentials once, only one session probes it (the
  *prober*, who keeps the role through its backoff); the others wait and show the prober's
  state. Once it answered 401, no session of that recorder and credential connects again
  until :meth:`RecorderGate.credentials_changed` — one probe, never a lockout.

Credentials already accepted stay trusted across outages, so tiles reconnecting after a
recorder reboot use their own jittered backoff instead of queuing behind one prober.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from csu_wall.core.frames import TileState

DETAIL_CAP = ("Limite de sessions de l'enregistreur atteinte : la vignette attend qu'une "
              "session se libère.")
DETAIL_PROBE = "Vérification des identifiants de l'enregistreur par une autre vignette…"
WAKE_EVERY = 0.25  # s: waiters re-check their stop flag at least this often

StateSink = Callable[[TileState, str], None]


@dataclass
class _Account:
    """What the recorder answered to one credential (``credential_ref``)."""

    verified: bool = False  # accepted once since the last change
    refused: bool = False  # answered 401: terminal until the next change
    refusal: str = ""
    prober: str | None = None  # tile probing while not verified
    failure: tuple[TileState, str] | None = None  # the prober's last state, mirrored by waiters


@dataclass
class _Recorder:
    cap: int | None = None
    holders: set[str] = field(default_factory=set)
    accounts: dict[str | None, _Account] = field(default_factory=dict)


class RecorderGate:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._recorders: dict[str, _Recorder] = {}

    # -- configuration (any thread) ----------------------------------------------------------

    def set_cap(self, recorder_id: str, cap: int | None) -> None:
        """At most ``cap`` concurrent sessions on this recorder (None: no limit)."""
        if cap is not None and cap < 1:
            raise ValueError("a session cap is at least 1")
        with self._cond:
            self._rec(recorder_id).cap = cap
            self._cond.notify_all()

    def cap(self, recorder_id: str) -> int | None:
        with self._cond:
            return self._rec(recorder_id).cap

    def credentials_changed(self, recorder_id: str) -> None:
        """New credentials for the recorder: refused ones may be probed again (once)."""
        with self._cond:
            for account in self._rec(recorder_id).accounts.values():
                account.verified = account.refused = False
                account.failure = None
            self._cond.notify_all()

    def holders(self, recorder_id: str) -> int:
        """Sessions holding a slot (connecting or connected) on the recorder."""
        with self._cond:
            return len(self._rec(recorder_id).holders)

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    # -- session side (reader threads) -------------------------------------------------------

    def enter(self, recorder_id: str, ref: str | None, tile_id: str,
              stop: threading.Event, report: StateSink) -> bool:
        """Block until the tile may connect (it then holds a slot); False once stopped."""
        shown: tuple[TileState, str] | None = None
        with self._cond:
            rec = self._rec(recorder_id)
            account = rec.accounts.setdefault(ref, _Account())
            while not stop.is_set():
                wanted: tuple[TileState, str] | None
                if account.refused:
                    wanted = (TileState.UNAUTHORISED, account.refusal)
                elif (not account.verified and account.prober not in (None, tile_id)):
                    wanted = account.failure or (TileState.CONNECTING, DETAIL_PROBE)
                elif (tile_id not in rec.holders and rec.cap is not None
                      and len(rec.holders) >= rec.cap):
                    wanted = (TileState.CONNECTING, DETAIL_CAP)
                else:
                    rec.holders.add(tile_id)
                    if not account.verified:
                        account.prober = tile_id
                    return True
                if wanted != shown:
                    shown = wanted
                    self._cond.release()  # never call out while holding the lock
                    try:
                        report(*wanted)
                    finally:
                        self._cond.acquire()
                    continue
                self._cond.wait(WAKE_EVERY)
        return False

    def opened(self, recorder_id: str, ref: str | None, tile_id: str) -> None:
        """The connection works: its credentials are accepted; waiting probers may go."""
        with self._cond:
            account = self._rec(recorder_id).accounts.setdefault(ref, _Account())
            account.verified = True
            account.failure = None
            if account.prober == tile_id:
                account.prober = None
            self._cond.notify_all()

    def failed(self, recorder_id: str, ref: str | None, tile_id: str,
               state: TileState, detail: str) -> None:
        """The connection failed (the slot is freed); UNAUTHORISED is terminal for the
        credential, other states are mirrored by the tiles waiting on this prober."""
        with self._cond:
            rec = self._rec(recorder_id)
            rec.holders.discard(tile_id)
            account = rec.accounts.setdefault(ref, _Account())
            if state is TileState.UNAUTHORISED:
                account.refused, account.refusal = True, detail
                account.verified = False
                if account.prober == tile_id:
                    account.prober = None
            elif account.prober == tile_id:
                account.failure = (state, detail)
            self._cond.notify_all()

    def release(self, recorder_id: str, ref: str | None, tile_id: str) -> None:
        """The tile holds no connection any more (ended, or its session stopped)."""
        with self._cond:
            rec = self._rec(recorder_id)
            rec.holders.discard(tile_id)
            account = rec.accounts.get(ref)
            if account is not None and account.prober == tile_id:
                account.prober = None
            self._cond.notify_all()

    def _rec(self, recorder_id: str) -> _Recorder:
        return self._recorders.setdefault(recorder_id, _Recorder())
