"""``csu-wall habilitation …``: operators' habilitations per commune (IT staff, audited like
``user``, see :mod:`csu_wall.cli.user`)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from csu_wall.cli._common import CliPaths, actor, local, parse_when, with_database
from csu_wall.cli._table import print_table
from csu_wall.cli._text import pick
from csu_wall.services.habilitations import HabilitationService
from csu_wall.storage import site_key
from csu_wall.storage.db import Database
from csu_wall.storage.settings import workstation_of

_TEXT: dict[str, dict[str, str]] = {
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
    "login": {"fr": "identifiant de l'opérateur", "en": "operator's login"},
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


def add_parser(commands: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``habilitation`` to the ``csu-wall`` subcommands."""
    common = [common_parent]

    def t(key: str) -> str:
        return pick(_TEXT, key, lang)

    hab = commands.add_parser("habilitation", help=t("hab"), parents=common)
    hab.set_defaults(handler=handle)
    hab_cmds = hab.add_subparsers(dest="habilitation_command", required=True)
    grant = hab_cmds.add_parser("grant", help=t("hab_grant"), parents=common)
    grant.add_argument("login", help=t("login"))
    grant.add_argument("commune", help=t("commune"))
    grant.add_argument("--basis", required=True, help=t("basis"))
    grant.add_argument("--by", required=True, dest="granted_by", help=t("by"))
    grant.add_argument("--from", dest="valid_from", metavar="DATE", help=t("from"))
    grant.add_argument("--until", dest="valid_until", metavar="DATE", help=t("until"))
    revoke = hab_cmds.add_parser("revoke", help=t("hab_revoke"), parents=common)
    revoke.add_argument("login", help=t("login"))
    revoke.add_argument("commune", help=t("commune"))
    purge = hab_cmds.add_parser("purge", help=t("hab_purge"), parents=common)
    purge.add_argument("commune", help=t("commune"))
    purge.add_argument("--login", dest="purge_login", help=t("purge_login"))
    listing = hab_cmds.add_parser("list", help=t("hab_list"), parents=common)
    listing.add_argument("login", nargs="?", help=t("login"))


def handle(args: argparse.Namespace, paths: CliPaths) -> int:
    return with_database(paths,
                         lambda db: _habilitation(args, db, workstation_of(paths.data_dir)))


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
    rows = []
    for r in records:
        h = r.habilitation
        if h.revoked:
            state = f"retirée le {local(r.revoked_at)}" if r.revoked_at else "retirée"
        elif h.is_valid_at(now):
            state = "valide"
        else:
            state = "expirée" if h.valid_until and now >= h.valid_until else "pas encore valide"
        until = local(h.valid_until) if h.valid_until else "révocation"
        rows.append((h.operator_id, h.commune_id, state,
                     f"du {local(h.valid_from)} à {until} — {h.legal_basis} "
                     f"(par {h.granted_by})"))
    print_table(rows, (20, 20, 30))
    return 0
