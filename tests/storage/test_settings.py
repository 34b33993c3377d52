"""Workstation settings: typed, versioned, written atomically, never silently overwritten."""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest

from csu_wall.storage.settings import Settings, SettingsError, load_settings, save_settings


def test_defaults_when_absent(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "settings.json")
    assert s == Settings(version=1, workstation_name=socket.gethostname(), default_grid=4,
                         language="auto", last_commune=None)
    assert not (tmp_path / "settings.json").exists()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    s = Settings(workstation_name="poste-2", default_grid=3, language="fr",
                 last_commune="roncq")
    save_settings(path, s)
    assert load_settings(path) == s
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_unknown_keys_kept_on_save(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "language": "en", "futur": [1, 2]}))
    save_settings(path, load_settings(path).with_(default_grid=2))
    doc = json.loads(path.read_text())
    assert doc["futur"] == [1, 2] and doc["default_grid"] == 2 and doc["language"] == "en"


def test_atomic_write_keeps_old_file_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    save_settings(path, Settings(workstation_name="ancien"))
    before = path.read_bytes()

    def crash(*_args: object) -> None:  # fault injection: the rename never happens
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)  # the rename in csu_wall/core/atomic.py
    with pytest.raises(OSError):
        save_settings(path, Settings(workstation_name="nouveau"))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["settings.json"]  # no temporary file left behind


def test_corrupt_file_names_the_file_and_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 1, "language": ')
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert str(path) in str(info.value) and "endommagé" in str(info.value)
    with pytest.raises(SettingsError):
        save_settings(path, Settings())
    assert path.read_text() == '{"version": 1, "language": '


def test_future_version_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 2, "language": "fr"}))
    with pytest.raises(SettingsError, match="plus récente"):
        load_settings(path)
    with pytest.raises(SettingsError):
        save_settings(path, Settings())
    assert json.loads(path.read_text())["version"] == 2


@pytest.mark.parametrize("doc", [
    {"default_grid": "4"}, {"default_grid": True}, {"default_grid": 0}, {"language": "de"},
    {"last_commune": 3}, [1, 2],
])
def test_invalid_values_refused(tmp_path: Path, doc: object) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(SettingsError, match=str(path).replace("\\", "\\\\")):
        load_settings(path)
