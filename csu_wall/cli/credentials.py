"""``csu-wall credentials set|delete``: recorder credentials, encrypted in the database under
the site key (DESIGN §7). A password is never an argument: it is asked on a terminal (without
echo), or read from the first line of standard input otherwise."""

from __future__ import annotations

import argparse
from typing import Any

from csu_wall.cli._common import CliPaths, actor, read_secret, with_database
from csu_wall.cli._text import pick
from csu_wall.core.errors import CsuWallError
from csu_wall.storage import site_key
from csu_wall.storage.db import Database
from csu_wall.storage.keystore import SecretStoreError
from csu_wall.storage.settings import workstation_of

_TEXT: dict[str, dict[str, str]] = {
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
}


def add_parser(commands: Any, common_parent: argparse.ArgumentParser, lang: str) -> None:
    """Add ``credentials`` to the ``csu-wall`` subcommands."""
    common = [common_parent]
    cred = commands.add_parser("credentials", help=pick(_TEXT, "cred", lang), parents=common)
    cred.set_defaults(handler=handle)
    cred_cmds = cred.add_subparsers(dest="credentials_command", required=True)
    cset = cred_cmds.add_parser("set", help=pick(_TEXT, "cred_set", lang), parents=common)
    cset.add_argument("recorder", help=pick(_TEXT, "recorder", lang))
    cset.add_argument("--user", help=pick(_TEXT, "user", lang))
    cdel = cred_cmds.add_parser("delete", help=pick(_TEXT, "cred_delete", lang), parents=common)
    cdel.add_argument("recorder", help=pick(_TEXT, "recorder", lang))


def handle(args: argparse.Namespace, paths: CliPaths) -> int:
    return with_database(paths, lambda db: _credentials(args, db, paths))


def _credentials(args: argparse.Namespace, db: Database, paths: CliPaths) -> int:
    from csu_wall.core.security import Operator, Role
    from csu_wall.services.credentials_admin import CredentialAdmin
    from csu_wall.storage.site_repo import load_site

    site = load_site(db)
    if site is None:
        raise SecretStoreError("Aucun site appliqué : appliquez d'abord le fichier de site "
                               "(`csu-wall site apply`).")
    # The command line reaches the database directly: whoever runs it administers the site.
    admin_op = Operator(id=actor(), display_name=actor(), role=Role.ADMINISTRATOR)
    # site_key.audit_log refuses (SecretStoreError, French) a workstation not enrolled
    admin = CredentialAdmin(db, site_key.audit_log(db), site, operator=admin_op,
                            workstation=workstation_of(paths.data_dir),
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
