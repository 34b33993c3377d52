"""Project layout and layering rules."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BELOW_GUI = ("core", "recorders", "media", "storage", "services")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_nothing_below_gui_imports_qt() -> None:
    offenders = []
    for layer in BELOW_GUI:
        for path in (ROOT / "csu_wall" / layer).rglob("*.py"):
            for name in _imports(path):
                if name.split(".")[0] in {"PySide6", "shiboken6", "qasync", "PyQt5", "PyQt6"}:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_layers_do_not_import_upwards() -> None:
    """DESIGN §3: app -> gui -> services -> media | recorders | storage -> core."""
    rank = {"core": 0, "recorders": 1, "media": 1, "storage": 1, "services": 2, "gui": 3,
            "app": 4, "composition": 4, "cli": 4, "benchmark": 4}
    offenders = []
    for path in (ROOT / "csu_wall").rglob("*.py"):
        rel = path.relative_to(ROOT / "csu_wall")
        own = rel.parts[0].removesuffix(".py")
        if own not in rank:
            continue
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "csu_wall" or len(parts) < 2 or parts[1] not in rank:
                continue
            other = parts[1]
            upwards = rank[other] > rank[own]
            sibling = rank[own] == 1 and rank[other] == 1 and other != own
            if upwards or sibling:
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        ["timeout", "120", str(lint)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_top_level_layout() -> None:
    for name in ("csu_wall", "ui", "resources", "tests", "packaging"):
        assert (ROOT / name).is_dir(), name
    for name in ("pyproject.toml", "README.md", ".ci/run", "LICENSE"):
        assert (ROOT / name).is_file(), name
    # the only Python package at the top
    packages = [p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()]
    assert sorted(packages) == ["csu_wall", "resources", "tests", "ui"]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "csu_wall").rglob("__init__.py")
    }
    assert found - listed == set()


def test_licence_is_gpl_compatible_with_bundled_x264() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["license"] == "GPL-3.0-or-later"
    assert "GNU GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    """The README's Quick start has two commands; CI runs the second."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [b.split("```", 1)[0].strip() for b in quick.split("```sh\n")[1:]]
    assert commands == [
        "bash packaging/dev-setup.sh && .venv/bin/csu-wall --demo",
        "bash packaging/run-tests.sh",
    ]
    assert "bash packaging/run-tests.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
