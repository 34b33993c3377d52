"""What the command modules share: who acts, secrets read from the terminal or standard input,
dates typed by IT staff, and a command run over one database connection."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

from csu_wall.core.errors import CsuWallError
from csu_wall.storage import accounts
from csu_wall.storage.db import Database


class CliPaths(Protocol):
    """Where this run keeps its state (the composition root's ``Paths``)."""

    @property
    def data_dir(self) -> Path: ...

    @property
    def database_url(self) -> str: ...

    @property
    def database_url_redacted(self) -> str: ...

    @property
    def cache_dir(self) -> Path: ...


# ``set_defaults(handler=…)``: a command run once the data directory is resolved and logging
# started; ``set_defaults(offline_handler=…)``: one that touches neither (site check, bench).
Handler = Callable[[argparse.Namespace, CliPaths], int]
OfflineHandler = Callable[[argparse.Namespace], int]


def with_database(paths: CliPaths, command: Callable[[Database], int]) -> int:
    """``command`` over a connection to the database, closed after; a refusal
    (:class:`CsuWallError`) is printed in French and exits 1."""
    db = Database.open(paths.database_url, create=True)
    try:
        return command(db)
    except CsuWallError as exc:
        print(f"csu-wall: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()


def actor() -> str:
    return f"cli:{getpass.getuser()}"[:64]


def read_new_password() -> str:
    """Asked twice on a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Confirmez le mot de passe : ") != first:
            raise accounts.AccountError("Les deux saisies diffèrent : rien n'a été changé.")
        password = first
    else:
        password = read_stdin_line()
    accounts.check_password_strength(password)
    return password


def read_stdin_line() -> str:
    """The first line of standard input, which must be UTF-8 text."""
    if sys.stdin is None:
        return ""
    try:
        return sys.stdin.readline().rstrip("\r\n")
    except UnicodeDecodeError:
        raise CsuWallError("L'entrée standard n'est pas du texte UTF-8 : rien n'a été "
                           "modifié.") from None


def read_secret(prompt: str) -> str:
    """A secret from the terminal (no echo, asked twice) or the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Confirmez : ") != first:
            raise CsuWallError("Les deux saisies diffèrent : rien n'a été modifié.")
        value = first
    else:
        value = read_stdin_line()
    if not value:
        raise CsuWallError("Saisie vide : rien n'a été modifié.")
    return value


# Dates a habilitation may start or end at: outside, the value is a typing mistake (and the
# extremes of ``datetime`` overflow once converted between time zones).
FIRST_YEAR, LAST_YEAR = 1970, 2199


def parse_when(text: str, *, end_of_day: bool = False) -> datetime:
    """A local date or date-time as an aware datetime. A bare date as an end is inclusive:
    valid until the end of that day."""
    invalid = f"Date « {text} » invalide : écrivez AAAA-MM-JJ ou AAAA-MM-JJTHH:MM."
    try:
        if "T" in text or " " in text.strip():
            when = datetime.fromisoformat(text.strip())
            day = when.date()
        else:
            day = date.fromisoformat(text.strip())
            when = None
    except ValueError:
        raise accounts.AccountError(invalid) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise accounts.AccountError(f"Date « {text} » hors limites : l'année doit être "
                                    f"comprise entre {FIRST_YEAR} et {LAST_YEAR}.")
    if when is not None:
        return when.astimezone()
    if end_of_day:
        day += timedelta(days=1)
    return datetime.combine(day, time()).astimezone()


def local(when: datetime | None) -> str:
    return when.astimezone().strftime("%d/%m/%Y %H:%M") if when else "—"
