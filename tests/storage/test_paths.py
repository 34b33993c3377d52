"""The data directory: --data-dir, then CSU_WALL_DATA_DIR, then the platform's folder."""

from __future__ import annotations

import stat
from pathlib import Path

import platformdirs
import pytest

from csu_wall.storage import paths
from csu_wall.storage.paths import (
    cache_dir,
    database_path,
    logs_dir,
    resolve_data_dir,
    settings_path,
)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_cli_value_wins_over_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "env"))
    assert resolve_data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    assert not (tmp_path / "env").exists()


def test_env_wins_over_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "env"))
    assert resolve_data_dir(None) == tmp_path / "env"


def test_platform_dir_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # keep the test in tmp_path
    expected = Path(platformdirs.user_data_dir("csu-wall", appauthor=False))
    assert expected.is_relative_to(tmp_path)
    assert resolve_data_dir(None) == expected
    assert resolve_data_dir("") == expected  # an empty option means "not given"


def test_created_private(tmp_path: Path) -> None:
    data = resolve_data_dir(str(tmp_path / "a" / "b"))
    assert data.is_dir() and _mode(data) == 0o700
    assert _mode(logs_dir(data)) == 0o700 and _mode(cache_dir(data)) == 0o700


def test_demo_has_its_own_folder_and_database(tmp_path: Path) -> None:
    real = resolve_data_dir(str(tmp_path))
    demo = resolve_data_dir(str(tmp_path), demo=True)
    assert demo == real / "demo" and _mode(demo) == 0o700
    assert database_path(demo) != database_path(real)
    assert settings_path(real).parent == real
