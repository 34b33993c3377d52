"""``csu-wall db upgrade|backup``: the database's maintenance."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from csu_wall.cli import _text as T
from csu_wall.cli._common import CliPaths

_HELP = {
    "backup": {"fr": "copie cohérente de la base de données dans un fichier",
               "en": "consistent copy of the database into a file"},
    "path": {"fr": "fichier à créer (jamais écrasé)", "en": "file to create (never overwritten)"},
}


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: str) -> None:
    """Add ``db`` (``upgrade``, ``backup``) to the ``csu-wall`` subcommands."""
    db = commands.add_parser("db", help=T.text("cmd_db", lang), parents=[common])
    db_cmds = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_cmds.add_parser("upgrade", help=T.text("cmd_db_upgrade", lang),
                                 parents=[common])
    upgrade.set_defaults(handler=run_upgrade)
    backup = db_cmds.add_parser("backup", help=T.pick(_HELP, "backup", lang), parents=[common])
    backup.add_argument("path", type=Path, help=T.pick(_HELP, "path", lang))
    backup.set_defaults(handler=run_backup)


def run_upgrade(args: argparse.Namespace, paths: CliPaths) -> int:
    from csu_wall.storage.db import upgrade

    upgrade(paths.database_url)
    print(f"csu-wall: base à jour ({paths.database_url_redacted})")
    return 0


def run_backup(args: argparse.Namespace, paths: CliPaths) -> int:
    from csu_wall.storage.backup import backup

    dest = backup(paths.database_url, args.path)
    print(f"csu-wall: sauvegarde de {paths.database_url_redacted} écrite dans {dest}")
    return 0
