"""The ``csu-wall`` argument parser: the options every command honours and one sub-parser per
command group, each group's module adding its own and naming its handler
(``set_defaults(handler=…)``, see :mod:`csu_wall.cli._common`)."""

from __future__ import annotations

import argparse
from importlib import metadata
from pathlib import Path

from csu_wall.cli import _text as T
from csu_wall.cli import (
    audit,
    bench,
    commune,
    credentials,
    db,
    export,
    habilitation,
    recorder,
    site,
    user,
    workstation,
)

# In the order of ``csu-wall --help``.
GROUPS = (site, recorder, db, user, habilitation, workstation, credentials, commune, audit,
          export, bench)


def _version() -> str:
    try:
        return metadata.version("csu-wall")
    except metadata.PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def _common_options(lang: str, *, suppress: bool) -> argparse.ArgumentParser:
    """Options every subcommand honours. Subparsers use SUPPRESS so that an option given
    before the subcommand is not overwritten by the subparser's default."""
    default = argparse.SUPPRESS if suppress else None
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--data-dir", metavar="DIR", default=default, help=T.text("data_dir", lang))
    parent.add_argument("--database", metavar="URL", default=default, help=T.text("database", lang))
    parent.add_argument(
        "--lang", choices=("fr", "en"), default=default, help=T.text("lang", lang)
    )
    parent.add_argument(
        "-v", "--verbose", action="store_true", default=default, help=T.text("verbose", lang)
    )
    return parent


def build_parser(lang: str) -> argparse.ArgumentParser:
    T.install_argparse_language(lang)
    parser = argparse.ArgumentParser(
        prog="csu-wall",
        description=T.text("description", lang),
        parents=[_common_options(lang, suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"csu-wall {_version()}",
                        help=T.text("version", lang))
    parser.add_argument("--demo", action="store_true", help=T.text("demo", lang))
    parser.add_argument("--screenshot", metavar="PATH", type=Path,
                        help=T.text("screenshot", lang))
    parser.add_argument("--quit-after", metavar="SECONDS", type=float,
                        help=T.text("quit_after", lang))
    parser.add_argument("--support-bundle", metavar="PATH", type=Path,
                        help=T.text("support_bundle", lang))
    common = _common_options(lang, suppress=True)
    commands = parser.add_subparsers(dest="command", title=T.text("commands", lang))
    for group in GROUPS:
        group.add_parser(commands, common, lang)
    return parser
