"""``csu-wall recorder trust ID``: approve a recorder's TLS certificate.

Trust shows the SHA-256 fingerprint of the recorder's certificate and writes it as the
recorder's ``tls_pin`` in the site file only once the administrator confirmed it, audited
(CERT_TRUST) before the file changes; the file then has to be applied (``csu-wall site
apply``) like any edit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from csu_wall.cli._common import CliPaths
from csu_wall.cli._text import pick
from csu_wall.cli.site import audit_site_edit, report_site_errors, site_recorder
from csu_wall.core.audit import AuditAction

_TEXT = {
    "recorder_id": {"fr": "identifiant de l'enregistreur", "en": "recorder id"},
    "site": {"fr": "fichier de site (par défaut : le dernier appliqué)",
             "en": "site file (default: the last one applied)"},
    "recorder": {"fr": "enregistreurs", "en": "recorders"},
    "trust": {"fr": "approuver le certificat TLS d'un enregistreur (empreinte SHA-256)",
              "en": "trust a recorder's TLS certificate (SHA-256 fingerprint)"},
}
_YES = ("oui", "o", "yes", "y")


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: str) -> None:
    """Add ``recorder trust`` to the ``csu-wall`` subcommands."""
    rec = commands.add_parser("recorder", help=pick(_TEXT, "recorder", lang), parents=[common])
    rec_cmds = rec.add_subparsers(dest="recorder_command", required=True)
    trust = rec_cmds.add_parser("trust", help=pick(_TEXT, "trust", lang), parents=[common])
    trust.add_argument("recorder", metavar="ID", help=pick(_TEXT, "recorder_id", lang))
    trust.add_argument("--site", type=Path, metavar="FILE", help=pick(_TEXT, "site", lang))
    trust.set_defaults(handler=run_trust)


def run_trust(args: argparse.Namespace, paths: CliPaths) -> int:
    return report_site_errors(lambda: _trust(args, paths))


def _trust(args: argparse.Namespace, paths: CliPaths) -> int:
    from csu_wall.recorders import import_channels as imp
    from csu_wall.recorders.http import fetch_certificate

    path, recorder = site_recorder(args, paths)
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
    audit_site_edit(paths, AuditAction.CERT_TRUST, recorder,
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
