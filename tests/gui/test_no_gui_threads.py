"""Widgets start no thread of their own: what waits (a recorder call, a snapshot) runs on the
recorder executor (csu_wall.services.recorder_calls) or as a coroutine on the qasync loop.
Read in the source of every GUI module, so that a new raw thread fails here."""

from __future__ import annotations

import ast
from pathlib import Path

GUI = Path(__file__).resolve().parents[2] / "csu_wall" / "gui"
FORBIDDEN = {"Thread", "QThread", "QThreadPool", "ThreadPoolExecutor", "ProcessPoolExecutor",
             "start_new_thread"}


def _named(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def test_no_gui_module_starts_a_thread() -> None:
    found = []
    for path in sorted(GUI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Call):
                name = _named(node.func)
            elif isinstance(node, ast.ImportFrom):
                hits = [a.name for a in node.names if a.name in FORBIDDEN]
                name = hits[0] if hits else None
            elif isinstance(node, ast.ClassDef):
                bases = [_named(b) for b in node.bases]
                name = next((b for b in bases if b in FORBIDDEN), None)
            if name in FORBIDDEN:
                found.append(f"{path.name}:{getattr(node, 'lineno', 0)} {name}")
    assert found == []
