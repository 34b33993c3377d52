"""What the wall's export dialog and register screen talk to: an export run in a thread this
module owns (one per export, named, cancellable, its progress read by the GUI's timer — the
GUI never holds a media handle nor waits on a recorder), the register, the hand-over and the
register's CSV and PDF.

Each export builds its :class:`ExportService` afresh (``service_for``): the extraction
habilitations are read from the database at that moment, so one granted or revoked a minute
ago counts, and the gate refuses (audited) before any connection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from csu_wall.core.errors import AccessDenied, CsuWallError
from csu_wall.core.model import Site
from csu_wall.core.security import Operator, Role
from csu_wall.core.shifts import Bookmark
from csu_wall.services import export_register as register
from csu_wall.services.export import (
    Custody,
    ExportCancelled,
    ExportProgress,
    ExportRequest,
    ExportResult,
    ExportService,
    paris,
)
from csu_wall.storage import extraction_repo as repo
from csu_wall.storage.db import Database
from csu_wall.storage.extraction_repo import ExtractionRecord

__all__ = ["ExportDesk", "ExportJob", "ExtractionRecord", "JobStatus", "desk_for"]

log = logging.getLogger(__name__)

RUNNING, DELIVERED, CANCELLED, FAILED, REFUSED = (
    "en cours", "livrée", "annulée", "échouée", "refusée")
SUPERVISORS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
JOIN_S = 30.0  # a cancelled export stops within the RTSP client's 50 ms check and a cleanup


@dataclass(frozen=True)
class JobStatus:
    """A snapshot of a job, read by the GUI's timer."""

    state: str
    progress: ExportProgress | None
    result: ExportResult | None
    message: str  # French: why it was refused or failed, or where it was delivered


class ExportJob:
    """One export in its own thread; :meth:`status` may be called from any thread."""

    def __init__(self, service: ExportService, request: ExportRequest) -> None:
        self.request = request
        self._service = service
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._status = JobStatus(RUNNING, None, None, "")
        self._thread = threading.Thread(target=self._work, name="csu-export", daemon=True)

    def start(self) -> ExportJob:
        self._thread.start()
        return self

    def status(self) -> JobStatus:
        with self._lock:
            return self._status

    @property
    def done(self) -> bool:
        return self.status().state != RUNNING

    def cancel(self) -> None:
        self._cancel.set()

    def join(self, timeout: float = JOIN_S) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _set(self, **changes: object) -> None:
        with self._lock:
            self._status = JobStatus(**{**self._status.__dict__, **changes})  # type: ignore[arg-type]

    def _progress(self, p: ExportProgress) -> None:
        self._set(progress=p)

    def _work(self) -> None:
        try:
            result = self._service.run(self.request, cancel=self._cancel,
                                       progress=self._progress)
        except AccessDenied as exc:
            self._set(state=REFUSED, message=str(exc))
        except ExportCancelled:
            self._set(state=CANCELLED, message="Extraction annulée : aucun dossier n'a été "
                                               "laissé dans la destination.")
        except CsuWallError as exc:
            self._set(state=FAILED, message=str(exc))
        except Exception as exc:  # a defect: logged with its traceback, said in French
            log.exception("export failed")
            self._set(state=FAILED, message=f"L'extraction a échoué ({type(exc).__name__}) : "
                                            "voir le journal du poste.")
        else:
            self._set(state=DELIVERED, result=result,
                      message=f"Extraction {result.reference} livrée dans {result.folder}.")


class ExportDesk:
    """The export features of a signed-in wall."""

    def __init__(self, db: Database, site: Site, *, operator: Callable[[], Operator],
                 service_for: Callable[[Operator], ExportService],
                 custody_for: Callable[[Operator], Custody],
                 hold: Callable[[int, str], object] | None = None) -> None:
        self.db = db
        self.site = site
        self._operator = operator
        self._service_for = service_for
        self._custody_for = custody_for
        self._hold = hold
        self._jobs: list[ExportJob] = []

    @property
    def operator(self) -> Operator:
        return self._operator()

    @property
    def may_read_register(self) -> bool:
        op = self.operator
        return op.role in SUPERVISORS and not op.demo

    def refusal(self, commune_id: str) -> str | None:
        """Why this operator may not extract the commune's images (French), None when they
        may. Only a notice: the export itself asks the gate again, and audits a refusal."""
        try:
            service = self._service_for(self.operator)
        except CsuWallError as exc:  # no site key on this workstation, say
            return str(exc)
        if service.gate.may_extract(commune_id):
            return None
        try:
            name = self.site.commune(commune_id).name
        except KeyError:
            name = commune_id
        return (f"Extraction refusée : vous n'avez pas d'habilitation d'extraction en cours de "
                f"validité pour la commune « {name} ».")

    def start(self, request: ExportRequest) -> ExportJob:
        job = ExportJob(self._service_for(self.operator), request)
        self._jobs = [j for j in self._jobs if not j.done] + [job]
        return job.start()

    def stop(self) -> None:
        """The wall closes: exports still running are cancelled (their unfinished folders
        removed, the register saying so) before the database closes."""
        for job in self._jobs:
            job.cancel()
        for job in self._jobs:
            if not job.join():
                log.warning("an export did not stop within %.0f s", JOIN_S)
        self._jobs = []

    def hold_bookmark(self, bookmark: Bookmark, procedure: str) -> None:
        """Put a bookmark an export was made from under that procedure's judicial hold
        (a bookmark already held keeps its own reference)."""
        if self._hold is not None and not bookmark.judicial_ref:
            self._hold(bookmark.id, procedure)

    # -- the register -------------------------------------------------------------------------

    def register(self, commune_id: str | None = None) -> list[ExtractionRecord]:
        return list(reversed(repo.list_extractions(self.db, commune_id)))

    def bookmarks_of(self, record: ExtractionRecord) -> list[Bookmark]:
        return register.bookmarks_of(self.db, record)

    def links_of_bookmarks(self, bookmarks: Sequence[Bookmark]) -> dict[int, list[str]]:
        held = [b for b in bookmarks if b.judicial_ref]
        if not held:
            return {}
        try:
            records = [r for c in {b.commune_id for b in held}
                       for r in repo.list_extractions(self.db, c)]
        except Exception:  # the database away: the list shows without its links meanwhile
            log.warning("extractions of the bookmarks not read", exc_info=True)
            return {}
        return register.links_of_bookmarks(held, records)

    def _links(self, records: Sequence[ExtractionRecord]) -> dict[str, list[int]]:
        return {r.reference: [b.id for b in self.bookmarks_of(r)] for r in records}

    def register_csv(self, records: Sequence[ExtractionRecord]) -> str:
        return register.register_csv(records, self.site, self._links(records))

    def register_pdf(self, records: Sequence[ExtractionRecord]) -> bytes:
        return register.register_pdf(records, self.site, self._links(records),
                                     printed_at=paris(datetime.now(UTC)))

    def hand_over(self, reference: str, *, to_name: str, to_service: str, medium: str) -> None:
        self._custody_for(self.operator).hand_over(reference, to_name=to_name,
                                                   to_service=to_service, medium=medium)


def desk_for(db: Database, site: Site, operator: Callable[[], Operator], *, workstation: str,
             cache_dir: Path, hold: Callable[[int, str], object] | None = None) -> ExportDesk:
    """The desk of a signed-in wall: each export wired like ``csu-wall export run`` (the
    database's site, recorders and credentials, the site's signing key, the audit log)."""
    from csu_wall.services.export_run import export_service
    from csu_wall.storage.site_key import audit_log

    return ExportDesk(
        db, site, operator=operator,
        service_for=lambda op: export_service(db, op, workstation=workstation,
                                              cache_dir=cache_dir),
        custody_for=lambda op: Custody(db, audit_log(db), actor=op.id,
                                       workstation=workstation),
        hold=hold)
