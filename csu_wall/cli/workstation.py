"""``csu-wall workstation enroll``: this workstation joins the site (DESIGN §7).

For IT staff on a workstation that can write the database. An enrolment code is never an
argument: it is asked on a terminal (without echo), or read from the first line of standard
input otherwise. Nothing secret is printed, except the enrolment code, once, by
``workstation enroll --new-site`` (IT keeps it offline to enrol the other workstations).
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

from csu_wall.cli._common import CliPaths, actor, read_secret, with_database
from csu_wall.cli._text import pick
from csu_wall.storage import site_key
from csu_wall.storage.db import Database

_TEXT: dict[str, dict[str, str]] = {
    "ws": {"fr": "ce poste de travail", "en": "this workstation"},
    "enroll": {"fr": "enrôler ce poste : mettre la clé de site dans le trousseau du système "
                     "(code d'enrôlement demandé, ou lu sur l'entrée standard)",
               "en": "enrol this workstation: put the site key in the OS keyring (enrolment "
                     "code prompted, or read from standard input)"},
    "ws_name": {"fr": "nom de ce poste, unique dans le site (ex. pupitre-2) : il figure dans "
                      "le journal d'audit, les prises de poste et l'état du mur (défaut : le "
                      "nom d'hôte)",
                "en": "this workstation's name, unique in the site (e.g. desk-2): recorded in "
                      "the audit log, shifts and wall state (default: the host name)"},
    "new_site": {"fr": "premier poste : créer la clé de site et afficher le code d'enrôlement",
                 "en": "first workstation: create the site key and print the enrolment code"},
}


def add_parser(commands: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``workstation enroll`` to the ``csu-wall`` subcommands."""
    common = [common_parent]
    ws = commands.add_parser("workstation", help=pick(_TEXT, "ws", lang), parents=common)
    ws_cmds = ws.add_subparsers(dest="workstation_command", required=True)
    enroll = ws_cmds.add_parser("enroll", help=pick(_TEXT, "enroll", lang), parents=common)
    enroll.add_argument("--new-site", action="store_true", help=pick(_TEXT, "new_site", lang))
    enroll.add_argument("--name", metavar="NOM", help=pick(_TEXT, "ws_name", lang))
    enroll.set_defaults(handler=handle)


def handle(args: argparse.Namespace, paths: CliPaths) -> int:
    return with_database(paths, lambda db: _enroll_named(db, args, paths))


def _enroll(db: Database, new_site: bool, paths: CliPaths) -> int:
    from csu_wall.storage.audit_anchor import AnchorFile

    if new_site:
        key, code = site_key.create_site_key(db, created_by=actor())
        _keep_anchor(db, paths, AnchorFile)
        print(f"Clé de site créée (empreinte {key.key_id}) et placée dans le trousseau de ce "
              "poste.")
        print(f"Code d'enrôlement des autres postes : {code}")
        print("Conservez ce code hors ligne (enveloppe scellée) : il ne sera plus affiché.")
        return 0
    key = site_key.enrol(db, read_secret("Code d'enrôlement : "))
    _keep_anchor(db, paths, AnchorFile)
    print(f"Poste enrôlé : clé de site {key.key_id} placée dans le trousseau du système.")
    return 0


def _keep_anchor(db: Database, paths: CliPaths, anchor_file: Any) -> None:
    """The site and its first signed record, kept in this workstation's anchor file."""
    anchor_file.in_dir(paths.data_dir).remember(site_key.audit_log(db).anchor())


def _enroll_named(db: Database, args: argparse.Namespace, paths: CliPaths) -> int:
    """Enrol (:func:`_enroll`) under a name unique in the site, kept in this workstation's
    settings. The name is checked before anything changes, and registered once enrolled."""
    from csu_wall.storage import workstations
    from csu_wall.storage.paths import settings_path
    from csu_wall.storage.settings import load_settings, save_settings

    where = settings_path(paths.data_dir)
    settings = load_settings(where)
    name = workstations.check_name(args.name or settings.workstation_name)
    token = settings.workstation_token or workstations.new_token()
    workstations.check_available(db, name, token)
    code = _enroll(db, bool(args.new_site), paths)
    workstations.register(db, name, token, hostname=socket.gethostname())
    save_settings(where, settings.with_(workstation_name=name, workstation_token=token))
    print(f"Nom du poste : {name} (journal d'audit, prises de poste, état du mur).")
    return code
