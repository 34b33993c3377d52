"""Validation of a parsed site file: every problem, each with its line and field.

Works on what ``tomllib`` returned plus the positions of ``_toml_positions``. Records that pass
their own checks are kept ("cleaned") for the cross-reference checks and for building the
``Site``; the caller builds it only when no error was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from csu_wall.core import _site_rules as rules
from csu_wall.core._toml_positions import TomlPath, line_of
from csu_wall.core.errors import SiteIssue

Record = dict[str, Any]
_TOP = {"site": "[site]", "commune": "[[commune]]", "recorder": "[[recorder]]",
        "camera": "[[camera]]"}


def field_name(path: TomlPath) -> str:
    """``("camera", 2, "masks", 0)`` -> ``camera[3].masks[1]``: ranks count from 1."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass
class Checked:
    """What survived the checks (only meaningful when no error was found)."""

    site: Record = field(default_factory=dict)
    communes: list[Record] = field(default_factory=list)
    recorders: list[Record] = field(default_factory=list)
    cameras: list[Record] = field(default_factory=list)


class SiteChecker:
    def __init__(self, data: dict[str, Any], positions: dict[TomlPath, int],
                 filename: str) -> None:
        self.data = data
        self.pos = positions
        self.file = filename
        self.issues: list[SiteIssue] = []

    def _issue(self, path: TomlPath, message: str, severity: str = "error") -> None:
        self.issues.append(SiteIssue(self.file, line_of(self.pos, path), field_name(path),
                                     message, severity))

    def error(self, path: TomlPath, message: str) -> None:
        self._issue(path, message)

    def warn(self, path: TomlPath, message: str) -> None:
        self._issue(path, message, "warning")

    def run(self) -> Checked:
        self._scan_secrets(self.data, ())
        for key in self.data:
            if key not in _TOP and not rules.is_password_key(key):
                self.error((key,), f"bloc inconnu « {key} »"
                           + rules.suggestion(key, _TOP, "blocs"))
        out = Checked()
        site = self.data.get("site")
        if site is None:
            self.error(("site",), "bloc [site] manquant : ajoutez en tête [site] puis "
                                  "name = \"…\" (le nom du centre)")
        elif not isinstance(site, dict):
            self.error(("site",), "site doit être un bloc [site], pas une valeur")
        else:
            out.site = self._table(("site",), site, rules.SITE)
        out.communes = self._tables("commune", rules.COMMUNE)
        out.recorders = self._tables("recorder", rules.RECORDER)
        out.cameras = self._tables("camera", rules.CAMERA)
        for i, cam in enumerate(out.cameras):
            raw = self.data["camera"][i]
            for kind in ("main", "sub"):
                if kind in cam:
                    cam[kind] = self._table(("camera", i, kind), raw[kind], rules.PROFILE)
            if "masks" in cam:
                cam["masks"] = self._masks(("camera", i, "masks"), raw["masks"])
        self._cross_check(out)
        if not self.data.get("camera") and isinstance(self.data.get("camera", []), list):
            self.warn(("camera",), "aucune caméra déclarée : ajoutez des blocs [[camera]]")
        self.issues.sort(key=lambda i: i.line)  # stable: same-line issues keep their order
        return out

    def _scan_secrets(self, value: Any, path: TomlPath) -> None:
        """A password has no place in a file: reject any key named like one, at any depth."""
        if isinstance(value, dict):
            for key, sub in value.items():
                if rules.is_password_key(key):
                    self.error(path + (key,), "mot de passe interdit dans le fichier de site : "
                               "supprimez cette clé ; les identifiants des enregistreurs se "
                               "saisissent dans csu-wall, qui les chiffre")
                else:
                    self._scan_secrets(sub, path + (key,))
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                self._scan_secrets(sub, path + (i,))
        elif isinstance(value, str) and rules.has_url_credentials(value):
            self.error(path, "identifiants dans une adresse (« utilisateur:mot de passe@ ») : "
                       "retirez-les ; le nom d'utilisateur va dans username de l'enregistreur, "
                       "le mot de passe se saisit dans csu-wall")

    def _tables(self, name: str, schema: dict[str, rules.Field]) -> list[Record]:
        raw = self.data.get(name, [])
        if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
            self.error((name,), f"déclarez chaque {name} dans son propre bloc {_TOP[name]} "
                                "(doubles crochets)")
            return []
        return [self._table((name, i), t, schema) for i, t in enumerate(raw)]

    def _table(self, path: TomlPath, raw: dict[str, Any],
               schema: dict[str, rules.Field]) -> Record:
        out: Record = {}
        for key, value in raw.items():
            if rules.is_password_key(key):
                continue  # reported by _scan_secrets
            spec = schema.get(key)
            if spec is None:
                self.error(path + (key,), f"clé inconnue « {key} »"
                           + rules.suggestion(key, schema, "clés"))
                continue
            problem = rules.type_problem(value, spec)
            if problem is None and spec.check is not None:
                problem = spec.check(value)
            if problem:
                self.error(path + (key,), problem)
            else:
                out[key] = value
        for key, spec in schema.items():
            if spec.required and key not in raw:
                self.error(path + (key,), f"clé obligatoire « {key} » manquante "
                                          f"(ex. {key} = {spec.example})")
        return out

    def _masks(self, path: TomlPath, masks: list[Any]) -> list[tuple[tuple[float, float], ...]]:
        polygons = []
        for m, poly in enumerate(masks):
            mp = path + (m,)
            if not isinstance(poly, list):
                self.error(mp, "un masque est une liste d'au moins 3 points [x, y] "
                               "(ex. [[0.1, 0.1], [0.3, 0.1], [0.3, 0.4]])")
                continue
            if len(poly) < 3:
                self.error(mp, f"masque de {len(poly)} point(s) : il en faut au moins 3 pour "
                               "entourer une surface")
                continue
            points = [self._point(mp + (p,), pt) for p, pt in enumerate(poly)]
            good = [pt for pt in points if pt is not None]
            if len(good) < len(points):
                continue
            problem = rules.polygon_problem(good)
            if problem:
                self.error(mp, problem)
            else:
                polygons.append(tuple(good))
        return polygons

    def _point(self, path: TomlPath, pt: Any) -> tuple[float, float] | None:
        if not isinstance(pt, list) or len(pt) != 2:
            self.error(path, "point invalide : une paire [x, y] est attendue (ex. [0.25, 0.5])")
            return None
        if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in pt):
            self.error(path, "coordonnées non numériques : deux nombres de 0 à 1 sont attendus "
                             "(ex. [0.25, 0.5])")
            return None
        if not all(0 <= c <= 1 for c in pt):
            self.error(path, "coordonnées hors de l'image : x et y sont des fractions de la "
                             "largeur et de la hauteur, de 0 à 1")
            return None
        return (float(pt[0]), float(pt[1]))

    def _unique(self, name: str, records: list[Record], key: str, what: str) -> dict[Any, int]:
        """Index records by ``key``; a value seen twice is an error on the second one."""
        seen: dict[Any, int] = {}
        for i, rec in enumerate(records):
            value = rec.get(key)
            if value is None:
                continue
            if value in seen:
                first = line_of(self.pos, (name, seen[value], key))
                self.error((name, i, key), f"{what} « {value} » déjà utilisé ligne {first} : "
                                           "chaque valeur doit être unique")
            else:
                seen[value] = i
        return seen

    def _cross_check(self, out: Checked) -> None:
        communes = self._unique("commune", out.communes, "id", "identifiant de commune")
        recorders = self._unique("recorder", out.recorders, "id", "identifiant d'enregistreur")
        self._unique("camera", out.cameras, "id", "identifiant de caméra")
        self._unique("camera", out.cameras, "number", "numéro d'appel")
        for i, rec in enumerate(out.recorders):
            self._known_commune(("recorder", i, "commune"), rec, communes)
            if rec.get("scheme") == "http" and rec.get("tls_pin"):
                self.error(("recorder", i, "scheme"),
                           "un certificat est épinglé (tls_pin) mais scheme vaut \"http\" : "
                           "mettez scheme = \"https\", ou retirez tls_pin si l'enregistreur "
                           "n'a pas de HTTPS")
        policy = out.site.get("mask_policy", "warn")
        channels: dict[tuple[str, int], int] = {}
        for i, cam in enumerate(out.cameras):
            self._known_commune(("camera", i, "commune"), cam, communes)
            rid = cam.get("recorder")
            if rid is not None and rid not in recorders:
                self.error(("camera", i, "recorder"), f"enregistreur inconnu « {rid} »"
                           + rules.suggestion(rid, recorders, "enregistreurs"))
            elif rid is not None:
                owner = out.recorders[recorders[rid]].get("commune")
                cid = cam.get("commune")
                if owner in communes and cid in communes and owner != cid:
                    self.error(("camera", i, "recorder"),
                               f"l'enregistreur « {rid} » appartient à la commune « {owner} », "
                               f"pas à « {cid} » : une caméra passe par un "
                               "enregistreur de sa propre commune")
                key = (rid, cam.get("channel", 1))
                if key in channels:
                    first = line_of(self.pos, ("camera", channels[key]))
                    self.warn(("camera", i, "channel"), f"canal {key[1]} de « {rid} » déjà "
                              f"pris par la caméra ligne {first} : vérifiez le numéro de canal")
                else:
                    channels[key] = i
                if owner is not None:
                    self._stream_hosts(i, cam, out.recorders[recorders[rid]])
            if cam.get("ptz") and cam.get("masks"):
                message = ("caméra mobile (PTZ) : un masque de csu-wall suit l'image, pas la "
                           "scène ; ses masques doivent être programmés dans la caméra")
                if policy == "strict":
                    self.error(("camera", i, "masks"), message)
                else:
                    self.warn(("camera", i, "masks"), message)

    def _stream_hosts(self, i: int, cam: Record, recorder: Record) -> None:
        """A stream URL names the recorder's host (or ``{host}``): the recorder's credentials
        are sent to whatever host it names. Another host needs ``host_exception``."""
        rhost = recorder.get("host")
        if rhost is None:
            return
        for kind in ("main", "sub"):
            profile = cam.get(kind)
            if not isinstance(profile, dict) or "path" not in profile:
                continue
            _, host = rules.stream_path(profile["path"])
            reason = profile.get("host_exception")
            path = ("camera", i, kind, "path")
            if host is None or rules.same_host(host, rhost):
                if reason is not None:
                    self.warn(("camera", i, kind, "host_exception"),
                              "exception inutile : le flux vient de l'hôte de l'enregistreur")
            elif reason is None:
                self.error(path, f"hôte « {host} » différent de celui de l'enregistreur "
                                 f"« {rhost} », qui lui enverrait ses identifiants : écrivez "
                                 "{host}, ou justifiez l'exception par host_exception = "
                                 "\"raison\" dans ce profil")
            else:
                self.warn(path, f"exception : flux pris sur « {host} » et non sur l'hôte de "
                                f"l'enregistreur « {rhost} », qui lui enverra ses identifiants "
                                f"(raison : {reason})")

    def _known_commune(self, path: TomlPath, rec: Record, communes: dict[Any, int]) -> None:
        cid = rec.get("commune")
        if cid is not None and cid not in communes:
            self.error(path, f"commune inconnue « {cid} »"
                       + rules.suggestion(cid, communes, "communes")
                       + " (déclarez-la dans un bloc [[commune]])")
