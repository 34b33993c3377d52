"""Signing in, out, locking and unlocking one workstation (DESIGN §7).

Every sign-in, failed sign-in, sign-out, lock and unlock is appended to the audit log before it
takes effect; a sign-in or unlock whose audit cannot be written is refused. An unknown login
and a wrong password give the same message and cost the same time. Failed attempts slow the
next one down (1, 2, 4, 8 s…) and the fifth locks the account for 15 minutes, on every
workstation (the state is in the database). Logins that match no account are throttled the
same way in memory, so the answers never tell whether an account exists.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import CsuWallError
from csu_wall.core.ports import Clock, SystemClock
from csu_wall.core.security import Operator
from csu_wall.storage import accounts
from csu_wall.storage.db import Database

log = logging.getLogger(__name__)

BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."
UNKNOWN_LOGIN = "(inconnu)"  # what the audit names for a login matching no account: it may
# be a password typed in the wrong field, so the text itself is never recorded.

# Idle lock per workstation profile: an operator desk locks after 5 minutes without input;
# a wall display PC, watched without being touched, never does.
WORKSTATION_PROFILES: dict[str, int | None] = {"pupitre": 300, "mur": None}


class SignInError(CsuWallError, PermissionError):
    """Sign-in or unlock refused; the message (French) is shown as it is."""


@dataclass(frozen=True)
class ThrottlePolicy:
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    lockout_after: int = 5
    lockout_s: float = 15 * 60

    def delay_after(self, failures: int) -> timedelta | None:
        if failures <= 0:
            return None
        if failures >= self.lockout_after:
            return timedelta(seconds=self.lockout_s)
        return timedelta(seconds=min(self.base_delay_s * 2 ** (failures - 1), self.max_delay_s))


class AuthService:
    """Who is signed in on this workstation, and whether it is locked."""

    def __init__(self, db: Database, audit: AuditSink, *, workstation: str,
                 clock: Clock | None = None, hasher: PasswordHasher | None = None,
                 policy: ThrottlePolicy | None = None) -> None:
        self._db = db
        self._audit = audit
        self._workstation = workstation
        self._clock = clock or SystemClock()
        self._hasher = hasher or accounts.make_hasher()
        self._policy = policy or ThrottlePolicy()
        self._unknown: dict[str, tuple[int, datetime | None]] = {}  # login -> failures, until
        self._operator: Operator | None = None
        self._locked = False
        self._lock = threading.Lock()

    @property
    def operator(self) -> Operator | None:
        return self._operator

    @property
    def locked(self) -> bool:
        return self._locked

    def sign_in(self, login: str, password: str) -> Operator:
        """Check the credentials, audit, then open the session. Raises :class:`SignInError`."""
        with self._lock:
            operator = self._authenticate(login, password)
            self._append(AuditAction.LOGIN, operator.id, refuse=True)
            self._operator = operator
            self._locked = False
            return operator

    def sign_out(self) -> None:
        """End the session. Audited first; a failed audit is logged but the sign-out (which
        only removes access) still happens."""
        with self._lock:
            if self._operator is None:
                return
            self._append(AuditAction.LOGOUT, self._operator.id, refuse=False)
            self._operator = None
            self._locked = False

    def lock(self, reason: str = "verrouillage") -> None:
        """Lock the workstation (explicit or idle). Like a sign-out, never refused."""
        with self._lock:
            if self._operator is None or self._locked:
                return
            self._append(AuditAction.LOCK, self._operator.id, detail=reason, refuse=False)
            self._locked = True

    def unlock(self, login: str, password: str, *, handover: bool = False) -> Operator:
        """Unlock by the signed-in operator, or — with ``handover`` — by the next one, who
        then becomes the signed-in operator (the caller reopens the wall for them)."""
        with self._lock:
            current = self._operator
            if current is None:
                raise SignInError("Aucune session ouverte sur ce poste : connectez-vous.")
            operator = self._authenticate(login, password)
            if operator.id == current.id:
                self._append(AuditAction.UNLOCK, operator.id, refuse=True)
            elif handover:
                self._append(AuditAction.LOGOUT, current.id, detail=f"relève par {operator.id}",
                             refuse=True)
                self._append(AuditAction.LOGIN, operator.id, detail=f"relève de {current.id}",
                             refuse=True)
            else:
                self._append(AuditAction.LOGIN_FAILED, operator.id,
                             detail=f"déverrouillage du poste de {current.id} sans relève",
                             refuse=False)
                raise SignInError(
                    f"Ce poste est verrouillé par {current.display_name} : seul(e) cet opérateur "
                    "peut le déverrouiller. Pour prendre la suite, cochez « Relève de poste »."
                )
            self._operator = operator
            self._locked = False
            return operator

    def identify_incoming(self, login: str, password: str) -> Operator:
        """At a shift handover, the incoming operator proves who they are over the running
        wall. The session stays the outgoing operator's (the viewer of record) until
        :meth:`take_over`; the identification is audited."""
        with self._lock:
            current = self._operator
            if current is None:
                raise SignInError("Aucune session ouverte sur ce poste : connectez-vous.")
            operator = self._authenticate(login, password)
            if operator.id == current.id:
                raise SignInError(
                    "Vous avez remis ce mur : c'est l'opérateur suivant qui s'identifie ici "
                    "pour le prendre.")
            self._append(AuditAction.LOGIN, operator.id, refuse=True,
                         detail=f"relève : identifié(e) pour prendre le mur de {current.id} "
                                "(qui le garde jusqu'à la prise du mur)")
            return operator

    def take_over(self, operator: Operator) -> None:
        """The incoming operator (identified by :meth:`identify_incoming`, their handover
        acknowledged) takes the wall: the outgoing operator's session ends there. Both
        records are written first; if they cannot be, nothing changes."""
        with self._lock:
            current = self._operator
            if current is None:
                raise SignInError("Aucune session ouverte sur ce poste : connectez-vous.")
            if current.id == operator.id:
                return
            self._append(AuditAction.LOGOUT, current.id, refuse=True,
                         detail=f"relève : mur remis à {operator.id} (prise du mur)")
            self._append(AuditAction.LOGIN, operator.id, refuse=True,
                         detail=f"relève : prise du mur de {current.id}")
            self._operator = operator
            self._locked = False

    # -- credentials ---------------------------------------------------------------------

    def _authenticate(self, login: str, password: str) -> Operator:
        norm = accounts.normalise_login(login)
        if not norm or not password:
            raise SignInError("Saisissez votre identifiant et votre mot de passe.")
        now = self._clock.now_utc()
        account = accounts.get_account(self._db, norm)
        known = account is not None and not account.operator.demo and account.has_password
        audit_name = norm[:64] if known else UNKNOWN_LOGIN
        until = account.locked_until if known and account else self._unknown.get(norm, (0, None))[1]
        if until is not None and now < until:
            self._append(AuditAction.LOGIN_FAILED, audit_name, detail="attente imposée",
                         refuse=False)
            raise SignInError(_wait_message(until - now))
        verified = accounts.verify_password(self._db, norm, password, hasher=self._hasher)
        if verified is None:
            self._fail(norm, known, now)
            self._append(AuditAction.LOGIN_FAILED, audit_name, detail="identifiants refusés",
                         refuse=False)
            raise SignInError(BAD_CREDENTIALS)
        if verified.disabled:
            self._append(AuditAction.LOGIN_FAILED, audit_name, detail="compte désactivé",
                         refuse=False)
            raise SignInError("Ce compte est désactivé : adressez-vous à un administrateur.")
        accounts.register_success(self._db, norm)
        self._unknown.pop(norm, None)
        return verified.operator

    def _fail(self, norm: str, known: bool, now: datetime) -> None:
        if known:
            accounts.register_failure(self._db, norm, now=now, lock_for=self._policy.delay_after)
            return
        failures = self._unknown.get(norm, (0, None))[0] + 1
        delay = self._policy.delay_after(failures)
        self._unknown[norm] = (failures, now + delay if delay else None)

    def _append(self, action: AuditAction, operator_id: str, *, detail: str = "",
                refuse: bool) -> None:
        entry = AuditEntry(ts_utc=self._clock.now_utc(), workstation=self._workstation,
                           operator_id=operator_id, action=action, detail=detail)
        try:
            self._audit.append(entry)
        except Exception as exc:
            log.error("audit of %s for %s failed: %s", action.value, operator_id,
                      type(exc).__name__)
            if refuse:
                raise SignInError(
                    "Connexion refusée : le journal d'audit ne peut pas être écrit. Vérifiez la "
                    "base de données ou appelez le support informatique."
                ) from exc


def _wait_message(left: timedelta) -> str:
    seconds = max(1, math.ceil(left.total_seconds()))
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return (f"Trop d'essais infructueux : connexion bloquée encore {minutes} min. "
                "Réessayez plus tard ou demandez à un administrateur de réinitialiser le "
                "mot de passe.")
    return f"Trop d'essais infructueux : patientez {seconds} s avant de réessayer."


class IdleLock:
    """When to lock for inactivity. ``idle_seconds`` None turns it off (a wall display PC)."""

    def __init__(self, idle_seconds: int | None, clock: Clock | None = None) -> None:
        if idle_seconds is not None and idle_seconds <= 0:
            raise ValueError("idle_seconds must be positive or None")
        self.idle_seconds = idle_seconds
        self._clock = clock or SystemClock()
        self._last = self._clock.monotonic()

    @classmethod
    def for_profile(cls, profile: str, clock: Clock | None = None) -> IdleLock:
        """``pupitre`` (operator desk, 300 s) or ``mur`` (wall display PC, off)."""
        return cls(WORKSTATION_PROFILES[profile], clock)

    @property
    def enabled(self) -> bool:
        return self.idle_seconds is not None

    def activity(self) -> None:
        self._last = self._clock.monotonic()

    def remaining(self) -> float | None:
        if self.idle_seconds is None:
            return None
        return max(0.0, self.idle_seconds - (self._clock.monotonic() - self._last))

    def due(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0.0
