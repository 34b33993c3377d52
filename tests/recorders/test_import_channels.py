"""Channel import into the site file (names, masks and comments kept),
through the core function and the ``csu-wall site import`` / ``recorder trust`` commands."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from csu_wall import app
from csu_wall.core.model import PrivacyMask
from csu_wall.core.sitefile import load_site
from csu_wall.recorders.hikvision import HikvisionDriver
from csu_wall.recorders.http import fingerprint
from csu_wall.recorders.import_channels import import_channels, set_pin_text
from tests.recorders.conftest import Certs, Start

SITE = '''# Site de test — ce commentaire doit survivre à l'import
[site]
name = "CSU test"

[[commune]]
id = "roncq"
name = "Roncq"
insee = "59508"

[[recorder]]
id = "nvr"            # l'enregistreur de la mairie
commune = "roncq"
driver = "{driver}"
host = "127.0.0.1"
http_port = {port}

[[camera]]
id = "rcq-mairie"
name = "Parvis de la mairie"   # nom choisi par la commune : à garder
commune = "roncq"
recorder = "nvr"
channel = 1
masks = [
  [[0.1, 0.1], [0.3, 0.1], [0.3, 0.4]],  # fenêtres du riverain
]
'''
CHANNELS = [(1, "Camera 01"), (2, "Parking"), (3, 'Quai "B"')]


def _site(tmp_path: Path, port: int, driver: str = "hikvision") -> Path:
    path = tmp_path / "site.toml"
    path.write_text(SITE.format(port=port, driver=driver), encoding="utf-8")
    return path


def test_import_adds_new_channels_and_keeps_names_masks_and_comments(
        vendor_server: Start, tmp_path: Path) -> None:
    srv = vendor_server("hikvision", channels=CHANNELS)
    path = _site(tmp_path, srv.port)
    before = path.read_text(encoding="utf-8")
    creds = {"recorder:nvr": ("viewer", "Right-Pass-1")}
    plan = import_channels(path, "nvr", lambda rec: HikvisionDriver(rec, creds.get))
    assert [(c.id, c.channel, c.name) for c in plan.added] == [
        ("nvr-c02", 2, "Parking"), ("nvr-c03", 3, 'Quai "B"')]
    assert plan.kept == ("rcq-mairie",)
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))  # the file as it was, comments included
    assert (tmp_path / "site.toml.bak").read_text(encoding="utf-8") == before
    site, _ = load_site(path)
    kept = site.camera("rcq-mairie")
    assert kept.name == "Parvis de la mairie"
    assert kept.masks == (PrivacyMask(((0.1, 0.1), (0.3, 0.1), (0.3, 0.4))),)
    assert site.camera("nvr-c03").name == 'Quai "B"'
    assert {c.commune_id for c in site.cameras} == {"roncq"}
    # new cameras get call-up numbers proposed after the site's highest (unique)
    numbers = [site.camera(c).number for c in ("nvr-c02", "nvr-c03")]
    others = {c.number for c in site.cameras if c.id not in ("nvr-c02", "nvr-c03")}
    assert None not in numbers and numbers[1] == numbers[0] + 1  # type: ignore[operator]
    assert not set(numbers) & others
    # A second import finds nothing new and leaves the file alone.
    again = import_channels(path, "nvr", lambda rec: HikvisionDriver(rec, creds.get))
    assert again.added == () and path.read_text(encoding="utf-8") == after


def test_the_import_command_writes_the_file(
        vendor_server: Start, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    srv = vendor_server("dahua", auth=None, channels=CHANNELS)
    path = _site(tmp_path, srv.port, driver="dahua")
    code = app.main(["--data-dir", str(tmp_path / "data"), "site", "import", "--recorder",
                     "nvr", "--site", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "+ nvr-c02 : canal 2, « Parking »" in out and "= rcq-mairie" in out
    assert len(load_site(path)[0].cameras) == 3


def test_the_import_command_says_when_no_credential_is_stored(
        vendor_server: Start, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    srv = vendor_server("hikvision")  # digest: the store (empty here) is asked on the 401
    path = _site(tmp_path, srv.port)
    code = app.main(["--data-dir", str(tmp_path / "data"), "site", "import", "--recorder",
                     "nvr", "--site", str(path)])
    assert code == 1
    assert "credentials set nvr" in capsys.readouterr().err
    assert not (tmp_path / "site.toml.bak").exists()


@pytest.mark.parametrize("answer", ["oui\n", "non\n"])
def test_trust_writes_the_pin_only_after_confirmation(
        vendor_server: Start, certificates: Certs, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        answer: str) -> None:
    srv = vendor_server("hikvision", tls="good")
    path = _site(tmp_path, srv.port)
    before = path.read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    code = app.main(["--data-dir", str(tmp_path / "data"), "recorder", "trust", "nvr",
                     "--site", str(path)])
    out = capsys.readouterr().out
    pin = fingerprint(certificates["good"][2])
    assert pin in out and srv.requests == []  # a handshake only: nothing sent
    if answer.startswith("oui"):
        assert code == 0
        assert load_site(path)[0].recorder("nvr").tls_pin == pin
        assert "# l'enregistreur de la mairie" in path.read_text(encoding="utf-8")
    else:
        assert code == 1 and path.read_text(encoding="utf-8") == before


def test_a_new_pin_replaces_the_old_line() -> None:
    text = SITE.format(port=443, driver="hikvision")
    once = set_pin_text(text, "s.toml", "nvr", "AB:" * 31 + "CD")
    twice = set_pin_text(once, "s.toml", "nvr", "EF:" * 31 + "01")
    assert twice.count("tls_pin") == 1 and '"EF:EF' in twice
