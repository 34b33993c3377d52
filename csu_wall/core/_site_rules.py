"""Rules of the site file: which keys each table holds, and checks of single values.

Each check returns ``None`` when the value is good, or a French sentence saying what is wrong
and what is expected. Checks never quote a value that could be a secret.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

KNOWN_DRIVERS = frozenset({"rtsp", "onvif", "hikvision", "dahua", "axis", "mjpeg", "snapshot",
                           "demo"})
SCHEMES = ("http", "https")
MASK_POLICIES = ("warn", "strict")

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_INSEE = re.compile(r"\d{5}|2[AB]\d{3}")
_TLS_PIN = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){31}")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# "scheme://user:pass@" (the colon may be percent-encoded) or a bare "user:pass@host".
_URL_CREDENTIALS = re.compile(
    r"://[^/\s@?#]*(?::|%3a)[^/\s@?#]*@|^[^/\s@:]+:[^/\s@]+@[^\s@]", re.IGNORECASE
)
_PASSWORD_KEYS = frozenset({
    "password", "passwd", "pass", "secret", "pwd", "mot_de_passe", "motdepasse", "mdp",
    "passphrase",
})

Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Field:
    """One key of a table: its TOML type, whether it must be there, and its own check."""

    kind: type | tuple[type, ...]
    required: bool = False
    check: Check | None = None
    example: str = ""


def is_password_key(key: str) -> bool:
    k = key.lower().replace("-", "_")
    return k in _PASSWORD_KEYS or "password" in k or "passwd" in k or "mot_de_passe" in k


def has_url_credentials(text: str) -> bool:
    return _URL_CREDENTIALS.search(text) is not None


def suggestion(word: str, choices: Iterable[str], what: str = "valeurs") -> str:
    """" : vouliez-vous dire « x » ?" for a near miss, else the list of what is allowed."""
    ordered = sorted(choices)
    close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    if close:
        return f" : vouliez-vous dire « {close[0]} » ?"
    return f" ; {what} possibles : " + ", ".join(ordered)


def describe(value: Any) -> str:
    """The TOML type of a value, in French, for "found ..." messages."""
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int):
        return "un entier"
    if isinstance(value, float):
        return "un nombre décimal"
    if isinstance(value, str):
        return "du texte"
    if isinstance(value, dict):
        return "une table"
    if isinstance(value, list):
        return "une liste"
    return "une date"


_EXPECTED = {
    str: "du texte entre guillemets",
    int: "un nombre entier",
    bool: "true ou false",
    dict: "une table { clé = valeur, … }",
    list: "une liste [ … ]",
}


def type_problem(value: Any, f: Field) -> str | None:
    kinds = f.kind if isinstance(f.kind, tuple) else (f.kind,)
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if ok:
        return None
    expected = "un nombre" if float in kinds else _EXPECTED.get(kinds[0], kinds[0].__name__)
    example = f" (ex. {f.example})" if f.example else ""
    return f"type incorrect : {expected} est attendu{example}, pas {describe(value)}"


def check_text(value: str) -> str | None:
    return None if value.strip() else "ne doit pas être vide"


def check_id(value: str) -> str | None:
    if _ID.fullmatch(value):
        return None
    return ("identifiant invalide : lettres, chiffres, « - », « _ » ou « . », sans espace ni "
            "accent, 64 caractères au plus (ex. tcg-001)")


def check_insee(value: str) -> str | None:
    if _INSEE.fullmatch(value):
        return None
    return "code INSEE invalide : 5 caractères, chiffres ou 2A/2B pour la Corse (ex. \"59599\")"


def check_driver(value: str) -> str | None:
    if value in KNOWN_DRIVERS:
        return None
    return f"pilote inconnu « {value} »" + suggestion(value, KNOWN_DRIVERS)


def check_port(value: int) -> str | None:
    if 1 <= value <= 65535:
        return None
    return "port invalide : un entier de 1 à 65535 est attendu (ex. 554)"


def check_positive(value: float) -> str | None:
    if value > 0 and math.isfinite(value):
        return None
    return "doit être strictement positif"


def check_at_least_one(value: int) -> str | None:
    return None if value >= 1 else "doit valoir au moins 1"


def check_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"fuseau horaire inconnu « {value} » : nom IANA attendu (ex. \"Europe/Paris\")"
    return None


def check_tls_pin(value: str) -> str | None:
    if _TLS_PIN.fullmatch(value):
        return None
    return ("empreinte invalide : SHA-256 du certificat attendue, 32 octets en hexadécimal "
            "séparés par « : » (ex. \"AB:CD:…:EF\")")


def check_scheme(value: str) -> str | None:
    if value in SCHEMES:
        return None
    return (f"protocole inconnu « {value} » : \"http\" ou \"https\" attendu (\"https\" pour "
            "un enregistreur dont le certificat est épinglé par tls_pin)")


def check_username(value: str) -> str | None:
    if not value.strip():
        return "ne doit pas être vide (retirez la clé s'il n'y a pas d'utilisateur)"
    if ":" in value or "@" in value:
        return "nom d'utilisateur seul attendu, sans « : » ni « @ » (jamais de mot de passe)"
    return None


def check_host(value: str) -> str | None:
    if not value.strip():
        return "ne doit pas être vide : nom d'hôte ou adresse IP attendu (ex. \"10.1.2.3\")"
    if any(c.isspace() for c in value):
        return "ne doit pas contenir d'espace : nom d'hôte ou adresse IP attendu"
    if "/" in value or "@" in value:
        return ("indiquez seulement le nom d'hôte ou l'adresse IP, sans « rtsp:// », chemin ni "
                "identifiants (ex. \"10.1.2.3\")")
    bare = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        ipaddress.ip_address(bare)
        return None
    except ValueError:
        pass
    if ":" in bare:
        return ("adresse invalide : une adresse IPv6 valide est attendue, et le port va dans "
                "rtsp_port ou http_port")
    labels = bare.removesuffix(".").split(".")
    if all(label.isdigit() for label in labels):
        return "adresse IPv4 invalide : quatre nombres de 0 à 255 attendus (ex. \"10.1.2.3\")"
    if len(bare) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return ("nom d'hôte invalide : lettres, chiffres et tirets, séparés par des points "
                "(ex. \"nvr1.mairie.fr\")")
    return None


# What the recorder drivers fill in a stream path (recorders._base.fill_template).
STREAM_PLACEHOLDERS = ("host", "port", "http_port", "rtsp_port", "channel")
STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")
_SAMPLE_HOST = "hote-de-l-enregistreur.invalid"
_SAMPLES = {"host": _SAMPLE_HOST, "port": 554, "http_port": 80, "rtsp_port": 554, "channel": 1}


def stream_path(value: str) -> tuple[str | None, str | None]:
    """Check a profile's ``path``: (problem or None, the literal host of a URL or None when
    it is the recorder's own, through ``{host}``, or a bare path)."""
    if has_url_credentials(value):
        return None, None  # reported as credentials, the more important problem
    if not value.strip():
        return ("vide : retirez la clé path pour le chemin par défaut du pilote, ou donnez un "
                "chemin (ex. \"/Streaming/channels/101\")"), None
    if any(c.isspace() or not c.isprintable() for c in value):
        return ("espace ou caractère invisible dans le chemin : encodez-le (%20) ou "
                "retirez-le"), None
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError:
        return ("accolade « { » ou « } » seule : les repères s'écrivent {channel}, {host}… "
                "et une accolade littérale se double"), None
    for name in fields:
        if name not in STREAM_PLACEHOLDERS:
            return (f"repère inconnu « {{{name}}} »" + suggestion(name, STREAM_PLACEHOLDERS,
                                                                   "repères")), None
    try:
        filled = value.format(**_SAMPLES)
    except (ValueError, TypeError, KeyError, IndexError):
        return "format de repère invalide (ex. {channel} ou {channel:02d})", None
    if "://" not in filled:
        if not filled.startswith("/"):
            return ("ni chemin ni URL : un chemin commence par « / » (ex. "
                    "\"/Streaming/channels/101\"), une URL par son protocole (ex. "
                    "\"rtsp://{host}:{port}/live\")"), None
        return None, None
    try:
        parts = urlsplit(filled)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        return "URL invalide : vérifiez l'hôte et le port (ex. \"rtsp://{host}:{port}/live\")", None
    if parts.scheme.lower() not in STREAM_SCHEMES:
        return (f"protocole « {parts.scheme} » non pris en charge : "
                + ", ".join(STREAM_SCHEMES)), None
    host = (parts.hostname or "").lower()
    if not host:
        return "URL sans hôte : écrivez {host} pour celui de l'enregistreur", None
    return None, (None if host == _SAMPLE_HOST else host)


def check_stream_path(value: str) -> str | None:
    return stream_path(value)[0]


# What the generic RTSP driver fills in a playback template (recorders._base.fill_playback):
# the stream placeholders, and the asked interval's ends as datetimes with a strftime format,
# in UTC (start, end) or on the recorder's wall clock (start_local, end_local).
PLAYBACK_TIMES = ("start", "end", "start_local", "end_local")
PLAYBACK_PLACEHOLDERS = STREAM_PLACEHOLDERS + PLAYBACK_TIMES


def check_playback_path(value: str) -> str | None:
    """A recorder's ``playback`` template: a path or an rtsp URL on ``{host}``, whose
    placeholders are known and whose times carry a format (``{start:%Y%m%dT%H%M%SZ}``)."""
    if has_url_credentials(value):
        return "identifiants dans l'adresse : ils se saisissent dans l'administration"
    if not value.strip() or any(c.isspace() or not c.isprintable() for c in value):
        return ("vide, ou espace ou caractère invisible : un chemin ou une URL attendu (ex. "
                "\"/playback/{channel}?start={start:%Y%m%dT%H%M%SZ}\")")
    try:
        fields = [(f, spec) for _, f, spec, _ in string.Formatter().parse(value)
                  if f is not None]
    except ValueError:
        return ("accolade « { » ou « } » seule : les repères s'écrivent {start:%Y%m%dT%H%M%SZ}, "
                "{channel}… et une accolade littérale se double")
    for name, spec in fields:
        if name not in PLAYBACK_PLACEHOLDERS:
            return (f"repère inconnu « {{{name}}} »"
                    + suggestion(name, PLAYBACK_PLACEHOLDERS, "repères"))
        if name in PLAYBACK_TIMES and "%" not in (spec or ""):
            return (f"« {{{name}}} » sans format d'heure : écrivez par exemple "
                    f"{{{name}:%Y%m%dT%H%M%SZ}}")
    if not any(name in ("start", "start_local") for name, _ in fields):
        return ("aucune heure de début : le modèle doit contenir {start:…} ou "
                "{start_local:…}")
    sample = datetime(2026, 10, 25, 0, 59, 30, tzinfo=timezone.utc)
    try:
        filled = value.format(**_SAMPLES, start=sample, end=sample, start_local=sample,
                              end_local=sample)
    except (ValueError, TypeError, KeyError, IndexError):
        return "format de repère invalide (ex. {start:%Y%m%dT%H%M%SZ} ou {channel:02d})"
    if "://" not in filled:
        return None if filled.startswith("/") else (
            "ni chemin ni URL : un chemin commence par « / », une URL par rtsp://{host}")
    parts = urlsplit(filled)
    if parts.scheme.lower() != "rtsp" or (parts.hostname or "").lower() != _SAMPLE_HOST:
        return ("une URL de relecture va à l'enregistreur lui-même : rtsp://{host}:{port}/… "
                "(ou un chemin commençant par « / »)")
    return None


def same_host(literal: str, recorder_host: str) -> bool:
    bare = recorder_host[1:-1] if recorder_host.startswith("[") else recorder_host
    return literal.lower().rstrip(".") == bare.lower().rstrip(".")


def check_transport(value: str) -> str | None:
    return None if value in ("tcp", "udp") else "transport inconnu : \"tcp\" ou \"udp\" attendu"


def check_mask_policy(value: str) -> str | None:
    if value in MASK_POLICIES:
        return None
    return f"politique inconnue « {value} »" + suggestion(value, frozenset(MASK_POLICIES))


_NUMBER = (int, float)
_IDF = Field(str, True, check_id, '"tcg-001"')
_PORT = Field(int, False, check_port, "554")

SITE = {
    "name": Field(str, True, check_text, '"CSU intercommunal de Tourcoing"'),
    "mask_policy": Field(str, False, check_mask_policy, '"warn"'),
}
COMMUNE = {
    "id": _IDF,
    "name": Field(str, True, check_text, '"Tourcoing"'),
    "insee": Field(str, True, check_insee, '"59599"'),
    "attached": Field(bool, False, None, "true"),
}
RECORDER = {
    "id": _IDF,
    "commune": Field(str, True, check_id, '"tourcoing"'),
    "driver": Field(str, True, check_driver, '"hikvision"'),
    "host": Field(str, True, check_host, '"10.1.2.3"'),
    "rtsp_port": _PORT,
    "http_port": _PORT,
    "timezone": Field(str, False, check_timezone, '"Europe/Paris"'),
    "scheme": Field(str, False, check_scheme, '"https"'),
    "playback": Field(str, False, check_playback_path,
                      '"/playback/{channel}?start={start:%Y%m%dT%H%M%SZ}"'),
    "tls_pin": Field(str, False, check_tls_pin, '"AB:CD:…"'),
    "session_cap": Field(int, False, check_at_least_one, "64"),
    "username": Field(str, False, check_username, '"viewer"'),
}
PROFILE = {
    "path": Field(str, False, check_stream_path, '"/Streaming/channels/101"'),
    # The reason why the stream comes from another host than the recorder's (it then gets
    # the recorder's credentials): an explicit exception, shown by every check and recorded
    # with the site application's file.
    "host_exception": Field(str, False, check_text, '"encodeur 10.1.2.9 du même site"'),
    "width": Field(int, False, check_positive, "1920"),
    "height": Field(int, False, check_positive, "1080"),
    "fps": Field(_NUMBER, False, check_positive, "25"),
    "transport": Field(str, False, check_transport, '"tcp"'),
}
def check_osd(value: str) -> str | None:
    from csu_wall.core.model import OSD_CORNERS

    if value in OSD_CORNERS:
        return None
    return (f"coin inconnu « {value} » : "
            + ", ".join(f'"{c}"' for c in OSD_CORNERS)
            + " attendu (le coin que la caméra laisse libre de son titre et de son horloge)")


CAMERA = {
    "id": _IDF,
    "name": Field(str, True, check_text, '"Grand-Place Nord"'),
    "commune": Field(str, True, check_id, '"tourcoing"'),
    "recorder": Field(str, True, check_id, '"tcg-nvr1"'),
    "channel": Field(int, False, check_at_least_one, "1"),
    "number": Field(int, False, check_at_least_one, "1001"),
    "osd": Field(str, False, check_osd, '"bottom-left"'),
    "location": Field(str, False, None, '"Grand-Place"'),
    "ptz": Field(bool, False, None, "false"),
    "purpose": Field(str, False, None, '"voie publique"'),
    "main": Field(dict, False, None, "{ width = 1920, height = 1080, fps = 25 }"),
    "sub": Field(dict, False, None, "{ width = 640, height = 360, fps = 25 }"),
    "masks": Field(list, False, None, "[ [[0.1, 0.1], [0.3, 0.1], [0.3, 0.4]] ]"),
}


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_meet(p1: tuple[float, float], p2: tuple[float, float],
                   q1: tuple[float, float], q2: tuple[float, float]) -> bool:
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4):
        return True

    def on(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> bool:
        return (min(a[0], b[0]) <= c[0] <= max(a[0], b[0])
                and min(a[1], b[1]) <= c[1] <= max(a[1], b[1]))

    return ((d1 == 0 and on(q1, q2, p1)) or (d2 == 0 and on(q1, q2, p2))
            or (d3 == 0 and on(p1, p2, q1)) or (d4 == 0 and on(p1, p2, q2)))


def polygon_problem(points: list[tuple[float, float]]) -> str | None:
    """A polygon that hides nothing (flat) or crosses itself hides the wrong area."""
    n = len(points)
    edges = [(points[i], points[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue  # neighbouring edges share a point
            if _segments_meet(*edges[i], *edges[j]):
                return ("le polygone se croise lui-même : donnez ses sommets dans l'ordre du "
                        "contour (sens horaire ou inverse)")
    area = sum(points[i][0] * points[(i + 1) % n][1] - points[(i + 1) % n][0] * points[i][1]
               for i in range(n)) / 2
    if abs(area) < 1e-9:
        return "masque de surface nulle (points alignés ou confondus) : il ne cache rien"
    return None
