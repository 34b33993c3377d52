"""``csu-wall db backup PATH``: the database maintenance commands beyond ``db upgrade``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

_HELP = {
    "backup": {"fr": "copie cohérente de la base de données dans un fichier",
               "en": "consistent copy of the database into a file"},
    "path": {"fr": "fichier à créer (jamais écrasé)", "en": "file to create (never overwritten)"},
}


def _text(key: str, lang: str) -> str:
    return _HELP[key].get(lang, _HELP[key]["en"])


def add_parsers(db_cmds: Any, common: argparse.ArgumentParser, lang: str) -> None:
    """Add ``backup`` to the ``db`` sub-parser."""
    backup = db_cmds.add_parser("backup", help=_text("backup", lang), parents=[common])
    backup.add_argument("path", type=Path, help=_text("path", lang))


def dispatch(args: argparse.Namespace, database_url: str, shown_url: str) -> int | None:
    """Run a ``db`` command handled here; None when it is not one of them."""
    if getattr(args, "command", None) != "db" or getattr(args, "db_command", None) != "backup":
        return None
    from csu_wall.storage.backup import backup

    dest = backup(database_url, args.path)
    print(f"csu-wall: sauvegarde de {shown_url} écrite dans {dest}")
    return 0
