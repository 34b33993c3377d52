"""``csu-wall export …``: evidence export for judicial requisitions (DESIGN §7).

- ``export grant|revoke|grants``: extraction habilitations (IT staff, like ``habilitation``);
- ``export run``: an extraction by an operator who signs in (password asked on the terminal,
  or the first line of standard input); missing requisition fields are asked on a terminal;
  progress on standard error; Ctrl-C cancels (no folder that looks complete is left);
- ``export verify DIR``: every hash and the signature, exit 0, or 1 with the first mismatch;
- ``export handover REF`` / ``export delete-local REF``: the chain of custody — to whom, when,
  on which medium; then the workstation's copy deleted (the register keeps the manifest);
- ``export list``: the register of extractions as CSV on standard output.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from csu_wall.cli._common import CliPaths, actor, parse_when, read_stdin_line
from csu_wall.cli._table import print_table
from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import CsuWallError
from csu_wall.services.export import (
    LEGAL_BASES,
    Custody,
    ExportCancelled,
    ExportProgress,
    ExportRequest,
    ExportResult,
    Requisition,
    paris,
)
from csu_wall.services.export_admin import ExtractionHabilitations
from csu_wall.services.export_proof import verify_folder
from csu_wall.storage import accounts, extraction_repo, site_key
from csu_wall.storage.db import Database
from csu_wall.storage.settings import workstation_of

PARIS = ZoneInfo("Europe/Paris")
COMMANDS = ("grant", "revoke", "grants", "run", "verify", "handover", "delete-local", "list")

_FIELDS = (  # option dest, prompt
    ("procedure", "N° de procédure ou de PV"),
    ("opj_name", "Nom de l'OPJ requérant"),
    ("opj_rank", "Grade de l'OPJ"),
    ("opj_service", "Service de l'OPJ"),
    ("requisition_date", "Date de la réquisition (AAAA-MM-JJ)"),
)


def add_parser(subparsers: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``export`` to the ``csu-wall`` subcommands."""
    common = [common_parent]
    export = subparsers.add_parser(
        "export", parents=common,
        help="extractions sur réquisition judiciaire (habilitations, extraction, "
             "vérification, registre)")
    export.set_defaults(handler=handle)
    cmds = export.add_subparsers(dest="export_command", required=True)
    grant = cmds.add_parser("grant", parents=common,
                            help="accorder une habilitation d'extraction (distincte du "
                                 "visionnage)")
    grant.add_argument("login", help="identifiant de l'opérateur")
    grant.add_argument("commune", help="identifiant de la commune")
    grant.add_argument("--basis", required=True, help="base légale")
    grant.add_argument("--by", required=True, dest="granted_by",
                       help="autorité qui accorde l'habilitation")
    grant.add_argument("--from", dest="valid_from", metavar="DATE",
                       help="début de validité (AAAA-MM-JJ[THH:MM], heure locale)")
    grant.add_argument("--until", dest="valid_until", metavar="DATE",
                       help="fin de validité, jour inclus")
    revoke = cmds.add_parser("revoke", parents=common,
                             help="retirer les habilitations d'extraction d'un opérateur pour "
                                  "une commune")
    revoke.add_argument("login")
    revoke.add_argument("commune")
    grants = cmds.add_parser("grants", parents=common,
                             help="lister les habilitations d'extraction")
    grants.add_argument("login", nargs="?")
    run = cmds.add_parser("run", parents=common,
                          help="extraire les enregistrements demandés par une réquisition")
    run.add_argument("--operator", required=True, help="identifiant de l'opérateur qui "
                                                       "extrait (mot de passe demandé)")
    run.add_argument("--camera", action="append", required=True, dest="cameras",
                     help="identifiant d'une caméra (répétable ; une seule commune)")
    run.add_argument("--start", required=True,
                     help="début, heure de Paris (AAAA-MM-JJTHH:MM[:SS]) ou avec décalage "
                          "(+02:00, Z)")
    run.add_argument("--end", required=True, help="fin, même format")
    run.add_argument("--dest", required=True, type=Path,
                     help="dossier de destination (ou support amovible)")
    run.add_argument("--procedure", help="n° de procédure ou de PV")
    run.add_argument("--opj-name", dest="opj_name", help="nom de l'OPJ requérant")
    run.add_argument("--opj-rank", dest="opj_rank", help="grade de l'OPJ")
    run.add_argument("--opj-service", dest="opj_service", help="service de l'OPJ")
    run.add_argument("--requisition-date", dest="requisition_date",
                     help="date de la réquisition (AAAA-MM-JJ)")
    run.add_argument("--legal-basis", dest="legal_basis", type=int, choices=(1, 2, 3),
                     help="base légale : " + " ; ".join(f"{i} = {b}"
                                                       for i, b in enumerate(LEGAL_BASES, 1)))
    run.add_argument("--note", default="", help="note libre")
    run.add_argument("--scan", type=Path, dest="requisition_file", metavar="FICHIER",
                     help="réquisition scannée (PDF ou image), jointe et hachée")
    run.add_argument("--caption", action="store_true",
                     help="incruster caméra, commune et heure dans les vidéos réencodées "
                          "(caméras avec masques)")
    verify = cmds.add_parser("verify", parents=common,
                             help="vérifier les empreintes et la signature d'une extraction")
    verify.add_argument("folder", type=Path)
    verify.add_argument("--fingerprint", help="empreinte attendue de la clé du site (celle "
                                              "du registre ou du CSU)")
    handover = cmds.add_parser("handover", parents=common,
                               help="enregistrer la remise d'une extraction livrée (à qui, "
                                    "quand, sur quel support)")
    handover.add_argument("reference")
    handover.add_argument("--to", required=True, dest="to_name",
                          help="nom (et grade) de la personne qui reçoit")
    handover.add_argument("--service", required=True, dest="to_service", help="son service")
    handover.add_argument("--medium", required=True,
                          help="le support remis (ex. « clé USB n° 12 »)")
    delete = cmds.add_parser("delete-local", parents=common,
                             help="effacer la copie du poste d'une extraction remise (le "
                                  "registre, le manifeste et les empreintes restent)")
    delete.add_argument("reference")
    listing = cmds.add_parser("list", parents=common,
                              help="le registre des extractions (CSV)")
    listing.add_argument("--commune", help="seulement cette commune")


def handle(args: argparse.Namespace, paths: CliPaths) -> int:
    sub = args.export_command
    if sub == "verify":  # no database: anyone with the folder can check it
        verdict = verify_folder(args.folder, args.fingerprint)
        print(verdict.message, file=sys.stdout if verdict.ok else sys.stderr)
        return 0 if verdict.ok else 1
    db = Database.open(paths.database_url, create=True)
    try:
        ws = workstation_of(paths.data_dir)
        if sub in ("grant", "revoke", "grants"):
            return _habilitations(args, db, ws)
        if sub == "list":
            return _list(db, args.commune)
        if sub in ("handover", "delete-local"):
            return _custody(args, db, ws)
        return _run(args, db, ws, paths.cache_dir)
    except CsuWallError as exc:
        print(f"csu-wall: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()


def _habilitations(args: argparse.Namespace, db: Database, ws: str) -> int:
    service = ExtractionHabilitations(db, site_key.audit_log(db), actor=actor(), workstation=ws)
    if args.export_command == "grant":
        start = parse_when(args.valid_from) if args.valid_from else None
        end = parse_when(args.valid_until, end_of_day=True) if args.valid_until else None
        service.grant(args.login, args.commune, legal_basis=args.basis,
                      granted_by=args.granted_by, valid_from=start, valid_until=end)
        print(f"Habilitation d'extraction accordée à « {args.login} » pour « {args.commune} ».")
        return 0
    if args.export_command == "revoke":
        n = service.revoke(args.login, args.commune)
        print(f"{n} habilitation(s) d'extraction de « {args.login} » pour « {args.commune} » "
              "retirée(s).")
        return 0
    records = service.list(args.login)
    if not records:
        print("Aucune habilitation d'extraction.")
    now = datetime.now(UTC)
    rows = []
    for r in records:
        h = r.habilitation
        state = ("retirée" if h.revoked else "valide" if h.is_valid_at(now)
                 else "hors validité")
        until = paris(h.valid_until) if h.valid_until else "révocation"
        rows.append((h.operator_id, h.commune_id, state,
                     f"du {paris(h.valid_from)} à {until} — {h.legal_basis} "
                     f"(par {h.granted_by})"))
    print_table(rows, (20, 20, 14))
    return 0


def parse_paris(text: str) -> datetime:
    """A time in Paris (naive) or with its offset; an ambiguous or non-existent Paris time
    (the changes of summer time) must carry its offset."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CsuWallError(f"Heure « {text} » invalide : écrivez AAAA-MM-JJTHH:MM[:SS] (heure "
                           "de Paris) ou ajoutez le décalage (+02:00, Z).") from None
    if not 1970 <= when.year <= 2199:
        raise CsuWallError(f"Heure « {text} » hors limites.")
    if when.tzinfo is not None:
        return when.astimezone(UTC)
    first = when.replace(tzinfo=PARIS, fold=0)
    second = when.replace(tzinfo=PARIS, fold=1)
    if first.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) != when:
        raise CsuWallError(f"L'heure « {text} » n'existe pas à Paris (passage à l'heure "
                           "d'été).")
    if first.utcoffset() != second.utcoffset():
        raise CsuWallError(
            f"L'heure « {text} » existe deux fois à Paris (passage à l'heure d'hiver) : "
            "précisez le décalage, +02:00 (heure d'été) ou +01:00 (heure d'hiver).")
    return first.astimezone(UTC)


def _ask(prompt: str) -> str:
    if sys.stdin is None or not sys.stdin.isatty():
        return ""
    try:
        return input(f"{prompt} : ").strip()
    except EOFError:
        return ""


def _requisition(args: argparse.Namespace) -> Requisition:
    values: dict[str, str] = {}
    for dest, prompt in _FIELDS:
        value = (getattr(args, dest) or "").strip() or _ask(prompt)
        if not value:
            option = "--" + dest.replace("_", "-")
            raise CsuWallError(f"Réquisition incomplète : {prompt.lower()} manquant(e) "
                               f"({option}).")
        values[dest] = value
    basis_no = args.legal_basis
    if basis_no is None:
        listing = " ; ".join(f"{i} = {b}" for i, b in enumerate(LEGAL_BASES, 1))
        answer = _ask(f"Base légale ({listing})")
        basis_no = int(answer) if answer in ("1", "2", "3") else None
    if basis_no is None:
        raise CsuWallError("Réquisition incomplète : base légale manquante (--legal-basis 1, "
                           "2 ou 3).")
    return Requisition(procedure=values["procedure"], opj_name=values["opj_name"],
                       opj_rank=values["opj_rank"], opj_service=values["opj_service"],
                       date=values["requisition_date"], legal_basis=LEGAL_BASES[basis_no - 1],
                       note=args.note or "")


def _password() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("Mot de passe de l'opérateur : ")
    return read_stdin_line()


def _run(args: argparse.Namespace, db: Database, ws: str, cache_dir: Path) -> int:
    from csu_wall.services.export_run import export_service

    start, end = parse_paris(args.start), parse_paris(args.end)
    requisition = _requisition(args)
    login = accounts.normalise_login(args.operator)
    account = accounts.verify_password(db, login, _password(), hasher=accounts.make_hasher())
    if account is None or account.disabled or account.locked_at(datetime.now(UTC)):
        site_key.audit_log(db).append(AuditEntry(
            ts_utc=datetime.now(UTC), workstation=ws, operator_id=login[:64],
            action=AuditAction.LOGIN_FAILED, detail="export"))
        print("csu-wall: identifiant ou mot de passe incorrect : aucune extraction.",
              file=sys.stderr)
        return 1
    service = export_service(db, account.operator, workstation=ws, cache_dir=cache_dir)
    request = ExportRequest(tuple(args.cameras), start, end, requisition, args.dest,
                            caption=args.caption, requisition_file=args.requisition_file)
    cancel = threading.Event()
    outcome: list[object] = []

    def show(p: ExportProgress) -> None:
        print(f"\rcaméra {p.camera_index + 1}/{p.cameras} {p.camera_id} : "
              f"{p.camera_fraction:4.0%} — total {p.total_fraction:4.0%} — "
              f"{p.elapsed_s:5.0f} s", end="", file=sys.stderr, flush=True)

    def work() -> None:
        try:
            outcome.append(service.run(request, cancel=cancel, progress=show))
        except BaseException as exc:  # handed to the main thread
            outcome.append(exc)

    worker = threading.Thread(target=work, name="export")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        cancel.set()
        worker.join()
    print(file=sys.stderr)
    result = outcome[0] if outcome else ExportCancelled("Export annulé.")
    if isinstance(result, ExportCancelled):
        print("csu-wall: extraction annulée : aucun dossier n'a été laissé.", file=sys.stderr)
        return 1
    if isinstance(result, BaseException):
        raise result
    assert isinstance(result, ExportResult)
    print(f"Extraction {result.reference} livrée : {result.folder}")
    print(f"Archive : {result.zip_path}")
    print(f"Empreinte de la clé de signature (SHA-256) : {result.fingerprint}")
    return 0


def _custody(args: argparse.Namespace, db: Database, ws: str) -> int:
    custody = Custody(db, site_key.audit_log(db), actor=actor(), workstation=ws)
    if args.export_command == "handover":
        custody.hand_over(args.reference, to_name=args.to_name, to_service=args.to_service,
                          medium=args.medium)
        print(f"Remise de l'extraction {args.reference} enregistrée.")
        return 0
    gone = custody.delete_local(args.reference)
    print(f"Copie du poste effacée ({len(gone)} élément(s)) : le registre garde le manifeste "
          "et les empreintes.")
    return 0


def _list(db: Database, commune: str | None) -> int:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["référence", "état", "commune", "opérateur", "poste", "caméras",
                  "début demandé (UTC)", "fin demandée (UTC)", "procédure", "OPJ", "grade",
                  "service", "date de réquisition", "base légale", "note", "dossier",
                  "SHA-256 du manifeste", "clé de signature", "créée (UTC)",
                  "mise à jour (UTC)", "détail", "remise à", "service destinataire",
                  "support", "remise le (UTC)", "copie du poste effacée le (UTC)"])
    for r in extraction_repo.list_extractions(db, commune):
        q, h = r.requisition, r.handover or {}
        out.writerow([r.reference, r.state, r.commune_id, r.operator_id, r.workstation,
                      " ".join(r.cameras), r.requested_start.isoformat(),
                      r.requested_end.isoformat(), q.get("procedure", ""), q.get("opj_name", ""),
                      q.get("opj_rank", ""), q.get("opj_service", ""), q.get("date", ""),
                      q.get("legal_basis", ""), q.get("note", ""), r.folder,
                      r.manifest_sha256 or "", r.signing_key or "", r.created_at.isoformat(),
                      r.updated_at.isoformat(), r.detail, h.get("to", ""),
                      h.get("service", ""), h.get("medium", ""), h.get("at_utc", ""),
                      r.local_deleted_at.isoformat() if r.local_deleted_at else ""])
    return 0
