"""``csu-wall workstation|credentials|commune|audit …``: the security commands (DESIGN §7).

For IT staff on a workstation that can write the database. A password or an enrolment code is
never an argument: it is asked on a terminal (without echo), or read from the first line of
standard input otherwise. Nothing secret is printed, except the enrolment code, once, by
``workstation enroll --new-site`` (IT keeps it offline to enrol the other workstations).
"""

from __future__ import annotations

import argparse
import getpass
import socket
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from csu_wall._cli_text import bounded_date
from csu_wall.core.errors import CsuWallError
from csu_wall.storage import site_key
from csu_wall.storage.audit import DbAuditLog
from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError

_TEXT: dict[str, dict[str, str]] = {
    "ws": {"fr": "ce poste de travail", "en": "this workstation"},
    "enroll": {"fr": "enrôler ce poste : mettre la clé de site dans le trousseau du système "
                     "(code d'enrôlement demandé, ou lu sur l'entrée standard)",
               "en": "enrol this workstation: put the site key in the OS keyring (enrolment "
                     "code prompted, or read from standard input)"},
    "ws_name": {"fr": "nom de ce poste, unique dans le site (ex. pupitre-2) : il figure dans "
                      "le journal d'audit, les prises de poste et l'état du mur (défaut : le "
                      "nom d'hôte)",
                "en": "this workstation's name, unique in the site (e.g. desk-2): recorded in "
                      "the audit log, shifts and wall state (default: the host name)"},
    "new_site": {"fr": "premier poste : créer la clé de site et afficher le code d'enrôlement",
                 "en": "first workstation: create the site key and print the enrolment code"},
    "cred": {"fr": "identifiants des enregistreurs (chiffrés dans la base)",
             "en": "recorder credentials (encrypted in the database)"},
    "cred_set": {"fr": "saisir l'identifiant d'un enregistreur (mot de passe demandé, ou lu "
                       "sur l'entrée standard ; jamais en argument)",
                 "en": "set a recorder's credential (password prompted or read from standard "
                       "input; never an argument)"},
    "cred_delete": {"fr": "supprimer l'identifiant d'un enregistreur",
                    "en": "delete a recorder's credential"},
    "recorder": {"fr": "identifiant de l'enregistreur (fichier de site)",
                 "en": "recorder id (site file)"},
    "user": {"fr": "nom d'utilisateur sur l'enregistreur (défaut : celui du fichier de site)",
             "en": "user name on the recorder (default: the site file's)"},
    "commune": {"fr": "communes : détacher ou rattacher", "en": "communes: detach or attach"},
    "detach": {"fr": "détacher une commune : ses caméras quittent les murs, ses identifiants "
                     "et images en cache sont supprimés ; son journal reste",
               "en": "detach a commune: its cameras leave the walls, its credentials and "
                     "cached images are deleted; its audit records stay"},
    "attach": {"fr": "rattacher une commune détachée", "en": "attach a detached commune again"},
    "name": {"fr": "identifiant, nom ou code INSEE de la commune",
             "en": "commune id, name or INSEE code"},
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
    "from": {"fr": "premier jour (AAAA-MM-JJ, heure de Paris)", "en": "first day (YYYY-MM-DD)"},
    "to": {"fr": "dernier jour inclus (AAAA-MM-JJ)", "en": "last day, included (YYYY-MM-DD)"},
    "format": {"fr": "format du relevé", "en": "statement format"},
    "output": {"fr": "fichier à écrire (défaut : sortie standard)",
               "en": "file to write (default: standard output)"},
}
COMMANDS = ("workstation", "credentials", "commune", "audit")


def _t(key: str, lang: str) -> str:
    return _TEXT[key].get(lang, _TEXT[key]["en"])


def add_parsers(subparsers: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``workstation``, ``credentials``, ``commune`` and ``audit`` subcommands."""
    common = [common_parent]
    ws = subparsers.add_parser("workstation", help=_t("ws", lang), parents=common)
    ws_cmds = ws.add_subparsers(dest="workstation_command", required=True)
    enroll = ws_cmds.add_parser("enroll", help=_t("enroll", lang), parents=common)
    enroll.add_argument("--new-site", action="store_true", help=_t("new_site", lang))
    enroll.add_argument("--name", metavar="NOM", help=_t("ws_name", lang))

    cred = subparsers.add_parser("credentials", help=_t("cred", lang), parents=common)
    cred_cmds = cred.add_subparsers(dest="credentials_command", required=True)
    cset = cred_cmds.add_parser("set", help=_t("cred_set", lang), parents=common)
    cset.add_argument("recorder", help=_t("recorder", lang))
    cset.add_argument("--user", help=_t("user", lang))
    cdel = cred_cmds.add_parser("delete", help=_t("cred_delete", lang), parents=common)
    cdel.add_argument("recorder", help=_t("recorder", lang))

    commune = subparsers.add_parser("commune", help=_t("commune", lang), parents=common)
    c_cmds = commune.add_subparsers(dest="commune_command", required=True)
    for name in ("detach", "attach"):
        sub = c_cmds.add_parser(name, help=_t(name, lang), parents=common)
        sub.add_argument("name", help=_t("name", lang))

    audit = subparsers.add_parser("audit", help=_t("audit", lang), parents=common)
    a_cmds = audit.add_subparsers(dest="audit_command", required=True)
    verify = a_cmds.add_parser("verify", help=_t("verify", lang), parents=common)
    verify.add_argument("--anchor", dest="anchor_files", action="append", type=Path,
                        default=[], metavar="FICHIER", help=_t("anchor_file", lang))
    a_cmds.add_parser("anchor", help=_t("anchor", lang), parents=common)
    a_cmds.add_parser("purge", help=_t("purge", lang), parents=common)
    export = a_cmds.add_parser("export", help=_t("export", lang), parents=common)
    export.add_argument("--commune", required=True, help=_t("name", lang))
    export.add_argument("--from", dest="date_from", required=True, type=bounded_date,
                        metavar="DATE", help=_t("from", lang))
    export.add_argument("--to", dest="date_to", required=True, type=bounded_date,
                        metavar="DATE", help=_t("to", lang))
    export.add_argument("--format", choices=("csv", "html", "pdf"), default="csv",
                        help=_t("format", lang))
    export.add_argument("--output", type=Path, metavar="PATH", help=_t("output", lang))


def dispatch(args: argparse.Namespace, paths: Any) -> int | None:
    """Run the command if it is one of ours (exit code), else None."""
    command = getattr(args, "command", None)
    if command not in COMMANDS:
        return None
    db = Database.open(paths.database_url, create=True)
    try:
        if command == "workstation":
            return _enroll_named(db, args, paths)
        if command == "credentials":
            return _credentials(args, db, paths)
        if command == "commune":
            return _commune(args, db, paths)
        return _audit(args, db, paths)
    except CsuWallError as exc:
        print(f"csu-wall: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()


def actor() -> str:
    return f"cli:{getpass.getuser()}"[:64]


def read_secret(prompt: str) -> str:
    """A secret from the terminal (no echo, asked twice) or the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Confirmez : ") != first:
            raise CsuWallError("Les deux saisies diffèrent : rien n'a été modifié.")
        value = first
    else:
        from csu_wall.cli_admin import read_stdin_line

        value = read_stdin_line()
    if not value:
        raise CsuWallError("Saisie vide : rien n'a été modifié.")
    return value


def _audit_log(db: Database) -> DbAuditLog:
    return site_key.audit_log(db)  # SecretStoreError (French) on a workstation not enrolled


def _enroll(db: Database, new_site: bool, paths: Any) -> int:
    from csu_wall.storage.audit_anchor import AnchorFile

    if new_site:
        key, code = site_key.create_site_key(db, created_by=actor())
        _keep_anchor(db, paths, AnchorFile)
        print(f"Clé de site créée (empreinte {key.key_id}) et placée dans le trousseau de ce "
              "poste.")
        print(f"Code d'enrôlement des autres postes : {code}")
        print("Conservez ce code hors ligne (enveloppe scellée) : il ne sera plus affiché.")
        return 0
    key = site_key.enrol(db, read_secret("Code d'enrôlement : "))
    _keep_anchor(db, paths, AnchorFile)
    print(f"Poste enrôlé : clé de site {key.key_id} placée dans le trousseau du système.")
    return 0


def _keep_anchor(db: Database, paths: Any, anchor_file: Any) -> None:
    """The site and its first signed record, kept in this workstation's anchor file."""
    anchor_file.in_dir(paths.data_dir).remember(site_key.audit_log(db).anchor())


def _enroll_named(db: Database, args: argparse.Namespace, paths: Any) -> int:
    """Enrol (:func:`_enroll`) under a name unique in the site, kept in this workstation's
    settings. The name is checked before anything changes, and registered once enrolled."""
    from csu_wall.storage import workstations
    from csu_wall.storage.paths import settings_path
    from csu_wall.storage.settings import load_settings, save_settings

    where = settings_path(paths.data_dir)
    settings = load_settings(where)
    name = workstations.check_name(args.name or settings.workstation_name)
    token = settings.workstation_token or workstations.new_token()
    workstations.check_available(db, name, token)
    code = _enroll(db, bool(args.new_site), paths)
    workstations.register(db, name, token, hostname=socket.gethostname())
    save_settings(where, settings.with_(workstation_name=name, workstation_token=token))
    print(f"Nom du poste : {name} (journal d'audit, prises de poste, état du mur).")
    return code


def _workstation(paths: Any) -> str:
    from csu_wall.storage.settings import workstation_of

    return workstation_of(paths.data_dir)


def _credentials(args: argparse.Namespace, db: Database, paths: Any) -> int:
    from csu_wall.core.security import Operator, Role
    from csu_wall.services.credentials_admin import CredentialAdmin
    from csu_wall.storage.site_repo import load_site

    site = load_site(db)
    if site is None:
        raise SecretStoreError("Aucun site appliqué : appliquez d'abord le fichier de site "
                               "(`csu-wall site apply`).")
    # The command line reaches the database directly: whoever runs it administers the site.
    admin_op = Operator(id=actor(), display_name=actor(), role=Role.ADMINISTRATOR)
    admin = CredentialAdmin(db, _audit_log(db), site, operator=admin_op,
                            workstation=_workstation(paths),
                            site_key=lambda: site_key.load_site_key(db))
    recorder_id = args.recorder
    if args.credentials_command == "delete":
        done = admin.delete(recorder_id)
        print(f"Identifiant de l'enregistreur {recorder_id} "
              + ("supprimé." if done else "absent : rien à supprimer."))
        return 0
    try:
        recorder = site.recorder(recorder_id)
    except KeyError:
        raise SecretStoreError(f"Enregistreur inconnu : « {recorder_id} ».") from None
    from csu_wall.services.communes import refuse_if_detached

    refuse_if_detached(db, recorder.commune_id, "aucun identifiant ne peut être saisi pour "
                       f"ses enregistreurs ({recorder_id})")
    if site_key.load_site_key(db) is None:
        raise SecretStoreError("Aucune clé de site : enrôlez d'abord ce poste avec "
                               "`csu-wall workstation enroll --new-site`.")
    user = args.user or recorder.username
    if not user:
        raise CsuWallError("Aucun nom d'utilisateur pour cet enregistreur : précisez --user.")
    password = read_secret(f"Mot de passe de {user} sur {recorder_id} : ")
    admin.set(recorder_id, user, password)
    print(f"Identifiant de l'enregistreur {recorder_id} enregistré (chiffré) pour {user}.")
    return 0


def _commune(args: argparse.Namespace, db: Database, paths: Any) -> int:
    from csu_wall.services.communes import CommuneService

    service = CommuneService(db, _audit_log(db), actor=actor(), workstation=_workstation(paths),
                             cache_dir=paths.cache_dir)
    if args.commune_command == "detach":
        commune, n_creds, n_files = service.detach(args.name)
        print(f"Commune {commune.name} détachée : {n_creds} identifiant(s) d'enregistreur et "
              f"{n_files} fichier(s) en cache supprimés ; son journal d'audit est conservé.")
        return 0
    commune = service.attach(args.name)
    print(f"Commune {commune.name} rattachée. Saisissez à nouveau les identifiants de ses "
          "enregistreurs (`csu-wall credentials set`).")
    return 0


def _audit(args: argparse.Namespace, db: Database, paths: Any) -> int:
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
        from csu_wall.storage.settings import workstation_of

        current = audit_verify.anchor(db, anchored_by=actor(),
                                      workstation=workstation_of(paths.data_dir),
                                      data_dir=paths.data_dir, key=log.key,
                                      site_id=log.site_id, first_signed=log.first_signed())
        print(f"Tête de chaîne ancrée : n° {current.seq}, {current.hash}")
        print(current.line())
        return 0
    if args.audit_command == "purge":
        from csu_wall.storage.audit_purge import RETENTION, purge
        from csu_wall.storage.settings import workstation_of

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


def _export(args: argparse.Namespace, db: Database, paths: Any) -> int:
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
