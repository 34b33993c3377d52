"""A camera's ``osd`` corner in the site file: where the wall puts its plates on the picture
when the tile has no letterbox band (a corner the camera leaves free of its own burned-in title
and clock). Bottom-left by default; an unknown corner is an error naming file, line and field,
in French; the corner survives a dump and the database."""

from __future__ import annotations

from pathlib import Path

from csu_wall.core.sitefile import dump_site, parse_site_text
from csu_wall.storage.db import Database
from csu_wall.storage.site_repo import apply_site, load_site
from tests.core.test_sitefile import VALID, mutate, only_error


def test_osd_defaults_to_bottom_left_and_is_read_dumped_and_stored(tmp_path: Path) -> None:
    site, _ = parse_site_text(VALID, "site.toml")
    assert {c.osd for c in site.cameras} == {"bottom-left"}
    text = mutate('number = 1001\n', 'number = 1001\nosd = "top-right"\n')
    site, _ = parse_site_text(text, "site.toml")
    assert site.camera("tcg-001").osd == "top-right"
    assert site.camera("rcq-001").osd == "bottom-left"
    assert parse_site_text(dump_site(site), "dumped.toml")[0] == site
    db = Database.open(tmp_path / "db.sqlite3", create=True)
    try:
        apply_site(db, site, file_name="site.toml", sha256="0" * 64, applied_by="test")
        stored = load_site(db)
        assert stored is not None and stored.camera("tcg-001").osd == "top-right"
        assert stored.camera("rcq-001").osd == "bottom-left"
    finally:
        db.close()


def test_unknown_osd_corner_is_a_french_error_with_file_line_and_field() -> None:
    text = mutate('number = 1001\n', 'number = 1001\nosd = "haut"\n')
    issue = only_error(text, "camera[1].osd", 41)
    assert "coin inconnu « haut »" in issue.message
    assert '"bottom-left"' in issue.message and '"top-right"' in issue.message
    assert issue.format().startswith("site.toml:41: camera[1].osd: ")
