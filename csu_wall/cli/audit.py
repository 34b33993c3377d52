"""``csu-wall audit verify|anchor|purge|export``: the audit log (DESIGN §7).

For IT staff on a workstation that can write the database; ``audit export`` writes a commune's
statement for its mayor.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from csu_wall.cli._common import CliPaths, actor, with_database
from csu_wall.cli._text import bounded_date, pick
from csu_wall.core.errors import CsuWallError
from csu_wall.storage import site_key
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError
from csu_wall.storage.settings import workstation_of

_TEXT: dict[str, dict[str, str]] = {
    "audit": {"fr": "journal d'audit", "en": "audit log"},
    "verify": {"fr": "vérifier la chaîne du journal (code 1 si altéré)",
               "en": "verify the log's chain (exit 1 when tampered)"},
    "purge": {"fr": "supprimer les enregistrements plus anciens que la durée de conservation "
                    "(un an), par une purge elle-même enregistrée et signée",
              "en": "delete the records older than the retention period (one year), by a "
                    "purge that is itself recorded and signed"},
    "anchor": {"fr": "enregistrer la tête de chaîne actuelle (détecte une fin tronquée)",
               "en": "record the current chain head (reveals a truncated tail)"},
    "anchor_file": {"fr": "relevé, rapport de relève ou fichier contenant des ancres "
                          "(« csu-wall-ancre v1 … ») à vérifier aussi ; répétable",
                    "en": "statement, handover report or file holding anchors "
                          "(\"csu-wall-ancre v1 …\") to check too; repeatable"},
    "export": {"fr": "relevé pour le maire d'une commune (même détachée ou retirée) : vues, "
                     "accès, refus, signets, actes d'administration",
               "en": "statement for a commune's mayor (even detached or removed): views, "
                     "accesses, denials, bookmarks, administrative actions"},
    "name": {"fr": "identifiant, nom ou code INSEE de la commune",
             "en": "commune id, name or INSEE code"},
    "from": {"fr": "premier jour (AAAA-MM-JJ, heure de Paris)", "en": "first day (YYYY-MM-DD)"},
    "to": {"fr": "dernier jour inclus (AAAA-MM-JJ)", "en": "last day, included (YYYY-MM-DD)"},
    "format": {"fr": "format du relevé", "en": "statement format"},
    "output": {"fr": "fichier à écrire (défaut : sortie standard)",
               "en": "file to write (default: standard output)"},
}


def add_parser(commands: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``audit`` to the ``csu-wall`` subcommands."""
    common = [common_parent]

    def t(key: str) -> str:
        return pick(_TEXT, key, lang)

    audit = commands.add_parser("audit", help=t("audit"), parents=common)
    audit.set_defaults(handler=handle)
    a_cmds = audit.add_subparsers(dest="audit_command", required=True)
    verify = a_cmds.add_parser("verify", help=t("verify"), parents=common)
    verify.add_argument("--anchor", dest="anchor_files", action="append", type=Path,
                        default=[], metavar="FICHIER", help=t("anchor_file"))
    a_cmds.add_parser("anchor", help=t("anchor"), parents=common)
    a_cmds.add_parser("purge", help=t("purge"), parents=common)
    export = a_cmds.add_parser("export", help=t("export"), parents=common)
    export.add_argument("--commune", required=True, help=t("name"))
    export.add_argument("--from", dest="date_from", required=True, type=bounded_date,
                        metavar="DATE", help=t("from"))
    export.add_argument("--to", dest="date_to", required=True, type=bounded_date,
                        metavar="DATE", help=t("to"))
    export.add_argument("--format", choices=("csv", "html", "pdf"), default="csv",
                        help=t("format"))
    export.add_argument("--output", type=Path, metavar="PATH", help=t("output"))


def handle(args: argparse.Namespace, paths: CliPaths) -> int:
    return with_database(paths, lambda db: _audit(args, db, paths))


def _audit_log(db: Database) -> DbAuditLog:
    return site_key.audit_log(db)  # SecretStoreError (French) on a workstation not enrolled


def _audit(args: argparse.Namespace, db: Database, paths: CliPaths) -> int:
    from csu_wall.storage import audit_verify

    if args.audit_command == "verify":
        extra = []
        for path in args.anchor_files:
            extra += _anchors_in(path)
        report = audit_verify.verify_workstation(db, paths.data_dir, extra)
        print(report.message(), file=sys.stdout if report.ok else sys.stderr)
        return 0 if report.ok else 1
    if args.audit_command == "anchor":
        log = _audit_log(db)
        current = audit_verify.anchor(db, anchored_by=actor(),
                                      workstation=workstation_of(paths.data_dir),
                                      data_dir=paths.data_dir, key=log.key,
                                      site_id=log.site_id, first_signed=log.first_signed())
        print(f"Tête de chaîne ancrée : n° {current.seq}, {current.hash}")
        print(current.line())
        return 0
    if args.audit_command == "purge":
        from csu_wall.storage.audit_purge import RETENTION, purge

        result = purge(db, _audit_log(db), operator_id=actor(),
                       workstation=workstation_of(paths.data_dir))
        if result.record_id is None:
            print(f"Aucun enregistrement de plus de {RETENTION.days} jours : rien à purger.")
        else:
            print(f"{result.purged} enregistrement(s) de plus de {RETENTION.days} jours "
                  f"purgé(s) ; le journal commence au n° {result.first_kept} ; purge "
                  f"enregistrée (n° {result.record_id}).")
        return 0
    return _export(args, db, paths)


def _anchors_in(path: Path) -> list[Any]:
    from csu_wall.storage.audit_anchor import parse_anchors

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CsuWallError(f"Fichier d'ancres illisible : {path} ({exc.strerror}).") from None
    found = parse_anchors(raw.decode("utf-8", "replace")) or parse_anchors(raw.decode("latin-1"))
    if not found:
        raise CsuWallError(f"Aucune ancre « csu-wall-ancre v1 » dans {path}.")
    return found


def _export(args: argparse.Namespace, db: Database, paths: CliPaths) -> int:
    from csu_wall.services import audit_export as ex
    from csu_wall.storage.audit_anchor import AnchorFile

    commune = ex.resolve_commune(db, args.commune)  # also one detached or since removed
    start = datetime.combine(args.date_from, time(0), ex.PARIS)
    end = datetime.combine(args.date_to + timedelta(days=1), time(0), ex.PARIS)
    if end <= start:
        raise CsuWallError("La période est vide : --to doit suivre --from.")
    st = ex.statement(db, commune, start, end)
    try:
        log = site_key.audit_log(db)  # signs the anchor when this workstation is enrolled
    except SecretStoreError:
        log = DbAuditLog(db)
    st.anchor = log.anchor()
    AnchorFile.in_dir(paths.data_dir).remember(st.anchor)
    if args.format == "pdf":
        data = ex.to_pdf(st)
    else:
        data = (ex.to_csv(st) if args.format == "csv" else ex.to_html(st)).encode("utf-8")
    if args.output is None:
        if args.format == "pdf" and sys.stdout.isatty():
            raise CsuWallError("Un relevé PDF ne s'affiche pas dans le terminal : précisez "
                               "--output FICHIER.pdf.")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        try:
            args.output.write_bytes(data)
        except OSError as exc:
            raise CsuWallError(f"Relevé non écrit dans {args.output} : "
                               f"{exc.strerror or exc}.") from None
        counts = ", ".join(f"{len(st.of(s))} {s.lower()}" for s in ex.SECTIONS)
        print(f"{args.output} : relevé de {commune.name} ({commune.status}) — {counts}.")
    return 0
