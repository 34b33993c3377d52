"""Evidence export (DESIGN §7) from the real loopback recorders: Hikvision-shaped playback
(``starttime=…&endtime=``) from the GStreamer RTSP server and ONVIF replay from the replay
server written from the specification; real SQLite. The clips carry their UTC time in their
pixels, so the delivered period is checked against the pictures themselves."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import cv2
import numpy as np
import pytest

from csu_wall.core.errors import AccessDenied
from csu_wall.services.audit_export import ACCESS, ADMIN, CommuneRef, statement
from csu_wall.services.export import ExportCancelled, ExportError, ExportProgress, gate_from_db
from csu_wall.services.export_proof import verify_folder
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.operators import add_habilitation
from csu_wall.storage.site_repo import apply_site
from tests.rtsp.fixture import RECORDED_FPS, RECORDED_SECONDS, RECORDED_START, RtspServer
from tests.rtsp.onvif_replay_server import (
    Modes,
    ReplayServer,
    recording_from_clip,
    replay_server,
)
from tests.rtsp.onvif_soap import OnvifDevice, onvif_device
from tests.rtsp.playback_env import FRAME, GOP, HABILITATION, SITE, at
from tests.rtsp.timecode import read_time
from tests.services.export_env import (
    EXTRACTION,
    OPERATOR,
    ExportEnv,
    frame_times,
    make_export_env,
)

pytestmark = [pytest.mark.rtsp, pytest.mark.timeout(120)]

END = RECORDED_START + timedelta(seconds=RECORDED_SECONDS)


@pytest.fixture()
def env(tmp_path: Path, playback_server: RtspServer) -> Iterator[ExportEnv]:
    e = make_export_env(tmp_path, playback_server)
    yield e
    e.db.close()


def _check_delivered(folder: Path, start, end) -> dict:  # type: ignore[no-untyped-def]
    manifest = json.loads((folder / "manifest.json").read_bytes())
    cam = manifest["cameras"][0]
    times = frame_times(folder / cam["file"])
    assert start - GOP <= times[0] <= start, (times[0], start)
    assert abs(times[-1] - end) <= FRAME, (times[-1], end)
    assert times == sorted(times) and len(times) == cam["images"]
    # the manifest (and so the PV) states the period actually delivered (ONVIF: the
    # recorder's times exactly; a vendor URL: its RTP clock, within half an image)
    slack = timedelta(0) if cam["time_basis"] == "onvif-ntp" else FRAME / 2
    for key, t in (("first_utc", times[0]), ("last_utc", times[-1])):
        stated = datetime.fromisoformat(cam["delivered"][key].replace("Z", "+00:00"))
        assert abs(stated - t) <= slack, (key, stated, t)
    return manifest


def test_export_from_the_hikvision_shaped_recorder_is_delivered_and_verifiable(
        env: ExportEnv, tmp_path: Path, playback_server: RtspServer) -> None:
    start, end = at(10.48), at(13)  # 02:59:40.48 CEST: the keyframe before is at 10.0
    seen: list[ExportProgress] = []
    result = env.service.run(env.request(start, end, tmp_path / "cle-usb"), progress=seen.append)
    folder = result.folder
    manifest = _check_delivered(folder, start, end)
    assert manifest["cameras"][0]["time_basis"] == "rtp-fin"
    assert manifest["requested"]["start_paris"].endswith("CEST")
    assert manifest["requisition"]["procedure"] == "PV 2026/001234"
    assert seen and seen[-1].total_fraction == 1.0 and seen[-1].camera_fraction == 1.0
    assert [r["how"] for r in playback_server.playback_requests()] == ["url"]
    # checkable without csu-wall
    sums = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True,
                          text=True, timeout=30)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    ossl = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                           "cle-publique.pem", "-rawin", "-in", "manifest.json", "-sigfile",
                           "manifest.json.sig"], cwd=folder, capture_output=True, text=True,
                          timeout=30)
    assert ossl.returncode == 0 and "Signature Verified Successfully" in ossl.stdout, ossl
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", "cle-publique.pem", "-outform",
                          "DER"], cwd=folder, capture_output=True, timeout=30, check=True).stdout
    assert hashlib.sha256(der).hexdigest() == result.fingerprint  # as docs/EXPORT.md says
    verdict = verify_folder(folder, result.fingerprint)
    assert verdict.ok, verdict.message
    assert result.fingerprint in (folder / "proces-verbal.html").read_text("utf-8")
    assert (folder / "proces-verbal.pdf").read_bytes().startswith(b"%PDF")
    cam = manifest["cameras"][0]
    thumb = cv2.imdecode(np.frombuffer((folder / cam["thumbnail"]).read_bytes(), np.uint8),
                         cv2.IMREAD_COLOR)
    assert read_time(thumb) == frame_times(folder / cam["file"])[0]  # the first image
    assert f'src="{cam["thumbnail"]}"' in (folder / "proces-verbal.html").read_text("utf-8")
    assert cam["thumbnail"] in manifest["files"]
    # the PDF PV carries the same first image (the JPEG as it is, read back by poppler)
    shots = tmp_path / "pv-images"
    shots.mkdir()
    subprocess.run(["pdfimages", "-j", str(folder / "proces-verbal.pdf"), str(shots / "im")],
                   capture_output=True, timeout=30, check=True)
    assert [p.read_bytes() for p in sorted(shots.iterdir())] == [
        (folder / cam["thumbnail"]).read_bytes()]
    pv_text = subprocess.run(["pdftotext", str(folder / "proces-verbal.pdf"), "-"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
    assert "Premières images" in pv_text and cam["thumbnail"] in pv_text
    assert "?" not in pv_text.replace("?>", "")  # every sign written (WinAnsi fonts)
    assert result.zip_path.is_file() and not list(folder.parent.glob("*.en-cours"))
    # the register and the audit log
    [rec] = repo.list_extractions(env.db)
    assert rec.state == repo.DELIVERED and rec.reference == result.reference
    assert rec.manifest_sha256 == result.manifest_sha256 and rec.signing_key == result.fingerprint
    assert rec.requisition["opj_name"] == "Martin"
    actions = env.actions()
    assert ("export", "réquisition") in actions
    assert ("export_state", f"extraction {result.reference} livrée") in actions
    # the mayor's statement: one extraction access per camera, the register's steps apart
    st = statement(env.db, CommuneRef("roncq", "Roncq", "rattachée"),
                   start - timedelta(days=400), datetime.now(timezone.utc) + timedelta(days=1))
    assert [(ln.action, ln.camera) for ln in st.of(ACCESS)] == [("Extraction",
                                                                  "cam-001")]
    assert f"extraction {result.reference} livrée" in [ln.detail for ln in st.of(ADMIN)]


def test_one_changed_byte_or_a_changed_manifest_fails_verification(
        env: ExportEnv, tmp_path: Path) -> None:
    result = env.service.run(env.request(at(20), at(21), tmp_path / "out"))
    video = next(result.folder.glob("*.mp4"))
    for case in ("video", "manifest", "manifest-resummed"):
        copy = tmp_path / case
        shutil.copytree(result.folder, copy)
        if case == "video":
            data = bytearray((copy / video.name).read_bytes())
            data[len(data) // 2] ^= 0x01
            (copy / video.name).write_bytes(bytes(data))
        else:
            text = (copy / "manifest.json").read_text("utf-8").replace("Martin", "Martim")
            (copy / "manifest.json").write_text(text, "utf-8")
            if case == "manifest-resummed":  # hashes made right again: the signature says no
                subprocess.run("sha256sum $(ls | grep -v SHA256SUMS) > SHA256SUMS", shell=True,
                               cwd=copy, check=True, timeout=30)
        verdict = verify_folder(copy)
        assert not verdict.ok, case
        expected = {"video": video.name, "manifest": "manifest.json",
                    "manifest-resummed": "Signature"}[case]
        assert expected in verdict.message, verdict.message
    assert verify_folder(result.folder).ok


def test_operator_without_extraction_habilitation_is_refused_before_any_connection(
        tmp_path: Path, playback_server: RtspServer) -> None:
    e = make_export_env(tmp_path, playback_server, habilitations=[])
    try:
        with pytest.raises(AccessDenied, match="habilitation d'extraction"):
            e.service.run(e.request(at(10), at(12), tmp_path / "out"))
        assert e.driver_calls == []  # no driver asked, so no SOAP, no RTSP
        assert playback_server.playback_requests() == []
        assert ("denied", "export") in e.actions()
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
        assert repo.list_extractions(e.db) == []
    finally:
        e.db.close()


def test_viewing_habilitation_alone_does_not_allow_extraction(
        tmp_path: Path, playback_server: RtspServer) -> None:
    e = make_export_env(tmp_path, playback_server)
    try:
        apply_site(e.db, SITE, file_name="site.toml", sha256="0" * 64, applied_by="test",
                   audit=DbAuditLog(e.db))
        add_habilitation(e.db, HABILITATION)  # may VIEW roncq
        gate = gate_from_db(e.db, SITE, OPERATOR, DbAuditLog(e.db), workstation="poste-1")
        assert not gate.may_extract("roncq")
        repo.grant_extraction(e.db, EXTRACTION)
        gate = gate_from_db(e.db, SITE, OPERATOR, DbAuditLog(e.db), workstation="poste-1")
        assert gate.may_extract("roncq")
        repo.revoke_extraction(e.db, "agent1", "roncq", at=EXTRACTION.valid_from, by="préfet")
        gate = gate_from_db(e.db, SITE, OPERATOR, DbAuditLog(e.db), workstation="poste-1")
        assert not gate.may_extract("roncq")
    finally:
        e.db.close()


def test_cancelled_export_leaves_no_complete_looking_folder(
        env: ExportEnv, tmp_path: Path) -> None:
    cancel = threading.Event()

    def progress(p: ExportProgress) -> None:
        if p.camera_fraction > 0.2:
            cancel.set()

    out = tmp_path / "out"
    with pytest.raises(ExportCancelled):
        env.service.run(env.request(at(5), at(15), out), cancel=cancel, progress=progress)
    assert list(out.iterdir()) == []
    [rec] = repo.list_extractions(env.db)
    assert rec.state == repo.CANCELLED
    assert any(d.endswith("annulée") for _a, d in env.actions())


@pytest.fixture()
def replay(recorded_clip: Path) -> Iterator[ReplayServer]:
    hole = (at(12), at(14))  # two seconds not recorded
    recording = recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS, holes=[hole])
    with replay_server(recording, RECORDED_FPS) as srv:
        yield srv


def test_export_by_onvif_replay_states_times_and_gaps(
        tmp_path: Path, playback_server: RtspServer, replay: ReplayServer) -> None:
    with onvif_device(OnvifDevice(replay.url, RECORDED_START, END)) as device:
        e = make_export_env(tmp_path, playback_server, device)
        try:
            start, end = at(10.4), at(16)
            result = e.service.run(e.request(start, end, tmp_path / "out"))
            manifest = _check_delivered(result.folder, start, end)
            cam = manifest["cameras"][0]
            assert cam["time_basis"] == "onvif-ntp"
            assert [(g["from_utc"], g["to_utc"]) for g in cam["gaps"]] == [
                ("2026-10-25T00:59:42.000Z", "2026-10-25T00:59:44.000Z")]
            assert cam["clock_offset_s"] is not None
            times = frame_times(result.folder / cam["file"])
            assert not any(at(12) <= t < at(14) for t in times)
            [play] = [p for p in replay.plays if p["asked"]]
            assert str(play["asked"]).startswith("clock=20261025T005940.400Z-")
            assert verify_folder(result.folder).ok
        finally:
            e.db.close()


def test_a_network_cut_in_the_middle_of_an_onvif_export_resumes_where_it_stopped(
        tmp_path: Path, playback_server: RtspServer, recorded_clip: Path) -> None:
    recording = recording_from_clip(recorded_clip, RECORDED_START, RECORDED_FPS)
    with replay_server(recording, RECORDED_FPS, Modes(cut_after=40)) as srv, \
            onvif_device(OnvifDevice(srv.url, RECORDED_START, END)) as device:
        e = make_export_env(tmp_path, playback_server, device)
        try:
            start, end = at(20), at(23)
            result = e.service.run(e.request(start, end, tmp_path / "out"))
            cam = result.manifest["cameras"][0]
            assert srv.cut_done and cam["resumed_after_cut"] == 1
            times = frame_times(result.folder / cam["file"])
            # every image once, in order, none missing across the cut
            assert times == [start + i * FRAME for i in range(len(times))]
            assert abs(times[-1] - end) <= FRAME and cam["gaps"] == []
            assert len([p for p in srv.plays if p["asked"]]) == 2
            assert verify_folder(result.folder).ok
        finally:
            e.db.close()


def test_an_unusable_destination_is_said_in_french_before_any_connection(
        env: ExportEnv, tmp_path: Path, playback_server: RtspServer) -> None:
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="Destination inutilisable"):
        env.service.run(env.request(at(10), at(11), blocker / "out"))
    assert env.driver_calls == [] and playback_server.playback_requests() == []
    assert repo.list_extractions(env.db) == []
