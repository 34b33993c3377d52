"""``csu-wall bench``: the media engine's benchmark (see :mod:`csu_wall.benchmark.cli`).

The command line wires ``add_arguments`` and ``run``; workers run as
``python -m csu_wall.benchmark.<decode_limit|samework|pipeline|naive>``.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``csu-wall bench`` (``--quick``, ``--json-out FILE``, ...)."""
    from csu_wall.benchmark import cli

    cli.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run the benchmark; JSON lines on stdout, the summary last. Returns the exit status."""
    from csu_wall.benchmark import cli

    return cli.run(args)
