"""``csu-wall user …``: operator accounts.

Who may run it: IT staff with access to the workstation and its database (at install, the
first ``user add`` creates the first administrator). The commands do not ask for an operator's
sign-in: whoever can run them can already write the database. Each change is audited in the
database's log under ``cli:<system user>`` and this workstation's name (its settings). A
password is never an argument: it is asked twice on a terminal, or read from the first line of
standard input otherwise.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from csu_wall.cli._common import CliPaths, actor, local, read_new_password, with_database
from csu_wall.cli._table import print_table
from csu_wall.cli._text import pick
from csu_wall.core.security import Role
from csu_wall.storage import accounts, site_key
from csu_wall.storage.db import Database
from csu_wall.storage.settings import workstation_of

_TEXT: dict[str, dict[str, str]] = {
    "user": {"fr": "comptes des opérateurs (personnel informatique)",
             "en": "operator accounts (IT staff)"},
    "user_add": {"fr": "créer un compte (mot de passe demandé, ou lu sur l'entrée standard)",
                 "en": "create an account (password prompted, or read from standard input)"},
    "user_disable": {"fr": "désactiver un compte", "en": "disable an account"},
    "user_enable": {"fr": "réactiver un compte", "en": "enable an account again"},
    "user_passwd": {"fr": "changer le mot de passe (et lever un blocage)",
                    "en": "change the password (and clear a lock-out)"},
    "user_list": {"fr": "lister les comptes", "en": "list the accounts"},
    "login": {"fr": "identifiant de l'opérateur", "en": "operator's login"},
    "role": {"fr": "rôle", "en": "role"},
    "name": {"fr": "nom affiché (« Prénom Nom »)", "en": "display name"},
}


def add_parser(commands: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``user`` to the ``csu-wall`` subcommands."""
    common = [common_parent]
    user = commands.add_parser("user", help=pick(_TEXT, "user", lang), parents=common)
    user.set_defaults(handler=handle)
    user_cmds = user.add_subparsers(dest="user_command", required=True)
    add = user_cmds.add_parser("add", help=pick(_TEXT, "user_add", lang), parents=common)
    add.add_argument("login", help=pick(_TEXT, "login", lang))
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.OPERATOR.value,
                     help=pick(_TEXT, "role", lang))
    add.add_argument("--name", required=True, help=pick(_TEXT, "name", lang))
    for name in ("disable", "enable", "passwd"):
        sub = user_cmds.add_parser(name, help=pick(_TEXT, f"user_{name}", lang), parents=common)
        sub.add_argument("login", help=pick(_TEXT, "login", lang))
    user_cmds.add_parser("list", help=pick(_TEXT, "user_list", lang), parents=common)


def handle(args: argparse.Namespace, paths: CliPaths) -> int:
    return with_database(paths, lambda db: _user(args, db, workstation_of(paths.data_dir)))


def _audit_user_change(db: Database, ws: str) -> accounts.ChangeRecord:
    """Account changes are audited in their own transaction (refused, before anything is
    written, on a workstation not enrolled in a keyed site)."""
    return accounts.ChangeRecord(site_key.audit_log(db), actor(), ws)


def _user(args: argparse.Namespace, db: Database, ws: str) -> int:
    sub = args.user_command
    if sub == "list":
        return _user_list(db)
    login = accounts.check_login(args.login)
    hasher = accounts.make_hasher()
    if sub == "add":
        if accounts.get_account(db, login) is not None:
            raise accounts.AccountError(
                f"Le compte « {login} » existe déjà (voir `csu-wall user list`).")
        password = read_new_password()
        accounts.create_account(db, login, args.name, Role(args.role), password, hasher=hasher,
                                record=_audit_user_change(db, ws))
        print(f"Compte « {login} » créé ({args.role}).")
    else:
        if accounts.get_account(db, login) is None:
            raise accounts.AccountError(f"Aucun compte « {login} » (voir `csu-wall user list`).")
        if sub == "passwd":
            password = read_new_password()
            accounts.set_password(db, login, password, hasher=hasher,
                                  record=_audit_user_change(db, ws))
            print(f"Mot de passe de « {login} » changé.")
        else:
            disabled = sub == "disable"
            accounts.set_disabled(db, login, disabled, record=_audit_user_change(db, ws))
            print(f"Compte « {login} » {'désactivé' if disabled else 'réactivé'}.")
    if not accounts.has_active_administrator(db):
        print("Attention : aucun compte administrateur actif "
              "(csu-wall user add LOGIN --role administrateur).", file=sys.stderr)
    return 0


def _user_list(db: Database) -> int:
    now = datetime.now().astimezone()
    rows = accounts.list_accounts(db)
    if not rows:
        print("Aucun compte. Créez le premier : csu-wall user add LOGIN --role administrateur "
              "--name \"Prénom Nom\"")
        return 0
    lines = []
    for a in rows:
        if a.disabled:
            state = "désactivé"
        elif a.locked_at(now) and a.locked_until is not None:
            state = f"bloqué jusqu'à {local(a.locked_until)}"
        elif not a.has_password:
            state = "sans mot de passe"
        else:
            state = "actif"
        lines.append((a.operator.id, a.operator.role.value, state, a.operator.display_name))
    print_table(lines, (20, 15, 28))
    return 0
