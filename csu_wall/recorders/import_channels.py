"""Channel import and certificate pins, written into the site file's *text*.

The site file is the administrators' document, comments included: new cameras are appended as
``[[camera]]`` blocks and a pin replaces (or is added after the ``id`` of) its recorder's
``tls_pin`` line; nothing else of the file changes, so names, masks and comments already
there stay as they are. The new text is parsed and checked before it replaces the file (the old
one is kept as ``<file>.bak``), and the replacement is atomic.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from csu_wall.core.atomic import atomic_write
from csu_wall.core.errors import RecorderBadAnswer, SiteFileError, SiteIssue
from csu_wall.core.model import Camera, Recorder, Site
from csu_wall.core.ports import Channel, RecorderDriver
from csu_wall.core.sitefile import parse_site_text

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z_]+)\s*\]\]?\s*(#.*)?$")
_ID_LINE = re.compile(r"^\s*id\s*=\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*')\s*(#.*)?$")
_PIN_LINE = re.compile(r"^\s*tls_pin\s*=")


def _toml_string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in out)
    return f'"{out}"'


@dataclass(frozen=True)
class ImportPlan:
    """What an import changes: cameras added, cameras kept (by id), and cameras of the file
    the recorder no longer lists (kept too: removing a camera is an administrator's choice)."""

    text: str
    added: tuple[Camera, ...] = ()
    kept: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    skipped: tuple[str, ...] = field(default=())  # channels without a numeric id


def _new_id(recorder: Recorder, channel: int, taken: set[str]) -> str:
    base = f"{recorder.id}-c{channel:02d}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _camera_block(cam: Camera, chan: Channel) -> list[str]:
    lines = ["[[camera]]", f"id = {_toml_string(cam.id)}", f"name = {_toml_string(cam.name)}",
             f"commune = {_toml_string(cam.commune_id)}",
             f"recorder = {_toml_string(cam.recorder_id)}", f"channel = {cam.channel}"]
    if cam.number is not None:  # proposed: the next free call-up number of the site
        lines.append(f"number = {cam.number}")
    for kind, size in (("main", chan.main), ("sub", chan.sub)):
        if size and size[0] > 0 and size[1] > 0:
            lines.append(f"{kind} = {{ width = {size[0]}, height = {size[1]} }}")
    return lines


def plan_import(text: str, filename: str, recorder_id: str,
                channels: list[Channel]) -> ImportPlan:
    """The site file text with the recorder's channels merged in (see the module doc)."""
    site, _warnings = parse_site_text(text, filename)
    recorder = _recorder(site, recorder_id, filename)
    mine = {c.channel: c for c in site.cameras if c.recorder_id == recorder.id}
    taken = {c.id for c in site.cameras}
    numbers = {c.number for c in site.cameras if c.number is not None}
    next_number = max(numbers, default=1000) + 1
    added: list[Camera] = []
    blocks: list[str] = []
    kept: list[str] = []
    skipped: list[str] = []
    listed: set[int] = set()
    for chan in channels:
        if not chan.channel.isdigit() or int(chan.channel) < 1:
            skipped.append(chan.channel)
            continue
        number = int(chan.channel)
        listed.add(number)
        if number in mine:
            kept.append(mine[number].id)  # its name, masks and profiles stay as written
            continue
        cam = Camera(_new_id(recorder, number, taken), chan.name.strip() or f"Canal {number}",
                     recorder.commune_id, recorder.id, channel=number, number=next_number)
        next_number += 1
        taken.add(cam.id)
        added.append(cam)
        blocks += ["", *_camera_block(cam, chan)]
    missing = tuple(c.id for n, c in sorted(mine.items()) if n not in listed)
    new_text = text
    if blocks:
        stamp = f"# Caméras importées de l'enregistreur {recorder.id} (csu-wall site import)"
        new_text = text.rstrip("\n") + "\n\n" + stamp + "\n" + "\n".join(blocks[1:]) + "\n"
        parse_site_text(new_text, filename)  # refuses to write a file that would not load
    return ImportPlan(new_text, tuple(added), tuple(kept), missing, tuple(skipped))


def import_channels(path: Path, recorder_id: str,
                    driver_of: Callable[[Recorder], RecorderDriver]) -> ImportPlan:
    """Ask the recorder for its channels and write them into the site file at ``path``."""
    text = _read(path)
    site, _ = parse_site_text(text, str(path))
    driver = driver_of(_recorder(site, recorder_id, str(path)))
    channels = driver.list_cameras()
    if not channels:
        raise RecorderBadAnswer(
            f"L'enregistreur {recorder_id} n'a déclaré aucun canal : rien n'a été importé.")
    plan = plan_import(text, str(path), recorder_id, channels)
    if plan.added:
        write_site_text(path, plan.text)
    return plan


def set_pin_text(text: str, filename: str, recorder_id: str, pin: str) -> str:
    """The site file text with the recorder's ``tls_pin`` set to ``pin``."""
    site, _ = parse_site_text(text, filename)
    _recorder(site, recorder_id, filename)
    lines = text.split("\n")
    block: str | None = None
    id_at: int | None = None
    pin_at: int | None = None
    for i, line in enumerate(lines):
        header = _HEADER.match(line)
        if header:
            if id_at is not None:
                break  # the recorder's block is over
            block, pin_at = header.group(1), None
            continue
        if block != "recorder":
            continue
        if _PIN_LINE.match(line):
            pin_at = i
        m = _ID_LINE.match(line)
        if m and parse_site_value(m.group(1)) == recorder_id:
            id_at = i
    if id_at is None:
        raise SiteFileError([SiteIssue(filename, 1, "recorder", (
            f"bloc de l'enregistreur « {recorder_id} » introuvable (écrit sur une seule ligne ?) "
            ": ajoutez tls_pin à la main"))])
    pin_line = f"tls_pin = {_toml_string(pin)}"
    if pin_at is not None:
        lines[pin_at] = pin_line
    else:
        lines.insert(id_at + 1, pin_line)
    new_text = "\n".join(lines)
    new_site, _ = parse_site_text(new_text, filename)
    if new_site.recorder(recorder_id).tls_pin != pin.upper():
        raise SiteFileError([SiteIssue(filename, id_at + 1, "tls_pin",
                                       "empreinte non écrite : ajoutez-la à la main")])
    return new_text


def parse_site_value(literal: str) -> str:
    return str(tomllib.loads(f"v = {literal}")["v"])


def write_site_text(path: Path, text: str) -> Path:
    """Replace the site file atomically; the previous version stays as ``<file>.bak``."""
    backup = path.with_name(path.name + ".bak")
    old = path.read_bytes()
    backup.write_bytes(old)
    atomic_write(path, text.encode("utf-8"), mode=None)
    return backup


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SiteFileError([SiteIssue(str(path), 1, "fichier",
                                       f"lecture impossible : {exc.strerror or exc}")]) from None
    except UnicodeDecodeError:
        raise SiteFileError([SiteIssue(str(path), 1, "fichier", "caractère non UTF-8 : "
                                       "enregistrez le fichier en UTF-8")]) from None


def _recorder(site: Site, recorder_id: str, filename: str) -> Recorder:
    try:
        return site.recorder(recorder_id)
    except KeyError:
        known = ", ".join(r.id for r in site.recorders) or "aucun"
        raise SiteFileError([SiteIssue(filename, 1, "recorder", (
            f"enregistreur inconnu « {recorder_id} » ; enregistreurs du fichier : {known}"))]
        ) from None
