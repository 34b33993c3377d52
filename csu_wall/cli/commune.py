"""``csu-wall commune detach|attach``: a commune leaves the wall or comes back (DESIGN §7)."""

from __future__ import annotations

import argparse
from typing import Any

from csu_wall.cli._common import CliPaths, actor, with_database
from csu_wall.cli._text import pick
from csu_wall.storage import site_key
from csu_wall.storage.db import Database
from csu_wall.storage.settings import workstation_of

_TEXT: dict[str, dict[str, str]] = {
    "commune": {"fr": "communes : détacher ou rattacher", "en": "communes: detach or attach"},
    "detach": {"fr": "détacher une commune : ses caméras quittent les murs, ses identifiants "
                     "et images en cache sont supprimés ; son journal reste",
               "en": "detach a commune: its cameras leave the walls, its credentials and "
                     "cached images are deleted; its audit records stay"},
    "attach": {"fr": "rattacher une commune détachée", "en": "attach a detached commune again"},
    "name": {"fr": "identifiant, nom ou code INSEE de la commune",
             "en": "commune id, name or INSEE code"},
}


def add_parser(commands: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``commune`` to the ``csu-wall`` subcommands."""
    common = [common_parent]
    commune = commands.add_parser("commune", help=pick(_TEXT, "commune", lang), parents=common)
    commune.set_defaults(handler=handle)
    c_cmds = commune.add_subparsers(dest="commune_command", required=True)
    for name in ("detach", "attach"):
        sub = c_cmds.add_parser(name, help=pick(_TEXT, name, lang), parents=common)
        sub.add_argument("name", help=pick(_TEXT, "name", lang))


def handle(args: argparse.Namespace, paths: CliPaths) -> int:
    return with_database(paths, lambda db: _commune(args, db, paths))


def _commune(args: argparse.Namespace, db: Database, paths: CliPaths) -> int:
    from csu_wall.services.communes import CommuneService

    # site_key.audit_log refuses (SecretStoreError, French) a workstation not enrolled
    service = CommuneService(db, site_key.audit_log(db), actor=actor(),
                             workstation=workstation_of(paths.data_dir),
                             cache_dir=paths.cache_dir)
    if args.commune_command == "detach":
        commune, n_creds, n_files = service.detach(args.name)
        print(f"Commune {commune.name} détachée : {n_creds} identifiant(s) d'enregistreur et "
              f"{n_files} fichier(s) en cache supprimés ; son journal d'audit est conservé.")
        return 0
    commune = service.attach(args.name)
    print(f"Commune {commune.name} rattachée. Saisissez à nouveau les identifiants de ses "
          "enregistreurs (`csu-wall credentials set`).")
    return 0
