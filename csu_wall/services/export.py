"""Evidence export for judicial requisitions (DESIGN §7, "Evidence export").

Who: an *extraction* habilitation per operator and commune (``extraction_habilitations``),
separate from viewing. :class:`ExtractionGate` checks it — and that the commune is attached —
for every camera of the request, and writes the ``export`` access records (DESIGN §4a) before
any connection to a recorder; a refusal writes ``denied`` records and nothing is asked of the
recorder.

What: :class:`ExportService` fetches each camera's period without re-encoding
(:mod:`csu_wall.services.export_fetch`), then writes the proof
(:mod:`csu_wall.services.export_proof`): manifest, SHA256SUMS, Ed25519 signature, PV, ZIP.
Work happens in ``<destination>/<name>.en-cours``, renamed to ``<name>`` only once every file
is written and signed: a cancelled or failed export removes its unfinished folder, so nothing
that looks complete is left. Every step is in the register (``extractions``) with an audit
record in the same transaction.

Cameras with privacy masks are re-encoded with the masks burned in
(:mod:`csu_wall.services.export_media`); the manifest and the PV say so, with the masks' version.
"""

from __future__ import annotations

import getpass
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from csu_wall.core.audit import AuditAction, AuditEntry, AuditSink
from csu_wall.core.errors import AccessDenied, CsuWallError, RecorderError
from csu_wall.core.model import Camera, Recorder, Site
from csu_wall.core.ports import Clock, RecorderDriver, SystemClock
from csu_wall.core.security import Habilitation, Operator
from csu_wall.services import export_proof as proof
from csu_wall.services.export_encode import Caption, masks_as_data
from csu_wall.services.export_fetch import ExportCancelled, ExportError, Fetched
from csu_wall.services.export_media import export_camera, treatment
from csu_wall.services.export_scan import attach_scan, check_scan
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.audit import append_in
from csu_wall.storage.db import Database
from csu_wall.storage.extraction_repo import SigningKey

__all__ = ["LEGAL_BASES", "ExportCancelled", "ExportError", "ExportProgress", "ExportRequest",
           "ExportResult", "ExportService", "ExtractionGate", "Requisition"]

PARIS = ZoneInfo("Europe/Paris")
LEGAL_BASES = (
    "Code de procédure pénale, art. 60-1 (enquête de flagrance)",
    "Code de procédure pénale, art. 77-1-1 (enquête préliminaire)",
    "Code de procédure pénale, art. 99-3 (information judiciaire)",
)
MAX_PERIOD = timedelta(hours=24)
Credentials = Callable[[str], tuple[str, str] | None]


def version() -> str:
    try:
        return metadata.version("csu-wall")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def paris(t: datetime) -> str:
    """``2026-10-25 02:59:50 CEST``: Paris time with its abbreviation (DST-safe)."""
    return t.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + \
        " " + (t.astimezone(PARIS).tzname() or "")


def utc(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Requisition:
    """The officer's request, as written on the réquisition."""

    procedure: str  # numéro de procédure ou de PV
    opj_name: str
    opj_rank: str
    opj_service: str
    date: str  # date of the requisition, AAAA-MM-JJ
    legal_basis: str
    note: str = ""

    def check(self) -> None:
        for label, value in (("numéro de procédure", self.procedure),
                             ("nom de l'OPJ", self.opj_name), ("grade", self.opj_rank),
                             ("service", self.opj_service), ("date de réquisition", self.date),
                             ("base légale", self.legal_basis)):
            if not value.strip():
                raise ExportError(f"Réquisition incomplète : {label} manquant(e).")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.date.strip()):
            raise ExportError("Date de réquisition invalide : attendue au format AAAA-MM-JJ.")

    def as_dict(self) -> dict[str, str]:
        return {"procedure": self.procedure, "opj_name": self.opj_name,
                "opj_rank": self.opj_rank, "opj_service": self.opj_service, "date": self.date,
                "legal_basis": self.legal_basis, "note": self.note}


@dataclass(frozen=True)
class ExportRequest:
    camera_ids: tuple[str, ...]
    start_utc: datetime  # aware
    end_utc: datetime
    requisition: Requisition
    destination: Path  # a folder (or a removable drive's folder)
    caption: bool = False  # camera, commune and time burned into re-encoded (masked) files
    requisition_file: Path | None = None  # the scanned requisition (PDF or image), attached


@dataclass(frozen=True)
class ExportProgress:
    camera_id: str
    camera_index: int  # 0-based
    cameras: int
    camera_fraction: float  # 0..1 of this camera's period
    total_fraction: float  # 0..1 of the whole export
    elapsed_s: float


@dataclass(frozen=True)
class ExportResult:
    reference: str
    folder: Path
    zip_path: Path
    manifest_sha256: str
    fingerprint: str
    manifest: dict[str, Any] = field(repr=False)


class ExtractionGate:
    """Checks extraction habilitations and writes the access records, before any connection."""

    def __init__(self, site: Site, operator: Operator, habilitations: Iterable[Habilitation],
                 audit: AuditSink, *, workstation: str, clock: Clock | None = None) -> None:
        self.site = site
        self.operator = operator
        self._habs = list(habilitations)
        self.audit = audit
        self.workstation = workstation
        self.clock = clock or SystemClock()

    def may_extract(self, commune_id: str) -> bool:
        try:
            commune = self.site.commune(commune_id)
        except KeyError:
            return False
        if not commune.attached:
            return False
        now = self.clock.now_utc()
        return any(h.operator_id == self.operator.id and h.commune_id == commune_id
                   and h.is_valid_at(now) for h in self._habs)

    def entry(self, action: AuditAction, camera: Camera | None, detail: str = "",
              extra: dict[str, str] | None = None, commune_id: str | None = None) -> AuditEntry:
        return AuditEntry(ts_utc=self.clock.now_utc(), workstation=self.workstation,
                          operator_id=self.operator.id, action=action,
                          commune_id=camera.commune_id if camera else commune_id,
                          camera_id=camera.id if camera else None, detail=detail,
                          extra=dict(extra or {}))

    def authorise(self, cameras: list[Camera], reference: str) -> None:
        """All the cameras or none: a refusal writes a ``denied`` record per camera refused
        and raises :class:`AccessDenied` (French); otherwise an ``export`` record each."""
        refused = [c for c in cameras if not self.may_extract(c.commune_id)]
        if refused:
            for c in refused:
                self.audit.append(self.entry(AuditAction.DENIED, c, detail="export",
                                             extra={"extraction": reference}))
            names = ", ".join(sorted({self._commune_name(c.commune_id) for c in refused}))
            raise AccessDenied(
                f"Extraction refusée : vous n'avez pas d'habilitation d'extraction en cours de "
                f"validité pour la commune « {names} ».")
        for c in cameras:
            self.audit.append(self.entry(AuditAction.EXPORT, c, detail="réquisition",
                                         extra={"extraction": reference}))

    def _commune_name(self, commune_id: str) -> str:
        try:
            return self.site.commune(commune_id).name
        except KeyError:
            return commune_id


def gate_from_db(db: Database, site: Site, operator: Operator, audit: AuditSink, *,
                 workstation: str, clock: Clock | None = None) -> ExtractionGate:
    """The gate with the operator's extraction habilitations as the database holds them now
    (viewing habilitations are never consulted)."""
    habs = [r.habilitation for r in repo.extraction_habilitations_of(db, operator.id)]
    return ExtractionGate(site, operator, habs, audit, workstation=workstation, clock=clock)


class ExportService:
    """Runs one export at a time per call (any thread but the GUI's: it blocks)."""

    def __init__(self, db: Database, gate: ExtractionGate,
                 drivers: Callable[[Recorder], RecorderDriver], credentials: Credentials,
                 signer: Callable[[], SigningKey], *, timeout: float = 10.0,
                 read_timeout: float = 5.0) -> None:
        self.db = db
        self.gate = gate
        self.drivers = drivers
        self.credentials = credentials
        self.signer = signer
        self.timeout = timeout
        self.read_timeout = read_timeout

    # -- the request --------------------------------------------------------------------------

    def _cameras(self, request: ExportRequest) -> list[Camera]:
        if not request.camera_ids:
            raise ExportError("Aucune caméra choisie.")
        cameras = []
        for cid in dict.fromkeys(request.camera_ids):
            try:
                cameras.append(self.gate.site.camera(cid))
            except KeyError:
                raise ExportError(f"Caméra inconnue : « {cid} ».") from None
        if len({c.commune_id for c in cameras}) != 1:
            raise ExportError("Une extraction porte sur les caméras d'une seule commune.")
        start, end = request.start_utc, request.end_utc
        if start.tzinfo is None or end.tzinfo is None:
            raise ExportError("Période sans fuseau horaire.")
        if end <= start:
            raise ExportError("La fin de la période doit suivre son début.")
        if end - start > MAX_PERIOD:
            raise ExportError("Période trop longue : 24 heures au plus par extraction.")
        return cameras

    def run(self, request: ExportRequest, *, cancel: threading.Event | None = None,
            progress: Callable[[ExportProgress], None] | None = None) -> ExportResult:
        cancel = cancel or threading.Event()
        request.requisition.check()
        check_scan(request.requisition_file)
        cameras = self._cameras(request)
        reference = (f"{request.start_utc.astimezone(PARIS):%Y%m%d-%H%M}-"
                     f"{secrets.token_hex(3)}")
        self.gate.authorise(cameras, reference)  # before any connection; denial audited
        commune_id = cameras[0].commune_id
        name = f"extraction-{reference}"
        dest = request.destination
        try:
            dest.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"Destination inutilisable ({dest}) : "
                              f"{exc.strerror or exc}.") from None
        final = dest / name
        work = dest / f"{name}.en-cours"
        repo.register_extraction(
            self.db, reference=reference, commune_id=commune_id,
            operator_id=self.gate.operator.id, workstation=self.gate.workstation,
            cameras=[c.id for c in cameras], start=request.start_utc, end=request.end_utc,
            requisition=request.requisition.as_dict(), folder=str(final),
            also=self._audited(None, commune_id, f"extraction {reference} demandée",
                               reference))
        repo.set_state(self.db, reference, repo.RUNNING,
                       also=self._audited(None, commune_id, f"extraction {reference} en cours",
                                          reference))
        zip_part = dest / f"{name}.zip.partiel"
        try:
            work.mkdir(mode=0o700)
            return self._run(request, cameras, reference, work, final, cancel, progress)
        except ExportCancelled:
            shutil.rmtree(work, ignore_errors=True)
            zip_part.unlink(missing_ok=True)
            repo.set_state(self.db, reference, repo.CANCELLED, detail="annulée par l'opérateur",
                           also=self._audited(None, commune_id,
                                              f"extraction {reference} annulée", reference))
            raise
        except BaseException as exc:
            shutil.rmtree(work, ignore_errors=True)
            zip_part.unlink(missing_ok=True)
            detail = str(exc) if isinstance(exc, CsuWallError) else type(exc).__name__
            repo.set_state(self.db, reference, repo.FAILED, detail=detail[:2000],
                           also=self._audited(None, commune_id,
                                              f"extraction {reference} échouée", reference))
            if isinstance(exc, OSError):  # a full or removed drive: said, not a traceback
                raise ExportError(f"Écriture impossible dans {dest} : {exc.strerror or exc}. "
                                  "Aucun dossier n'a été laissé.") from exc
            raise

    def _audited(self, camera: Camera | None, commune_id: str, detail: str,
                 reference: str) -> Callable[[Connection], object]:
        entry = self.gate.entry(AuditAction.EXPORT_STATE, camera, detail=detail,
                                extra={"extraction": reference}, commune_id=commune_id)
        return lambda conn: append_in(self.gate.audit, conn, entry)

    # -- the work -----------------------------------------------------------------------------

    def _run(self, request: ExportRequest, cameras: list[Camera], reference: str, work: Path,
             final: Path, cancel: threading.Event,
             progress: Callable[[ExportProgress], None] | None) -> ExportResult:
        started = time.monotonic()
        delivered: list[dict[str, Any]] = []
        start, end = request.start_utc, request.end_utc
        n = len(cameras)
        for i, camera in enumerate(cameras):
            if cancel.is_set():
                raise ExportCancelled("Export annulé.")
            recorder = self.gate.site.recorder(camera.recorder_id)
            driver = self.drivers(recorder)
            try:
                offset = driver.clock_offset()
            except RecorderError:
                offset = None  # unknown, and the manifest says so
            caption = (Caption(camera.name, self.gate.site.commune(camera.commune_id).name)
                       if request.caption else None)

            def camera_progress(fraction: float, i: int = i, camera: Camera = camera) -> None:
                if progress is not None:
                    progress(ExportProgress(camera.id, i, n, fraction, (i + fraction) / n,
                                            time.monotonic() - started))

            got, recorded = export_camera(
                driver, camera, start, end, work, credentials=self.credentials, cancel=cancel,
                progress=camera_progress, timeout=self.timeout,
                read_timeout=self.read_timeout, caption=caption)
            camera_progress(1.0)
            clock_from = None if offset is None else "api"  # the recorder's clock API
            if offset is None and got.date_offset is not None:
                offset, clock_from = round(got.date_offset, 1), "date-header"  # ±0.5 s
            proof.thumbnail(got.path, work / f"{got.path.stem}-premiere-image.jpg")
            delivered.append(self._camera_entry(camera, recorder, got, offset, start, end,
                                                recorded))
            delivered[-1]["clock_offset_from"] = clock_from
        if cancel.is_set():
            raise ExportCancelled("Export annulé.")
        signer = self.signer()
        manifest = self._manifest(request, cameras, reference, delivered, signer)
        if request.requisition_file is not None:  # hashed with the rest in "files"
            manifest["requisition_scan"] = attach_scan(request.requisition_file, work)
        (work / proof.PUBLIC_KEY).write_text(signer.public_pem, "ascii")
        proof.write_sync(work / proof.PV_HTML, proof.pv_html(manifest).encode())
        proof.write_sync(work / proof.PV_PDF, proof.pv_pdf(manifest, work))
        manifest["files"] = {p.name: proof.sha256_file(p) for p in sorted(work.iterdir())}
        raw = proof.manifest_bytes(manifest)
        proof.write_sync(work / proof.MANIFEST, raw)
        proof.write_sync(work / proof.SIGNATURE, signer.private.sign(raw))
        proof.write_sums(work, [p.name for p in work.iterdir()])
        if cancel.is_set():
            raise ExportCancelled("Export annulé.")
        zip_path = final.with_name(final.name + ".zip")
        proof.write_zip(work, zip_path, final.name)
        os.replace(work, final)  # from here on the folder is complete
        manifest_sha = proof.sha256_file(final / proof.MANIFEST)
        register = {"cameras": delivered, "files": manifest["files"],
                    "zip": {"name": zip_path.name, "sha256": proof.sha256_file(zip_path)}}
        repo.set_state(self.db, reference, repo.DELIVERED, delivered=register,
                       manifest_sha256=manifest_sha, signing_key=signer.fingerprint,
                       manifest=raw.decode("utf-8"),
                       also=self._audited(None, cameras[0].commune_id,
                                          f"extraction {reference} livrée", reference))
        return ExportResult(reference, final, zip_path, manifest_sha, signer.fingerprint,
                            manifest)

    def _camera_entry(self, camera: Camera, recorder: Recorder, got: Fetched,
                      offset: float | None, start: datetime, end: datetime,
                      recorded: tuple[tuple[datetime, datetime], ...]) -> dict[str, Any]:
        gaps = list(got.gaps)
        # what the recorder's own search says is missing inside the period, too
        for a, b in _holes(recorded, start, end):
            if not any(ga <= a and b <= gb for ga, gb in gaps):
                gaps.append((a, b))
        if got.last_utc + timedelta(seconds=got.frame_interval * 1.5) < end:
            gaps.append((got.last_utc + timedelta(seconds=got.frame_interval), end))
        gaps.sort()
        return {
            "id": camera.id, "name": camera.name,
            "recorder": {"id": recorder.id, "driver": recorder.driver, "host": recorder.host,
                         "timezone": recorder.timezone},
            "file": got.path.name, "sha256": proof.sha256_file(got.path),
            "thumbnail": f"{got.path.stem}-premiere-image.jpg",
            "size": got.path.stat().st_size, "images": got.images,
            "reencoded": got.reencoded, "treatment": treatment(got),
            "masks": ({"version": got.masks_version, "polygons": masks_as_data(camera.masks)}
                      if got.reencoded else "aucun"),
            "fetched_by": got.method,
            "time_basis": got.time_basis,
            "frame_interval_s": round(got.frame_interval, 6),
            "clock_offset_s": offset,
            "resumed_after_cut": got.resumes,
            "delivered": {"first_utc": utc(got.first_utc), "last_utc": utc(got.last_utc),
                          "first_paris": paris(got.first_utc),
                          "last_paris": paris(got.last_utc),
                          "starts_before_request_s": round(
                              max(0.0, (start - got.first_utc).total_seconds()), 3)},
            "gaps": [{"from_utc": utc(a), "to_utc": utc(b), "from_paris": paris(a),
                      "to_paris": paris(b)} for a, b in gaps],
        }

    def _manifest(self, request: ExportRequest, cameras: list[Camera], reference: str,
                  delivered: list[dict[str, Any]], signer: SigningKey) -> dict[str, Any]:
        commune = self.gate.site.commune(cameras[0].commune_id)
        op = self.gate.operator
        return {
            "format": proof.FORMAT, "reference": reference,
            "created_utc": utc(self.gate.clock.now_utc()),
            "commune": {"id": commune.id, "name": commune.name, "insee": commune.insee},
            "requisition": request.requisition.as_dict(),
            "requested": {"start_utc": utc(request.start_utc), "end_utc": utc(request.end_utc),
                          "start_paris": paris(request.start_utc),
                          "end_paris": paris(request.end_utc)},
            "operator": {"id": op.id, "name": op.display_name},
            "workstation": self.gate.workstation,
            "system_user": _system_user(),
            "csu_wall_version": version(),
            "cameras": delivered,
            "signing_key": {"algorithm": "Ed25519", "fingerprint": signer.fingerprint,
                            "file": proof.PUBLIC_KEY},
            "files": {},
        }


def _holes(recorded: tuple[tuple[datetime, datetime], ...], start: datetime, end: datetime
           ) -> list[tuple[datetime, datetime]]:
    if not recorded:
        return []
    out, at = [], start
    for a, b in sorted(recorded):
        if b <= at:
            continue
        if a > at:
            out.append((at, min(a, end)))
        at = max(at, b)
        if at >= end:
            break
    return [(a, b) for a, b in out if b > a]


def _system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


# -- the chain of custody ----------------------------------------------------------------------


class Custody:
    """The hand-over of a delivered extraction (to whom, when, on which medium) and the
    deletion of the workstation's copy once handed over: only the register, the manifest and
    the hashes remain. Each step and its audit record are one transaction."""

    def __init__(self, db: Database, audit: AuditSink, *, actor: str, workstation: str,
                 clock: Clock | None = None) -> None:
        self.db = db
        self.audit = audit
        self.actor = actor
        self.workstation = workstation
        self.clock = clock or SystemClock()

    def _delivered(self, reference: str) -> repo.ExtractionRecord:
        rec = repo.get_extraction(self.db, reference)
        if rec is None:
            raise ExportError(f"Aucune extraction « {reference} » au registre "
                              "(voir `csu-wall export list`).")
        if rec.state != repo.DELIVERED:
            raise ExportError(f"L'extraction « {reference} » est {rec.state} : seule une "
                              "extraction livrée se remet ou s'efface.")
        return rec

    def _audited(self, rec: repo.ExtractionRecord, detail: str
                 ) -> Callable[[Connection], object]:
        entry = AuditEntry(ts_utc=self.clock.now_utc(), workstation=self.workstation,
                           operator_id=self.actor[:64], action=AuditAction.EXPORT_STATE,
                           commune_id=rec.commune_id, detail=detail,
                           extra={"extraction": rec.reference})
        return lambda conn: append_in(self.audit, conn, entry)

    def hand_over(self, reference: str, *, to_name: str, to_service: str, medium: str
                  ) -> None:
        rec = self._delivered(reference)
        if rec.handover:
            raise ExportError(f"L'extraction « {reference} » a déjà été remise le "
                              f"{rec.handover.get('at_paris', '')}.")
        if not (to_name.strip() and to_service.strip() and medium.strip()):
            raise ExportError("Remise incomplète : indiquez à qui (--to), son service "
                              "(--service) et le support (--medium).")
        now = self.clock.now_utc()
        handover = {"to": to_name.strip(), "service": to_service.strip(),
                    "medium": medium.strip(), "at_utc": utc(now), "at_paris": paris(now),
                    "by": self.actor, "workstation": self.workstation}
        repo.record_handover(self.db, reference, handover, now=now, also=self._audited(
            rec, f"extraction {reference} remise à {handover['to']} ({handover['service']}) "
                 f"sur {handover['medium']}"))

    def delete_local(self, reference: str) -> list[Path]:
        """Delete the folder and ZIP the register names, once handed over, and only if they
        are still the delivered ones (the manifest's and the ZIP's SHA-256). Returns what was
        deleted."""
        rec = self._delivered(reference)
        if not rec.handover:
            raise ExportError(f"L'extraction « {reference} » n'a pas encore été remise : "
                              "`csu-wall export handover` d'abord.")
        folder = Path(rec.folder)
        zip_path = folder.with_name(folder.name + ".zip")
        gone: list[Path] = []
        manifest = folder / proof.MANIFEST
        if folder.is_dir():
            if not manifest.is_file() or proof.sha256_file(manifest) != rec.manifest_sha256:
                raise ExportError(f"Le dossier {folder} n'est plus celui qui a été livré "
                                  "(manifeste différent) : rien n'a été effacé.")
            shutil.rmtree(folder)
            gone.append(folder)
        zip_sha = rec.delivered.get("zip", {}).get("sha256")
        if zip_path.is_file() and zip_sha and proof.sha256_file(zip_path) == zip_sha:
            zip_path.unlink()
            gone.append(zip_path)
        repo.record_local_deletion(self.db, reference, now=self.clock.now_utc(),
                                   also=self._audited(
                                       rec, f"extraction {reference} : copie du poste effacée "
                                            f"({len(gone)} élément(s))"))
        return gone
