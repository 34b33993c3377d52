"""The handover PDF laid out for A4 and read back with pdftotext (poppler-utils): A4 pages,
operators by their display name, communes, times in Paris time, and no word or date broken
across lines ("Commun/e", "04/12/202/6")."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from csu_wall.core.security import Operator, Role
from csu_wall.core.shifts import Severity
from csu_wall.gui.handover_dialog import export_report
from csu_wall.storage.accounts import create_account
from tests.gui._shift_env import ShiftEnv, shift_env  # noqa: F401
from tests.services.auth_helpers import FAST, PASSWORD

T0 = datetime(2026, 12, 4, 21, 47, tzinfo=UTC)  # 22:47 in Paris (UTC+1 in December)
NOTE = ("Intervention de la police municipale demandée, deux véhicules sur place; témoins "
        "entendus au poste de la gare routière")
CAMERAS = ("tcg-001", "rcq-002", "tcg-003", "tcg-004")


def _pdftotext(pdf: Path, *args: str) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext missing: packaging/run-tests.sh installs poppler-utils")
    return subprocess.run(["timeout", "60", "pdftotext", *args, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def _report(env: ShiftEnv):  # type: ignore[no-untyped-def]
    for login, name in (("jdupont", "Jeanne Dupont-Lefebvre"), ("pmartin", "Pierre Martin")):
        create_account(env.db, login, name, Role.OPERATOR, PASSWORD, hasher=FAST)
    gate = env.gate(Operator("jdupont", "Jeanne Dupont-Lefebvre", Role.OPERATOR),
                    {"tourcoing", "roncq"})
    shifts = env.shifts(gate)
    marks = env.bookmarks(gate)
    shift = shifts.open("jdupont", ("mur-1",))
    shifts.join(shift.id, "pmartin")
    site = env.site
    for n, camera_id in enumerate(CAMERAS):
        marks.create(site.camera(camera_id), T0 + timedelta(minutes=7 * n),
                     category=("rixe", "dépôt sauvage", "stationnement gênant",
                               "personne vulnérable")[n],
                     severity=(Severity.HIGH, Severity.MEDIUM, Severity.CRITICAL,
                               Severity.LOW)[n],
                     note=NOTE,
                     shift_id=shift.id, snapshot_png=None)
    shifts.record_lost(site.camera("rcq-001"), T0 + timedelta(minutes=3))
    return shifts.close_with_handover(shifts.prepare_handover(
        "Surveiller le parking du centre commercial jusqu'à la fermeture.")), shifts


def test_handover_pdf_is_a4_with_names_communes_and_unbroken_words(
    qtbot: QtBot, shift_env: ShiftEnv  # noqa: F811
) -> None:
    report, shifts = _report(shift_env)
    names = shifts.operator_names(("jdupont", "pmartin"))
    assert names == {"jdupont": "Jeanne Dupont-Lefebvre", "pmartin": "Pierre Martin"}
    files = export_report(report, shift_env.site, shift_env.data_dir / "handovers",
                          names=names)
    pages = subprocess.run(["timeout", "60", "pdfinfo", str(files.pdf)], check=True,
                           capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", pages)
    assert size is not None and abs(float(size.group(1)) - 595.3) < 2 \
        and abs(float(size.group(2)) - 841.9) < 2, pages  # A4 portrait
    raw = _pdftotext(files.pdf, "-raw")
    layout = _pdftotext(files.pdf, "-layout")
    text = " ".join(raw.split())
    # Display names, never the logins.
    assert "Jeanne Dupont-Lefebvre" in text and "Pierre Martin" in text
    assert not re.search(r"\b(jdupont|pmartin)\b", text), text
    # Open items name cameras and communes, not their ids.
    assert "caméra « Parking de la Gare » (Tourcoing)" in text
    assert not re.search(r"\((tourcoing|roncq)\)", text), text
    # Communes and cameras, in full.
    for word in ("Commune", "Tourcoing", "Roncq"):
        assert re.search(rf"\b{word}\b", raw), word
    # Paris time (22:47 for 21:47 UTC), dates whole on one line.
    assert "04/12/2026 22:47" in text
    for line in layout.splitlines():
        for token in re.findall(r"\d[\d/:]*", line):
            if "/" in token:
                assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", token), (token, line)
    # No word cut: every word the report was given is found whole.
    given = " ".join([*NOTE.split(), "Commune", "Catégorie", "Gravité", "Statut", "Caméra",
                      "stationnement gênant", "personne vulnérable", "élevée", "moyenne",
                      "critique", "faible", "ouvert",
                      *(shift_env.site.camera(c).name for c in CAMERAS),
                      "Surveiller le parking du centre commercial"])
    for word in set(re.findall(r"[A-Za-zÀ-ÿ'-]{4,}", given)):
        assert word in raw, word
        cut = [f"{word[:i]}\n{word[i:]}" for i in range(1, len(word))
               if f"{word[:i]}\n{word[i:]}" in raw]
        assert cut == [], cut
