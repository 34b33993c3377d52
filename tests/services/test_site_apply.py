"""One site-apply service (csu_wall/services/site_apply.py): a site file applied from the
command line or the first-run window, the machine site file provisioned at start and the demo
site all land in the database the same way; a generic RTSP recorder's ``playback`` template
survives the trip. Real SQLite databases, real site files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from csu_wall.core.sitefile import dump_site, load_demo_site
from csu_wall.services.provisioning import Status, at_start
from csu_wall.services.site_apply import DEMO_FILE_NAME, apply_demo_site, apply_site_file
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import last_application, load_site
from tests.storage.sites import make_site

TEMPLATE = "/playback/{channel}?start={start:%Y%m%dT%H%M%SZ}&end={end_local:%H%M%S}"


PIN = ":".join(["AB"] * 32)


def _file_site(playback: str = ""):  # type: ignore[no-untyped-def]
    """The storage tests' site as a site file can hold it (a whole pin), ``playback`` on its
    generic RTSP recorder."""
    site = make_site()
    recorders = tuple(
        dataclasses.replace(r, playback_path=playback) if r.driver == "rtsp"
        else dataclasses.replace(r, tls_pin=PIN) if r.tls_pin else r for r in site.recorders)
    return dataclasses.replace(site, recorders=recorders)


def _apply_file(url: str, data: Path, file: Path) -> None:
    assert apply_site_file(url, data, file, applied_by="dupont") == []


def _provision(url: str, data: Path, file: Path) -> None:
    config = at_start(url, data, applied_by="dupont", site_file=file)
    assert config.provisioned.status is Status.APPLIED, config.provisioned


@pytest.mark.parametrize("apply", [_apply_file, _provision], ids=["site apply", "provisioned"])
def test_a_generic_recorders_playback_template_survives_apply(apply, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = _file_site(TEMPLATE)
    file = tmp_path / "site.toml"
    file.write_text(dump_site(site), encoding="utf-8")
    url = "sqlite:///" + str(tmp_path / "csu.sqlite3")
    apply(url, tmp_path / "data", file)
    with Database.open(url) as db:
        loaded = load_site(db)
        applied = last_application(db)
    assert loaded is not None
    [generic] = [r for r in loaded.recorders if r.driver == "rtsp"]
    assert generic.playback_path == TEMPLATE
    assert loaded == site
    assert applied is not None and applied.file_name == str(file)
    assert applied.applied_by == "dupont"


def test_a_site_applied_again_without_playback_clears_it(tmp_path: Path) -> None:
    file = tmp_path / "site.toml"
    url = "sqlite:///" + str(tmp_path / "csu.sqlite3")
    file.write_text(dump_site(_file_site(TEMPLATE)), encoding="utf-8")
    _apply_file(url, tmp_path / "data", file)
    file.write_text(dump_site(_file_site()), encoding="utf-8")
    _apply_file(url, tmp_path / "data", file)
    with Database.open(url) as db:
        loaded = load_site(db)
    assert loaded is not None
    assert [r.playback_path for r in loaded.recorders] == ["", "", ""]


def test_a_refused_file_writes_nothing_and_says_why(tmp_path: Path) -> None:
    file = tmp_path / "site.toml"
    file.write_text(dump_site(_file_site()).replace('driver = "rtsp"', 'driver = "rtps"'),
                    encoding="utf-8")
    url = "sqlite:///" + str(tmp_path / "csu.sqlite3")
    problems = apply_site_file(url, tmp_path / "data", file, applied_by="dupont")
    assert problems and all(line.startswith(f"{file}:") for line in problems)
    assert any("rtps" in line or "driver" in line for line in problems)
    with Database.open(url, create=True) as db:  # the refusal came before the database
        assert load_site(db) is None and last_application(db) is None


def test_the_demo_site_is_written_once(tmp_path: Path) -> None:
    url = "sqlite:///" + str(tmp_path / "demo.sqlite3")
    with Database.open(url, create=True) as db:
        assert apply_demo_site(db, applied_by="csu-wall --demo") == load_demo_site()
        first = last_application(db)
        apply_demo_site(db, applied_by="csu-wall --demo")  # unchanged: not written again
        again = last_application(db)
        assert load_site(db) == load_demo_site()
    assert first is not None and first.file_name == DEMO_FILE_NAME
    assert again == first
