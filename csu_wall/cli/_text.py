"""Command-line texts in French and English; the locale picks one (STYLE 10).

argparse's own words ("usage:", "options", …) come from gettext's ``argparse`` domain, which
Python ships without a French catalogue, so the few that appear in ``--help`` are mapped here.
"""

from __future__ import annotations

import argparse
import os
from datetime import date

TEXTS: dict[str, dict[str, str]] = {
    "description": {
        "en": "csu-wall: video wall client for an intercommunal urban supervision centre (CSU).",
        "fr": "csu-wall : mur d'images du centre de supervision urbaine intercommunal (CSU).",
    },
    "demo": {
        "en": "open the embedded demo site (its own demo database, DÉMO banner)",
        "fr": "ouvrir le site de démonstration intégré (sa propre base, bandeau DÉMO)",
    },
    "data_dir": {
        "en": "keep all local state (database, settings, logs) in DIR "
        "(default: $CSU_WALL_DATA_DIR, else the user's data directory)",
        "fr": "garder tout l'état local (base, réglages, journaux) dans DIR "
        "(par défaut : $CSU_WALL_DATA_DIR, sinon le dossier de données de l'utilisateur)",
    },
    "database": {
        "en": "database URL (default: SQLite in the data directory)",
        "fr": "URL de la base de données (par défaut : SQLite dans le dossier de données)",
    },
    "screenshot": {
        "en": "save a PNG of the main window to PATH (with --quit-after)",
        "fr": "enregistrer une image PNG de la fenêtre principale dans PATH (avec --quit-after)",
    },
    "quit_after": {
        "en": "run the wall for SECONDS, then exit 0",
        "fr": "faire tourner le mur pendant SECONDS secondes, puis quitter (code 0)",
    },
    "lang": {"en": "interface language (fr or en)", "fr": "langue de l'interface (fr ou en)"},
    "support_bundle": {
        "en": "write a zip of logs and versions for IT support to PATH, then exit",
        "fr": "écrire dans PATH un zip des journaux et des versions pour le support, puis quitter",
    },
    "verbose": {"en": "verbose logging", "fr": "journalisation détaillée"},
    "version": {"en": "show the version and exit", "fr": "afficher la version et quitter"},
    "cmd_site": {
        "en": "validate or apply a site file",
        "fr": "valider ou appliquer un fichier de site",
    },
    "cmd_site_check": {
        "en": "validate a site file: exit 0 if valid, 1 with every problem listed",
        "fr": "valider un fichier de site : code 0 s'il est valide, 1 avec chaque problème",
    },
    "cmd_site_apply": {
        "en": "validate a site file and write it into the database",
        "fr": "valider un fichier de site et l'écrire dans la base de données",
    },
    "site_file": {"en": "site file (TOML)", "fr": "fichier de site (TOML)"},
    "applied_by": {
        "en": "name recorded as the one who applied the site (default: the system user)",
        "fr": "nom enregistré comme auteur de l'application (par défaut : l'utilisateur système)",
    },
    "cmd_db": {"en": "database maintenance", "fr": "maintenance de la base de données"},
    "cmd_db_upgrade": {
        "en": "upgrade the database schema to this version of csu-wall",
        "fr": "mettre le schéma de la base à niveau pour cette version de csu-wall",
    },
    "commands": {"en": "commands", "fr": "commandes"},
    "cmd_bench": {
        "en": "measure the media pipeline against the decode-only limit and a naive client",
        "fr": "mesurer la chaîne vidéo face à la limite de décodage et à un client naïf",
    },
}

_ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "options": "options",
    "positional arguments": "arguments positionnels",
    "show this help message and exit": "afficher cette aide et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (choisir parmi %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "expected one argument": "un argument attendu",
    "invalid %(type)s value: %(value)r": "valeur %(type)s invalide : %(value)r",
}


def detect_language(explicit: str | None = None) -> str:
    """'fr' or 'en': --lang first, then the POSIX locale variables in their order."""
    if explicit in ("fr", "en"):
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def text(key: str, lang: str) -> str:
    return TEXTS[key][lang]


def install_argparse_language(lang: str) -> None:
    """argparse looks its ``_`` up at call time; point it at our French words when needed."""
    if lang == "fr":
        argparse._ = lambda s: _ARGPARSE_FR.get(s, s)  # type: ignore[attr-defined]
    else:
        import gettext

        argparse._ = gettext.gettext  # type: ignore[attr-defined]


# Arguments that name a file or folder may hold bytes that are not UTF-8 (a POSIX file name
# is bytes; Python carries them as lone surrogates). Every other argument is text that goes
# into the database or a message, where such a character cannot be encoded.
_PATH_ARGUMENTS = frozenset({"data_dir"})


def non_utf8_argument(args: argparse.Namespace) -> str | None:
    """The first text argument that is not valid UTF-8, shown escaped; None when all are."""
    for name, value in sorted(vars(args).items()):
        if name in _PATH_ARGUMENTS or not isinstance(value, str):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            return f"{name} = « {shown} »"
    return None


def bounded_date(text: str) -> date:
    """argparse ``type`` for a calendar day AAAA-MM-JJ between 1970 and 2199: beyond, the
    value is a typing mistake, and the extremes of ``date`` overflow in date arithmetic."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date « {text} » invalide : écrivez AAAA-MM-JJ (ex. 2026-03-01)") from None
    if not 1970 <= day.year <= 2199:
        raise argparse.ArgumentTypeError(
            f"date « {text} » hors limites : l'année doit être comprise entre 1970 et 2199")
    return day


def pick(texts: dict[str, dict[str, str]], key: str, lang: str) -> str:
    """``texts[key]`` in ``lang``, English when that language is missing."""
    return texts[key].get(lang, texts[key]["en"])
