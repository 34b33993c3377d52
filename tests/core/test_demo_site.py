"""The embedded demo site: its shape, that it loads cleanly and fast, that it is up to date."""

from __future__ import annotations

import importlib.resources
import importlib.util
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from csu_wall.core.model import Site
from csu_wall.core.sitefile import parse_site_text

ROOT = Path(__file__).resolve().parents[2]
INSEE = {
    "Tourcoing": "59599", "Roncq": "59508", "Neuville-en-Ferrain": "59426", "Mouvaux": "59421",
    "Bousbecque": "59098", "Wervicq": "59656", "Comines": "59152", "Warneton": "59638",
    "Linselles": "59352", "Halluin": "59279",
}


def _demo_text() -> str:
    resource = importlib.resources.files("csu_wall.resources") / "demo" / "site.toml"
    return resource.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo() -> Site:
    from csu_wall.core.sitefile import load_demo_site

    return load_demo_site()


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo_site",
                                                  ROOT / "packaging" / "make_demo_site.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_loads_with_no_error_and_no_warning() -> None:
    site, warnings = parse_site_text(_demo_text(), "demo/site.toml")
    assert warnings == []
    assert len(site.cameras) > 0


def test_demo_has_the_ten_communes_with_insee_codes(demo: Site) -> None:
    assert {c.name: c.insee for c in demo.communes} == INSEE
    assert all(c.attached for c in demo.communes)


def test_demo_camera_counts(demo: Site) -> None:
    per_commune = Counter(demo.commune(c.commune_id).name for c in demo.cameras)
    assert 450 <= len(demo.cameras) <= 550
    assert per_commune["Roncq"] == 32
    assert per_commune["Neuville-en-Ferrain"] == 36
    assert per_commune.most_common(1)[0][0] == "Tourcoing"
    assert set(per_commune) == set(INSEE)


def test_demo_recorders_are_local_demo_ones(demo: Site) -> None:
    per_commune = Counter(r.commune_id for r in demo.recorders)
    assert set(per_commune) == {c.id for c in demo.communes}
    assert set(per_commune.values()) <= {1, 2}
    assert {(r.driver, r.host) for r in demo.recorders} == {("demo", "127.0.0.1")}
    assert all(r.username is None for r in demo.recorders)


def test_demo_cameras_ids_numbers_and_streams(demo: Site) -> None:
    assert demo.camera("tcg-001").number == 1001
    assert len({c.number for c in demo.cameras}) == len(demo.cameras)
    assert len({(c.recorder_id, c.channel) for c in demo.cameras}) == len(demo.cameras)
    assert {(c.sub.width, c.sub.height, c.sub.fps) for c in demo.cameras} == {(640, 360, 25.0)}
    assert {(c.main.width, c.main.height, c.main.fps) for c in demo.cameras} == {
        (1280, 720, 25.0)}
    names = Counter((c.commune_id, c.name) for c in demo.cameras)
    assert names.most_common(1)[0][1] == 1  # names unique within a commune


def test_demo_has_ptz_cameras_without_masks_and_masked_fixed_cameras(demo: Site) -> None:
    ptz = [c for c in demo.cameras if c.ptz]
    masked = [c for c in demo.cameras if c.masks]
    assert 5 <= len(ptz) <= 60
    assert 5 <= len(masked) <= 60
    assert not any(c.masks for c in ptz)


def test_demo_file_is_the_generators_output() -> None:
    """The committed file is stale if this fails: run python packaging/make_demo_site.py."""
    assert _generator().render() == _demo_text()


def test_demo_parses_well_under_half_a_second() -> None:
    text = _demo_text()
    parse_site_text(text, "demo/site.toml")  # warm caches (zoneinfo)
    best = min(_timed(text) for _ in range(3))
    assert best < 0.3, best


def _timed(text: str) -> float:
    start = time.perf_counter()
    parse_site_text(text, "demo/site.toml")
    return time.perf_counter() - start
