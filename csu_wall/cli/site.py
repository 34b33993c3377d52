"""``csu-wall site check|apply|import``: the site file.

Check validates a file without touching the database; apply validates it then writes it into
the database (:mod:`csu_wall.services.site_apply`). Import asks a recorder for its channels and
appends the new ones to the site file (names, masks and comments already there stay), audited
(CHANNEL_IMPORT) before the file changes; the file then has to be applied like any edit.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from csu_wall.cli import _text as T
from csu_wall.cli._common import CliPaths, actor
from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import CsuWallError, SiteFileError
from csu_wall.core.model import Recorder

_TEXT = {
    "import": {"fr": "importer les caméras d'un enregistreur dans le fichier de site",
               "en": "import a recorder's channels into the site file"},
    "recorder_id": {"fr": "identifiant de l'enregistreur", "en": "recorder id"},
    "site": {"fr": "fichier de site (par défaut : le dernier appliqué)",
             "en": "site file (default: the last one applied)"},
}


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: str) -> None:
    """Add ``site`` (``check``, ``apply``, ``import``) to the ``csu-wall`` subcommands."""
    site = commands.add_parser("site", help=T.text("cmd_site", lang), parents=[common])
    site_cmds = site.add_subparsers(dest="site_command", required=True)
    check = site_cmds.add_parser("check", help=T.text("cmd_site_check", lang), parents=[common])
    check.add_argument("file", type=Path, help=T.text("site_file", lang))
    check.set_defaults(offline_handler=run_check)
    apply = site_cmds.add_parser("apply", help=T.text("cmd_site_apply", lang), parents=[common])
    apply.add_argument("file", type=Path, help=T.text("site_file", lang))
    apply.add_argument("--by", metavar="NAME", help=T.text("applied_by", lang))
    apply.set_defaults(handler=run_apply)
    imp = site_cmds.add_parser("import", help=T.pick(_TEXT, "import", lang), parents=[common])
    imp.add_argument("--recorder", required=True, metavar="ID",
                     help=T.pick(_TEXT, "recorder_id", lang))
    imp.add_argument("--site", type=Path, metavar="FILE", help=T.pick(_TEXT, "site", lang))
    imp.set_defaults(handler=run_import)


def run_check(args: argparse.Namespace) -> int:
    path: Path = args.file
    from csu_wall.core.sitefile import load_site

    try:
        site, warnings = load_site(path)
    except SiteFileError as exc:
        for issue in exc.issues:
            print(issue.format())
        errors = sum(1 for i in exc.issues if i.severity == "error")
        print(f"{path}: {errors} erreur(s) — fichier refusé.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{path}:0: fichier: illisible ({exc.strerror or exc})")
        return 1
    for issue in warnings:
        print(issue.format())
    unnumbered = [c for c in site.cameras if c.number is None]
    for camera in unnumbered[:20]:  # the file stays valid: say where numbers lack
        print(f"{path}:0: caméra « {camera.id} »: pas de numéro d'appel (number) : les "
              "opérateurs ne peuvent ni l'appeler au clavier ni la distinguer d'une homonyme "
              "d'une autre commune ; `csu-wall site import` en propose")
    if len(unnumbered) > 20:
        print(f"{path}:0: caméras: {len(unnumbered) - 20} autre(s) sans numéro d'appel")
    print(
        f"{path}: valide — {len(site.communes)} communes, {len(site.recorders)} enregistreurs, "
        f"{len(site.cameras)} caméras.",
        file=sys.stderr,
    )
    return 0


def run_apply(args: argparse.Namespace, paths: CliPaths) -> int:
    from csu_wall.services.site_apply import apply_site_file

    path: Path = args.file
    applied_by = args.by or getpass.getuser()
    errors = apply_site_file(paths.database_url, paths.data_dir, path, applied_by=applied_by)
    if errors:
        for line in errors:
            print(line)
        print(f"{path}: non appliqué — la base n'a pas été modifiée.", file=sys.stderr)
        return 1
    print(f"{path}: appliqué par {applied_by} le "
          f"{datetime.now(timezone.utc).astimezone().strftime('%d/%m/%Y %H:%M')}.")
    return 0


def run_import(args: argparse.Namespace, paths: CliPaths) -> int:
    return report_site_errors(lambda: _import(args, paths))


def report_site_errors(command: Callable[[], int]) -> int:
    """``command``'s exit code; a refused site file lists its problems, a refusal is printed
    in French, both exit 1."""
    try:
        return command()
    except SiteFileError as exc:
        for issue in exc.issues:
            print(issue.format(), file=sys.stderr)
        return 1
    except CsuWallError as exc:
        print(f"csu-wall: {exc}", file=sys.stderr)
        return 1


def site_path(args: argparse.Namespace, paths: CliPaths) -> Path:
    if args.site is not None:
        return Path(args.site)
    from csu_wall.storage.db import Database
    from csu_wall.storage.site_repo import last_application

    db = Database.open(paths.database_url, create=True)
    try:
        last = last_application(db)
    finally:
        db.close()
    if last is None:
        raise CsuWallError("Aucun fichier de site appliqué : précisez-le avec --site FICHIER.")
    return Path(last.file_name)


def audit_site_edit(paths: CliPaths, action: AuditAction, recorder: Recorder, detail: str,
           extra: dict[str, str]) -> None:
    """Durable before the file changes; refused (SecretStoreError) on a workstation that is
    not enrolled in a keyed site, and then nothing is written."""
    from csu_wall.storage import site_key
    from csu_wall.storage.db import Database
    from csu_wall.storage.settings import workstation_of

    db = Database.open(paths.database_url, create=True)
    try:
        site_key.audit_log(db).append(AuditEntry(
            datetime.now(timezone.utc), workstation_of(paths.data_dir), actor(), action,
            commune_id=recorder.commune_id, detail=detail, extra=extra))
    finally:
        db.close()


def recorder_credentials(paths: CliPaths) -> Any:
    """The recorder credential from the encrypted store, opened only if the device asks
    (the HTTP client calls this on a 401 only)."""

    def get(ref: str) -> tuple[str, str] | None:
        from csu_wall.services.vault import PREFIX
        from csu_wall.storage import site_key
        from csu_wall.storage.credentials import get_credential
        from csu_wall.storage.db import Database

        if not ref.startswith(PREFIX):
            return None
        db = Database.open(paths.database_url, create=True)
        try:
            key = site_key.load_site_key(db)
            cred = get_credential(db, key, ref[len(PREFIX):]) if key is not None else None
        finally:
            db.close()
        if cred is None:
            return None
        from csu_wall.media.redact import register_secret

        register_secret(cred.password)  # masked in every log line from here on
        return cred.user, cred.password

    return get


def site_recorder(args: argparse.Namespace, paths: CliPaths) -> tuple[Path, Recorder]:
    """The site file (``--site``, else the last applied) and its recorder ``args.recorder``."""
    from csu_wall.core.sitefile import load_site

    path = site_path(args, paths)
    site, _ = load_site(path)
    try:
        return path, site.recorder(args.recorder)
    except KeyError:
        raise CsuWallError(f"Enregistreur inconnu dans {path} : « {args.recorder} ».") from None


def _import(args: argparse.Namespace, paths: CliPaths) -> int:
    from csu_wall.recorders import import_channels as imp
    from csu_wall.recorders.registry import driver_for

    path, recorder = site_recorder(args, paths)
    driver = driver_for(recorder, clip_dir=paths.cache_dir / "demo-clips",
                        credentials=recorder_credentials(paths))
    channels = driver.list_cameras()
    plan = imp.plan_import(path.read_text(encoding="utf-8-sig"), str(path), recorder.id,
                           channels)
    for cam in plan.added:
        print(f"  + {cam.id} : canal {cam.channel}, « {cam.name} »")
    for cam_id in plan.kept:
        print(f"  = {cam_id} : déjà dans le fichier (nom et masques conservés)")
    for cam_id in plan.missing:
        print(f"  ? {cam_id} : absente de l'enregistreur (conservée, à vérifier)")
    if plan.skipped:
        print(f"  ! canaux ignorés (sans numéro) : {', '.join(plan.skipped)}")
    if not plan.added:
        print(f"{path} : aucune nouvelle caméra ({len(plan.kept)} déjà présentes).")
        return 0
    audit_site_edit(paths, AuditAction.CHANNEL_IMPORT, recorder,
           f"{len(plan.added)} caméra(s) importée(s) dans {path.name}",
           {"recorder": recorder.id, "added": ",".join(c.id for c in plan.added)})
    backup = imp.write_site_text(path, plan.text)
    print(f"{path} : {len(plan.added)} caméra(s) ajoutée(s) ; ancienne version : {backup}. "
          f"Vérifiez le fichier puis appliquez-le : csu-wall site apply {path}")
    return 0


