"""``csu-wall user …`` and ``csu-wall habilitation …``: accounts and habilitations.

Who may run these: IT staff with access to the workstation and its database (at install, the
first ``user add`` creates the first administrator). The commands do not ask for an operator's
sign-in: whoever can run them can already write the database. Each change is audited in the
database's log under ``cli:<system user>`` and this workstation's name (its settings). A
password is never an argument: it is asked twice on a terminal, or read from the first line of
standard input otherwise.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime, time, timedelta
from typing import Any

from csu_wall.core.errors import CsuWallError
from csu_wall.core.security import Role
from csu_wall.services.habilitations import HabilitationService
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
    "hab": {"fr": "habilitations des opérateurs par commune",
            "en": "operators' habilitations per commune"},
    "hab_grant": {"fr": "accorder une habilitation", "en": "grant a habilitation"},
    "hab_revoke": {"fr": "retirer les habilitations d'un opérateur pour une commune (les images "
                         "ouvertes se ferment en quelques secondes)",
                   "en": "revoke an operator's habilitations for a commune (open images close "
                         "within seconds)"},
    "hab_list": {"fr": "lister les habilitations", "en": "list habilitations"},
    "hab_purge": {"fr": "effacer les habilitations retirées d'une commune (journalisé), par "
                        "exemple avant de la retirer du fichier de site",
                  "en": "delete a commune's revoked habilitations (audited), e.g. before "
                        "removing it from the site file"},
    "purge_login": {"fr": "seulement celles de cet opérateur", "en": "only this operator's"},
    "commune": {"fr": "identifiant de la commune (fichier de site)",
                "en": "commune id (site file)"},
    "basis": {"fr": "base légale (ex. « arrêté préfectoral n° … »)",
              "en": "legal basis (e.g. prefectoral order number)"},
    "by": {"fr": "autorité qui accorde l'habilitation", "en": "granting authority"},
    "from": {"fr": "début de validité (AAAA-MM-JJ[THH:MM], heure locale ; défaut : maintenant)",
             "en": "valid from (YYYY-MM-DD[THH:MM], local time; default: now)"},
    "until": {"fr": "fin de validité, jour inclus (AAAA-MM-JJ[THH:MM], heure locale)",
              "en": "valid until, day included (YYYY-MM-DD[THH:MM], local time)"},
}


def _t(key: str, lang: str) -> str:
    return _TEXT[key].get(lang, _TEXT[key]["en"])


def add_parsers(subparsers: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``user`` and ``habilitation`` to the ``csu-wall`` subcommands."""
    common = [common_parent]
    user = subparsers.add_parser("user", help=_t("user", lang), parents=common)
    user_cmds = user.add_subparsers(dest="user_command", required=True)
    add = user_cmds.add_parser("add", help=_t("user_add", lang), parents=common)
    add.add_argument("login", help=_t("login", lang))
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.OPERATOR.value,
                     help=_t("role", lang))
    add.add_argument("--name", required=True, help=_t("name", lang))
    for name in ("disable", "enable", "passwd"):
        sub = user_cmds.add_parser(name, help=_t(f"user_{name}", lang), parents=common)
        sub.add_argument("login", help=_t("login", lang))
    user_cmds.add_parser("list", help=_t("user_list", lang), parents=common)

    hab = subparsers.add_parser("habilitation", help=_t("hab", lang), parents=common)
    hab_cmds = hab.add_subparsers(dest="habilitation_command", required=True)
    grant = hab_cmds.add_parser("grant", help=_t("hab_grant", lang), parents=common)
    grant.add_argument("login", help=_t("login", lang))
    grant.add_argument("commune", help=_t("commune", lang))
    grant.add_argument("--basis", required=True, help=_t("basis", lang))
    grant.add_argument("--by", required=True, dest="granted_by", help=_t("by", lang))
    grant.add_argument("--from", dest="valid_from", metavar="DATE", help=_t("from", lang))
    grant.add_argument("--until", dest="valid_until", metavar="DATE", help=_t("until", lang))
    revoke = hab_cmds.add_parser("revoke", help=_t("hab_revoke", lang), parents=common)
    revoke.add_argument("login", help=_t("login", lang))
    revoke.add_argument("commune", help=_t("commune", lang))
    purge = hab_cmds.add_parser("purge", help=_t("hab_purge", lang), parents=common)
    purge.add_argument("commune", help=_t("commune", lang))
    purge.add_argument("--login", dest="purge_login", help=_t("purge_login", lang))
    listing = hab_cmds.add_parser("list", help=_t("hab_list", lang), parents=common)
    listing.add_argument("login", nargs="?", help=_t("login", lang))


def dispatch(args: argparse.Namespace, paths: Any) -> int | None:
    """Run the command if it is one of ours (exit code), else None. ``paths`` is a
    :class:`csu_wall.composition.Paths`."""
    command = getattr(args, "command", None)
    if command not in ("user", "habilitation"):
        return None
    db = Database.open(paths.database_url, create=True)
    try:
        if command == "user":
            return _user(args, db, workstation_of(paths.data_dir))
        return _habilitation(args, db, workstation_of(paths.data_dir))
    except CsuWallError as exc:
        print(f"csu-wall: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()


def actor() -> str:
    return f"cli:{getpass.getuser()}"[:64]


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
    for a in rows:
        if a.disabled:
            state = "désactivé"
        elif a.locked_at(now) and a.locked_until is not None:
            state = f"bloqué jusqu'à {_local(a.locked_until)}"
        elif not a.has_password:
            state = "sans mot de passe"
        else:
            state = "actif"
        print(f"{a.operator.id:<20} {a.operator.role.value:<15} {state:<28} "
              f"{a.operator.display_name}")
    return 0


def _habilitation(args: argparse.Namespace, db: Database, ws: str) -> int:
    service = HabilitationService(db, site_key.audit_log(db), actor=actor(), workstation=ws)
    sub = args.habilitation_command
    if sub == "grant":
        start = parse_when(args.valid_from) if args.valid_from else None
        end = parse_when(args.valid_until, end_of_day=True) if args.valid_until else None
        service.grant(args.login, args.commune, legal_basis=args.basis,
                      granted_by=args.granted_by, valid_from=start, valid_until=end)
        print(f"Habilitation accordée à « {args.login} » pour « {args.commune} ».")
        return 0
    if sub == "revoke":
        count = service.revoke(args.login, args.commune)
        print(f"{count} habilitation(s) de « {args.login} » pour « {args.commune} » retirée(s) ; "
              "les images ouvertes de cette commune se ferment en quelques secondes.")
        return 0
    if sub == "purge":
        count = service.purge_revoked(args.commune, args.purge_login)
        print(f"{count} habilitation(s) retirée(s) effacée(s) pour « {args.commune} ».")
        return 0
    records = service.list(args.login)
    if not records:
        print("Aucune habilitation.")
    now = datetime.now().astimezone()
    for r in records:
        h = r.habilitation
        if h.revoked:
            state = f"retirée le {_local(r.revoked_at)}" if r.revoked_at else "retirée"
        elif h.is_valid_at(now):
            state = "valide"
        else:
            state = "expirée" if h.valid_until and now >= h.valid_until else "pas encore valide"
        until = _local(h.valid_until) if h.valid_until else "révocation"
        print(f"{h.operator_id:<20} {h.commune_id:<20} {state:<30} du {_local(h.valid_from)} "
              f"à {until} — {h.legal_basis} (par {h.granted_by})")
    return 0


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


def _local(when: datetime | None) -> str:
    return when.astimezone().strftime("%d/%m/%Y %H:%M") if when else "—"
