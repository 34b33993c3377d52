"""``csu-wall bench``: the media engine's benchmark (:mod:`csu_wall.benchmark`)."""

from __future__ import annotations

import argparse
from typing import Any

from csu_wall.cli import _text as T


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: str) -> None:
    """Add ``bench`` to the ``csu-wall`` subcommands."""
    from csu_wall import benchmark

    bench = commands.add_parser("bench", help=T.text("cmd_bench", lang), parents=[common])
    benchmark.add_arguments(bench)
    bench.set_defaults(offline_handler=run)


def run(args: argparse.Namespace) -> int:
    from csu_wall import benchmark

    return benchmark.run(args)
