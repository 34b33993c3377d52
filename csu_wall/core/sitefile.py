"""The site file: communes, recorders and cameras of a CSU, written in TOML.

The file is an *input* (DESIGN §6): ``csu-wall site check`` validates it, ``site apply`` writes
it into the database. Format::

    [site]
    name = "CSU intercommunal de Tourcoing"   # required
    mask_policy = "warn"      # optional: "warn" (default) or "strict" = a PTZ camera with
                              # csu-wall masks is an error instead of a warning

    [[commune]]               # one block per commune
    id = "tourcoing"          # required, unique: letters, digits, - _ .
    name = "Tourcoing"        # required
    insee = "59599"           # required, in quotes: 5 digits, or 2A/2B + 3 digits
    attached = true           # optional (default true); false = withdrawn from the convention

    [[recorder]]              # one block per recorder (NVR)
    id = "tcg-nvr1"           # required, unique
    commune = "tourcoing"     # required: a commune id
    driver = "hikvision"      # required: rtsp onvif hikvision dahua axis mjpeg snapshot demo
    host = "10.1.2.3"         # required: host name or IP address, nothing else
    rtsp_port = 554           # optional (554), 1..65535
    http_port = 80            # optional (80), 1..65535
    timezone = "Europe/Paris" # optional (Europe/Paris), IANA name
    scheme = "https"          # optional ("http"): "http" or "https" for the HTTP API
    tls_pin = "AB:CD:…"       # optional: SHA-256 of the certificate, 32 hex pairs with ':'
                              # (a pinned recorder is always spoken to over HTTPS)
    session_cap = 64          # optional (32), at least 1
    username = "viewer"       # optional; a PASSWORD IS NEVER ALLOWED in this file
    playback = "/playback/{channel}?start={start:%Y%m%dT%H%M%SZ}"
                              # optional, driver "rtsp": the URL of recorded video; times
                              # {start:…} {end:…} in UTC, {start_local:…} {end_local:…} on the
                              # recorder's clock, with a strftime format

    [[camera]]                # one block per camera
    id = "tcg-001"            # required, unique
    name = "Grand-Place Nord" # required
    commune = "tourcoing"     # required: a commune id
    recorder = "tcg-nvr1"     # required: a recorder of the same commune
    channel = 1               # optional (1), the recorder's channel
    number = 1001             # optional keyboard call-up number, unique
    osd = "bottom-left"       # optional ("bottom-left"): the corner where the wall puts its
                              # plates, one free of the camera's own title and clock:
                              # "bottom-left" "bottom-right" "top-left" "top-right"
    location = "Grand-Place"  # optional
    ptz = false               # optional (false)
    purpose = "voie publique" # optional
    main = { path = "…", width = 1920, height = 1080, fps = 25 }  # optional, every key too
    sub = { width = 640, height = 360, fps = 25, transport = "tcp" }
    masks = [                 # optional privacy masks: polygons of at least 3 points [x, y],
      [[0.1, 0.1], [0.3, 0.1], [0.3, 0.4]],   # normalised 0..1 from the top-left corner
    ]

Every problem is reported at once, each with its line (of the key, or of the block header for
a missing key) and a field named ``camera[3].masks[2]`` (ranks count from 1, in file order).
Any key named like a password (password, pass, pwd, secret, mot_de_passe…) and any
``user:pass@`` inside a string is an error: recorder credentials live in the encrypted store.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.resources
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from csu_wall.core._site_check import Checked, SiteChecker
from csu_wall.core._site_rules import KNOWN_DRIVERS
from csu_wall.core._toml_positions import toml_positions
from csu_wall.core.errors import SiteFileError, SiteIssue
from csu_wall.core.model import (
    Camera,
    Commune,
    PrivacyMask,
    Recorder,
    Site,
    StreamProfile,
)

__all__ = ["KNOWN_DRIVERS", "MAX_DEPTH", "MAX_FILE_BYTES", "dump_site", "load_demo_site",
           "load_site", "parse_site_text", "site_file_hash"]

# A real site (500 cameras) is about 150 kB; 5 MB leaves room for 15,000 cameras and bounds
# what a mistaken or hostile file costs to check (time and memory are linear in its size).
MAX_FILE_BYTES = 5 * 1024 * 1024
# Tables and lists nest 4 levels in a site file (camera > masks > polygon > point); deeper is
# a mistake. The limit also keeps the recursive walks below Python's recursion limit.
MAX_DEPTH = 64

_OS_REASONS = {errno.ENOENT: "fichier introuvable", errno.EACCES: "accès refusé",
               errno.EISDIR: "c'est un dossier, pas un fichier", errno.EPERM: "accès refusé",
               errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
               errno.ENAMETOOLONG: "nom de fichier trop long"}

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")
# tomllib's messages, by prefix, in the operators' language.
_SYNTAX_FR = (
    ("Invalid value", "valeur invalide (texte sans guillemets ?)"),
    ("Invalid statement", "ligne incompréhensible : « clé = valeur » ou « [bloc] » attendu"),
    ("Expected '=' after a key", "« = » attendu après le nom de la clé"),
    ("Cannot overwrite a value", "clé déjà définie plus haut dans ce bloc"),
    ("Cannot declare", "bloc déclaré deux fois"),
    ("Unclosed array", "liste non fermée : « ] » manquant"),
    ("Unclosed inline table", "table non fermée : « } » manquant (elle tient sur une ligne)"),
    ("Unterminated string", "texte non terminé : guillemet fermant manquant"),
    ("Expected newline or end of document", "fin de ligne attendue après la valeur"),
    ("Invalid initial character for a key", "nom de clé invalide"),
    ("Duplicate inline table key", "clé en double dans la table"),
    ("Unescaped '\\' in a string", "« \\ » à doubler (\\\\) ou texte à mettre entre apostrophes"),
    ("Expected ']' at the end of a table", "« ] » attendu à la fin de l'en-tête du bloc"),
    ("Expected ']]' at the end of an array", "« ]] » attendu à la fin de l'en-tête du bloc"),
    ("Invalid date or datetime", "date invalide"),
    ("Illegal character '\\n'", "texte non terminé : guillemet fermant manquant"),
    ("Illegal character", "caractère interdit dans un texte"),
    ("Found invalid character", "caractère inattendu"),
)


def _syntax_issue(exc: tomllib.TOMLDecodeError, text: str, filename: str) -> SiteIssue:
    message = str(exc)
    m = _AT.search(message)
    line = int(m.group(1)) if m and m.group(1) else text.count("\n") + 1
    english = message[: m.start()] if m else message
    french = next((fr for en, fr in _SYNTAX_FR if english.startswith(en)), english)
    column = f" (colonne {m.group(2)})" if m and m.group(2) else ""
    return SiteIssue(filename, line, "syntaxe", f"syntaxe TOML invalide : {french}{column}")


def parse_site_text(text: str, filename: str) -> tuple[Site, list[SiteIssue]]:
    """Parse and validate a site file's text; raise SiteFileError listing every issue.

    Returns the site and its warnings. The exception's ``issues`` hold the errors and the
    warnings, sorted by line.
    """
    if len(text) > MAX_FILE_BYTES:
        raise SiteFileError([_too_big(filename, len(text.encode("utf-8", "replace")))])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SiteFileError([_syntax_issue(exc, text, filename)]) from None
    except RecursionError:  # tomllib recurses once per nested list or inline table
        raise SiteFileError([_too_deep(filename, text)]) from None
    if _depth(data) > MAX_DEPTH:
        raise SiteFileError([_too_deep(filename, text)])
    try:
        positions = toml_positions(text)
    except (IndexError, KeyError, ValueError):
        # The scanner assumes what tomllib accepted; should it ever disagree, report the
        # issues at line 1 rather than fail the check.
        positions = {}
    checker = SiteChecker(data, positions, filename)
    checked = checker.run()
    if any(i.severity == "error" for i in checker.issues):
        raise SiteFileError(checker.issues)
    return _build(checked), checker.issues


def load_site(path: Path) -> tuple[Site, list[SiteIssue]]:
    """Read, parse and validate a site file (see the module docstring for its format)."""
    name = str(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or type(exc).__name__)
        raise SiteFileError([SiteIssue(name, 1, "fichier", f"lecture impossible : {reason}")]
                            ) from None
    except ValueError:  # a NUL character in the name: no such file can exist
        raise SiteFileError([SiteIssue(name, 1, "fichier", "nom de fichier invalide")]
                            ) from None
    if len(data) > MAX_FILE_BYTES:
        try:
            size = max(path.stat().st_size, len(data))
        except OSError:
            size = len(data)
        raise SiteFileError([_too_big(name, size)])
    try:
        text = data.decode("utf-8-sig")  # Windows editors may add a BOM
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SiteFileError([SiteIssue(name, line, "fichier", "caractère non UTF-8 : "
                                       "enregistrez le fichier en UTF-8")]) from None
    return parse_site_text(text, name)


def _too_big(filename: str, size: int) -> SiteIssue:
    return SiteIssue(filename, 1, "fichier", f"fichier trop volumineux ({size / 1e6:.1f} Mo) : "
                     f"un fichier de site fait au plus {MAX_FILE_BYTES // (1024 * 1024)} Mo")


def _too_deep(filename: str, text: str) -> SiteIssue:
    return SiteIssue(filename, 1, "syntaxe", f"listes ou tables imbriquées sur plus de "
                     f"{MAX_DEPTH} niveaux : un fichier de site n'en a besoin que de 4")


def _depth(data: Any) -> int:
    """How deep lists and tables nest, walked without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        if isinstance(value, dict):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, level + 1) for v in value)
    return deepest


def site_file_hash(data: bytes) -> str:
    """SHA-256 of the file's bytes, recorded by ``site apply``."""
    return hashlib.sha256(data).hexdigest()


def load_demo_site() -> Site:
    """The embedded demo site (ten communes, about 500 cameras on ``demo`` recorders)."""
    resource = importlib.resources.files("csu_wall.resources") / "demo" / "site.toml"
    site, _warnings = parse_site_text(resource.read_text(encoding="utf-8"), "demo/site.toml")
    return site


def _build(c: Checked) -> Site:
    communes = [Commune(d["id"], d["name"], d["insee"], d.get("attached", True))
                for d in c.communes]
    recorders = []
    for d in c.recorders:
        extra: dict[str, Any] = {k: d[k] for k in ("rtsp_port", "http_port", "timezone",
                                                   "session_cap", "username", "scheme")
                                 if k in d}
        pin = d.get("tls_pin")
        if "playback" in d:
            extra["playback_path"] = d["playback"]
        recorders.append(Recorder(d["id"], d["commune"], d["driver"], d["host"],
                                  tls_pin=pin.upper() if pin else None, **extra))
    cameras = []
    for d in c.cameras:
        extra = {k: d[k] for k in ("channel", "location", "ptz", "purpose", "number", "osd")
                 if k in d}
        cameras.append(Camera(
            d["id"], d["name"], d["commune"], d["recorder"],
            main=_profile(d.get("main")), sub=_profile(d.get("sub")),
            masks=tuple(PrivacyMask(p) for p in d.get("masks", ())), **extra))
    return Site.of(c.site["name"], communes, recorders, cameras)


def _profile(d: dict[str, Any] | None) -> StreamProfile:
    if not d:
        return StreamProfile()
    fps = d.get("fps")
    return StreamProfile(d.get("path", ""), d.get("width", 0), d.get("height", 0),
                         float(fps) if fps is not None else 0.0, d.get("transport", "tcp"))


def _s(text: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes).
    return json.dumps(text, ensure_ascii=False)


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _profile_toml(p: StreamProfile) -> str:
    parts = [f"path = {_s(p.path)}"] if p.path else []
    parts += [f"{k} = {_n(v)}" for k, v in (("width", p.width), ("height", p.height),
                                             ("fps", p.fps)) if v]
    if p.transport != "tcp":
        parts.append(f"transport = {_s(p.transport)}")
    return "{ " + ", ".join(parts) + " }"


def dump_site(site: Site, header: str = "") -> str:
    """Write ``site`` as a site file that parses back to an equal ``Site``."""
    out = [header] if header else []
    out += ["[site]", f"name = {_s(site.name)}", ""]
    for c in site.communes:
        out += ["[[commune]]", f"id = {_s(c.id)}", f"name = {_s(c.name)}",
                f"insee = {_s(c.insee)}", f"attached = {str(c.attached).lower()}", ""]
    for r in site.recorders:
        out += ["[[recorder]]", f"id = {_s(r.id)}", f"commune = {_s(r.commune_id)}",
                f"driver = {_s(r.driver)}", f"host = {_s(r.host)}",
                f"rtsp_port = {r.rtsp_port}", f"http_port = {r.http_port}",
                f"timezone = {_s(r.timezone)}", f"session_cap = {r.session_cap}"]
        out += [f"scheme = {_s(r.scheme)}"] if r.scheme != "http" else []
        out += [f"tls_pin = {_s(r.tls_pin)}"] if r.tls_pin else []
        out += [f"username = {_s(r.username)}"] if r.username else []
        out += [f"playback = {_s(r.playback_path)}"] if r.playback_path else []
        out.append("")
    for cam in site.cameras:
        out += ["[[camera]]", f"id = {_s(cam.id)}", f"name = {_s(cam.name)}",
                f"commune = {_s(cam.commune_id)}", f"recorder = {_s(cam.recorder_id)}",
                f"channel = {cam.channel}"]
        out += [f"number = {cam.number}"] if cam.number is not None else []
        out += [f"location = {_s(cam.location)}"] if cam.location else []
        out += [f"purpose = {_s(cam.purpose)}"] if cam.purpose else []
        out += [f"osd = {_s(cam.osd)}"] if cam.osd != "bottom-left" else []
        out.append(f"ptz = {str(cam.ptz).lower()}")
        for kind, p in (("main", cam.main), ("sub", cam.sub)):
            if p != StreamProfile():
                out.append(f"{kind} = {_profile_toml(p)}")
        if cam.masks:
            out.append("masks = [")
            out += ["  [" + ", ".join(f"[{x!r}, {y!r}]"
                                      for x, y in m.points) + "],"
                    for m in cam.masks]
            out.append("]")
        out.append("")
    return "\n".join(out)
