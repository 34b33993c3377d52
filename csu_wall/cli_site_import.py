"""``csu-wall site import --recorder ID [--site FILE]`` and ``csu-wall recorder trust ID``.

Import asks the recorder for its channels and appends the new ones to the site file (names,
masks and comments already there stay). Trust shows the SHA-256 fingerprint of the recorder's
certificate and writes it as the recorder's ``tls_pin`` only once the administrator confirmed
it. Both are audited (CHANNEL_IMPORT, CERT_TRUST) before the file changes; the file then has to
be applied (``csu-wall site apply``) like any edit.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from csu_wall.core.audit import AuditAction, AuditEntry
from csu_wall.core.errors import CsuWallError, SiteFileError
from csu_wall.core.model import Recorder

_TEXT = {
    "import": {"fr": "importer les caméras d'un enregistreur dans le fichier de site",
               "en": "import a recorder's channels into the site file"},
    "recorder_id": {"fr": "identifiant de l'enregistreur", "en": "recorder id"},
    "site": {"fr": "fichier de site (par défaut : le dernier appliqué)",
             "en": "site file (default: the last one applied)"},
    "recorder": {"fr": "enregistreurs", "en": "recorders"},
    "trust": {"fr": "approuver le certificat TLS d'un enregistreur (empreinte SHA-256)",
              "en": "trust a recorder's TLS certificate (SHA-256 fingerprint)"},
}
_YES = ("oui", "o", "yes", "y")


def _t(key: str, lang: str) -> str:
    return _TEXT[key].get(lang, _TEXT[key]["en"])


def add_parsers(commands: Any, site_cmds: Any, common: argparse.ArgumentParser,
                lang: str) -> None:
    """``site import`` under ``site``, and the ``recorder trust`` command."""
    imp = site_cmds.add_parser("import", help=_t("import", lang), parents=[common])
    imp.add_argument("--recorder", required=True, metavar="ID", help=_t("recorder_id", lang))
    imp.add_argument("--site", type=Path, metavar="FILE", help=_t("site", lang))
    rec = commands.add_parser("recorder", help=_t("recorder", lang), parents=[common])
    rec_cmds = rec.add_subparsers(dest="recorder_command", required=True)
    trust = rec_cmds.add_parser("trust", help=_t("trust", lang), parents=[common])
    trust.add_argument("recorder", metavar="ID", help=_t("recorder_id", lang))
    trust.add_argument("--site", type=Path, metavar="FILE", help=_t("site", lang))


def dispatch(args: argparse.Namespace, paths: Any) -> int | None:
    """Run the command if it is one of ours (exit code), else None."""
    command = getattr(args, "command", None)
    is_import = command == "site" and getattr(args, "site_command", None) == "import"
    if not is_import and command != "recorder":
        return None
    try:
        if is_import:
            return _import(args, paths)
        return _trust(args, paths)
    except SiteFileError as exc:
        for issue in exc.issues:
            print(issue.format(), file=sys.stderr)
        return 1
    except CsuWallError as exc:
        print(f"csu-wall: {exc}", file=sys.stderr)
        return 1


def _actor() -> str:
    return f"cli:{getpass.getuser()}"[:64]


def _site_path(args: argparse.Namespace, paths: Any) -> Path:
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


def _audit(paths: Any, action: AuditAction, recorder: Recorder, detail: str,
           extra: dict[str, str]) -> None:
    """Durable before the file changes; refused (SecretStoreError) on a workstation that is
    not enrolled in a keyed site, and then nothing is written."""
    from csu_wall.storage import site_key
    from csu_wall.storage.db import Database
    from csu_wall.storage.settings import workstation_of

    db = Database.open(paths.database_url, create=True)
    try:
        site_key.audit_log(db).append(AuditEntry(
            datetime.now(timezone.utc), workstation_of(paths.data_dir), _actor(), action,
            commune_id=recorder.commune_id, detail=detail, extra=extra))
    finally:
        db.close()


def _credentials(paths: Any) -> Any:
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


def _import(args: argparse.Namespace, paths: Any) -> int:
    from csu_wall.core.sitefile import load_site
    from csu_wall.recorders import import_channels as imp
    from csu_wall.recorders.registry import driver_for

    path = _site_path(args, paths)
    site, _ = load_site(path)
    try:
        recorder = site.recorder(args.recorder)
    except KeyError:
        raise CsuWallError(f"Enregistreur inconnu dans {path} : « {args.recorder} ».") from None
    driver = driver_for(recorder, clip_dir=paths.cache_dir / "demo-clips",
                        credentials=_credentials(paths))
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
    _audit(paths, AuditAction.CHANNEL_IMPORT, recorder,
           f"{len(plan.added)} caméra(s) importée(s) dans {path.name}",
           {"recorder": recorder.id, "added": ",".join(c.id for c in plan.added)})
    backup = imp.write_site_text(path, plan.text)
    print(f"{path} : {len(plan.added)} caméra(s) ajoutée(s) ; ancienne version : {backup}. "
          f"Vérifiez le fichier puis appliquez-le : csu-wall site apply {path}")
    return 0


def _trust(args: argparse.Namespace, paths: Any) -> int:
    from csu_wall.core.sitefile import load_site
    from csu_wall.recorders import import_channels as imp
    from csu_wall.recorders.http import fetch_certificate

    path = _site_path(args, paths)
    site, _ = load_site(path)
    try:
        recorder = site.recorder(args.recorder)
    except KeyError:
        raise CsuWallError(f"Enregistreur inconnu dans {path} : « {args.recorder} ».") from None
    der, pin = fetch_certificate(recorder.host.strip("[]"), recorder.http_port,
                                 recorder_id=recorder.id)
    print(f"Certificat de l'enregistreur {recorder.id} ({recorder.host}:{recorder.http_port}) :")
    print(_describe(der))
    print(f"  Empreinte SHA-256 : {pin}")
    if recorder.tls_pin == pin:
        print("Ce certificat est déjà approuvé : rien à faire.")
        return 0
    if recorder.tls_pin:
        print(f"  ATTENTION : l'empreinte approuvée jusqu'ici est {recorder.tls_pin}.")
    print("Comparez cette empreinte avec celle affichée par l'enregistreur lui-même (sur son "
          "écran ou par son installateur), jamais avec une empreinte reçue par courriel.")
    print("Approuver ce certificat ? Tapez « oui » pour confirmer : ", end="", flush=True)
    answer = sys.stdin.readline().strip().lower() if sys.stdin is not None else ""
    if answer not in _YES:
        print("\nNon approuvé : le fichier de site n'a pas été modifié.")
        return 1
    text = imp.set_pin_text(path.read_text(encoding="utf-8-sig"), str(path), recorder.id, pin)
    _audit(paths, AuditAction.CERT_TRUST, recorder,
           f"certificat de {recorder.id} approuvé", {"recorder": recorder.id, "sha256": pin})
    backup = imp.write_site_text(path, text)
    print(f"\n{path} : empreinte écrite pour {recorder.id} ; ancienne version : {backup}. "
          f"Appliquez le fichier : csu-wall site apply {path}")
    return 0


def _describe(der: bytes) -> str:
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return "  (certificat illisible)"
    return (f"  Sujet : {cert.subject.rfc4514_string()}\n"
            f"  Émetteur : {cert.issuer.rfc4514_string()}\n"
            f"  Valide du {cert.not_valid_before_utc:%d/%m/%Y} au "
            f"{cert.not_valid_after_utc:%d/%m/%Y}")
