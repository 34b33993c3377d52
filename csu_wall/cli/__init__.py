"""The ``csu-wall`` command line: one module per command group, each adding its sub-parser
and naming its handler (``set_defaults(handler=…)``); :func:`build_parser` assembles them.

No command module loads Qt, the GUI or the composition root (an import contract in
pyproject.toml): ``csu_wall.app`` resolves where this run keeps its state and calls the
handler the parser chose.
"""

from __future__ import annotations

from csu_wall.cli._common import CliPaths, Handler, OfflineHandler
from csu_wall.cli.parser import build_parser

__all__ = ["CliPaths", "Handler", "OfflineHandler", "build_parser"]
