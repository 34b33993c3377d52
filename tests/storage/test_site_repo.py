"""``site apply`` makes the database equal the site file, in one transaction (DESIGN §6)."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select

from csu_wall.core.errors import StorageError
from csu_wall.core.model import Camera, StreamProfile
from csu_wall.storage.db import Database
from csu_wall.storage.schema import cameras, recorder_credentials
from csu_wall.storage.site_repo import apply_site, last_application, load_site
from tests.storage.sites import make_site

SHA = "ab" * 32


def test_no_site_before_first_apply(db: Database) -> None:
    assert load_site(db) is None
    assert last_application(db) is None


def test_apply_then_load_gives_equal_site(db: Database) -> None:
    site = make_site()
    apply_site(db, site, file_name="site.toml", sha256=SHA, applied_by="admin")
    loaded = load_site(db)
    assert loaded == site
    assert loaded is not None and not loaded.commune("halluin").attached
    assert loaded.camera("tcg-nvr1-001").masks == site.camera("tcg-nvr1-001").masks


def test_site_application_recorded_with_hash_and_who(db: Database) -> None:
    when = datetime(2025, 11, 25, 8, 30, tzinfo=UTC)
    app = apply_site(db, make_site(), file_name="site.toml", sha256=SHA, applied_by="it-admin",
                     now=when)
    last = last_application(db)
    assert last == app
    assert (last.sha256, last.applied_by, last.file_name) == (SHA, "it-admin", "site.toml")
    assert last.applied_at == when and last.applied_at.tzinfo is not None
    assert last.camera_count == 6 and last.site_name == "CSU Tourcoing"


def test_reapply_with_removed_camera_deletes_it(db: Database) -> None:
    site = make_site()
    apply_site(db, site, file_name="a.toml", sha256=SHA, applied_by="admin")
    smaller = dataclasses.replace(site, cameras=site.cameras[1:])
    second = apply_site(db, smaller, file_name="b.toml", sha256="cd" * 32, applied_by="admin")
    assert load_site(db) == smaller
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(cameras)).scalar() == 5
    assert last_application(db) == second


def test_reapply_updates_changed_fields_and_detach(db: Database) -> None:
    site = make_site()
    apply_site(db, site, file_name="a.toml", sha256=SHA, applied_by="admin")
    cam = site.cameras[0]
    changed_cam = dataclasses.replace(cam, name="Renommée", masks=(),
                                      sub=StreamProfile("/sub", 320, 180, 5.0))
    detached = dataclasses.replace(site.communes[0], attached=False)
    changed = dataclasses.replace(
        site,
        communes=(detached, *site.communes[1:]),
        cameras=(changed_cam, *site.cameras[1:]),
    )
    apply_site(db, changed, file_name="a.toml", sha256=SHA, applied_by="admin")
    assert load_site(db) == changed


def test_removed_recorder_takes_its_credentials(db: Database) -> None:
    site = make_site()
    apply_site(db, site, file_name="a.toml", sha256=SHA, applied_by="admin")
    with db.write() as conn:
        conn.execute(insert(recorder_credentials).values(
            recorder_id="hal-nvr1", nonce=b"n" * 12, ciphertext=b"c", key_id="k1",
            updated_at=datetime.now(UTC)))
    smaller = dataclasses.replace(
        site,
        communes=site.communes[:2],
        recorders=site.recorders[:2],
        cameras=tuple(c for c in site.cameras if c.commune_id != "halluin"),
    )
    apply_site(db, smaller, file_name="a.toml", sha256=SHA, applied_by="admin")
    assert load_site(db) == smaller
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(recorder_credentials)).scalar() == 0


def test_failed_apply_changes_nothing(db: Database) -> None:
    site = make_site()
    apply_site(db, site, file_name="a.toml", sha256=SHA, applied_by="admin")
    broken = dataclasses.replace(site, cameras=(
        *site.cameras[1:],
        Camera("ghost", "Fantôme", "tourcoing", "no-such-recorder"),
    ))
    with pytest.raises(Exception):  # noqa: B017 - foreign key violation, any driver error
        apply_site(db, broken, file_name="b.toml", sha256=SHA, applied_by="admin")
    assert load_site(db) == site
    app = last_application(db)
    assert app is not None and app.file_name == "a.toml"


def test_removing_a_habilitated_commune_is_refused(db: Database) -> None:
    from csu_wall.core.security import Habilitation, Operator
    from csu_wall.storage.operators import add_habilitation, ensure_operator

    site = make_site()
    apply_site(db, site, file_name="a.toml", sha256=SHA, applied_by="admin")
    ensure_operator(db, Operator("dupont", "J. Dupont"))
    add_habilitation(db, Habilitation("dupont", "halluin", "arrêté 2025-12", "admin",
                                      datetime(2025, 1, 1, tzinfo=UTC)))
    smaller = dataclasses.replace(
        site, communes=site.communes[:2], recorders=site.recorders[:2],
        cameras=tuple(c for c in site.cameras if c.commune_id != "halluin"))
    with pytest.raises(StorageError, match="attached = false"):
        apply_site(db, smaller, file_name="b.toml", sha256=SHA, applied_by="admin")
    assert load_site(db) == site


def test_apply_500_cameras_under_one_second(db: Database) -> None:
    site = make_site(cameras_per_commune=167)  # 501 cameras
    start = time.perf_counter()
    apply_site(db, site, file_name="big.toml", sha256=SHA, applied_by="admin")
    first = time.perf_counter() - start
    moved = dataclasses.replace(
        site, cameras=tuple(dataclasses.replace(c, location="ailleurs") for c in site.cameras))
    start = time.perf_counter()
    apply_site(db, moved, file_name="big.toml", sha256=SHA, applied_by="admin")
    second = time.perf_counter() - start
    assert load_site(db) == moved
    assert first < 1.0 and second < 1.0, (first, second)


def test_recorder_scheme_and_pin_are_kept(db: Database) -> None:
    """An HTTPS recorder read back from the database still speaks HTTPS (migration 0006)."""
    site = make_site()
    https = dataclasses.replace(site.recorders[0], scheme="https", tls_pin="AB:" * 31 + "CD")
    site = dataclasses.replace(site, recorders=(https, *site.recorders[1:]))
    apply_site(db, site, file_name="s.toml", sha256="0" * 64, applied_by="it")
    loaded = load_site(db)
    assert loaded is not None and loaded.recorders[0].scheme == "https"
    assert loaded.recorders[0].tls_pin == https.tls_pin and loaded.recorders[1].scheme == "http"
