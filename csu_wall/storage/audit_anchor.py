"""Anchors of the audit chain kept outside the database (DESIGN §7, "Threat model").

An anchor is the chain head at one moment — its sequence and hash — with the site it belongs
to, the sequence of the first record signed under the site key, and an HMAC of all four under
the audit key (empty on a log not signed yet). Anchors travel in every handover report and
every ``audit export`` (one text line, :meth:`Anchor.line`), and each workstation keeps the
last ones it saw in its data directory (:class:`AnchorFile`, mode 0600). ``audit verify``
checks the database still holds every anchor it is given: a log cut short or rolled back to
an older copy no longer holds the later heads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csu_wall.core.atomic import atomic_write

log = logging.getLogger(__name__)

ANCHORS_FILE = "audit-anchors.json"
KEEP = 32  # anchors kept per site, besides the highest one
# Fields apart by any white space: a line wrapped by a PDF reader or an e-mail still reads.
_LINE = re.compile(
    r"csu-wall-ancre\s+v1\s+site=(?P<site>[0-9a-f]+|-)\s+premier-signé=(?P<first>\d+)\s+"
    r"n°=(?P<seq>\d+)\s+empreinte=(?P<hash>[0-9a-f]{64})\s+signature=(?P<sig>[0-9a-f]{64}|-)")


@dataclass(frozen=True)
class Anchor:
    seq: int  # id of the head record (0: empty log)
    hash: str
    site_id: str = ""  # "" before the site has a key
    first_signed: int = 0  # first record signed under the site key; 0 when none (yet)
    sig: str = ""  # HMAC-SHA256 under the audit key; "" when made without it

    def _payload(self) -> bytes:
        return (f"csu-wall-ancre|{self.site_id}|{self.first_signed}|{self.seq}|"
                f"{self.hash}").encode("ascii")

    def signed(self, key: bytes | None) -> Anchor:
        if key is None:
            return self
        sig = hmac.new(key, self._payload(), hashlib.sha256).hexdigest()
        return Anchor(self.seq, self.hash, self.site_id, self.first_signed, sig)

    def signature_ok(self, key: bytes) -> bool:
        return bool(self.sig) and hmac.compare_digest(self.signed(key).sig, self.sig)

    def line(self) -> str:
        """One text line, found again by :func:`parse_anchors` in any report or export."""
        return (f"csu-wall-ancre v1 site={self.site_id or '-'} premier-signé={self.first_signed}"
                f" n°={self.seq} empreinte={self.hash} signature={self.sig or '-'}")

    def to_doc(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "site": self.site_id,
                "first_signed": self.first_signed, "sig": self.sig}

    @staticmethod
    def from_doc(doc: dict[str, Any]) -> Anchor:
        return Anchor(int(doc["seq"]), str(doc["hash"]), str(doc.get("site", "")),
                      int(doc.get("first_signed", 0)), str(doc.get("sig", "")))


def parse_anchors(text: str) -> list[Anchor]:
    """Every anchor line in ``text`` (a report, an export, a note typed by hand)."""
    out = []
    for m in _LINE.finditer(text):
        site = "" if m["site"] == "-" else m["site"]
        sig = "" if m["sig"] == "-" else m["sig"]
        out.append(Anchor(int(m["seq"]), m["hash"], site, int(m["first"]), sig))
    return out


class AnchorFile:
    """The anchors this workstation saw, per site, in a private JSON file of its data
    directory. Written atomically (temporary file, then rename), mode 0600."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def in_dir(cls, data_dir: Path) -> AnchorFile:
        return cls(Path(data_dir) / ANCHORS_FILE)

    def _load(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"sites": {}}
        except (OSError, ValueError) as exc:
            log.warning("audit anchors file unreadable (%s): starting a new one",
                        type(exc).__name__)
            return {"sites": {}}
        if not isinstance(doc, dict) or not isinstance(doc.get("sites"), dict):
            return {"sites": {}}
        return doc

    def sites(self) -> dict[str, int]:
        """Sites this workstation saw a signed anchor of, with their first signed sequence."""
        return {site: int(v.get("first_signed", 0))
                for site, v in self._load()["sites"].items() if site}

    def anchors(self, site_id: str | None = None) -> list[Anchor]:
        out = []
        for site, v in self._load()["sites"].items():
            if site_id is None or site == site_id:
                out += [Anchor.from_doc(a) for a in v.get("anchors", [])]
        return out

    def remember(self, anchor: Anchor) -> None:
        """Add ``anchor``; keeps the last :data:`KEEP` of its site and always the highest."""
        doc = self._load()
        site = doc["sites"].setdefault(anchor.site_id, {"first_signed": 0, "anchors": []})
        if anchor.first_signed and not site.get("first_signed"):
            site["first_signed"] = anchor.first_signed
        kept = [Anchor.from_doc(a) for a in site.get("anchors", [])]
        if anchor in kept:
            return
        kept.append(anchor)
        highest = max(kept, key=lambda a: a.seq)
        recent = kept[-KEEP:]
        if highest not in recent:
            recent.insert(0, highest)
        site["anchors"] = [a.to_doc() for a in recent]
        self._write(doc)

    def _write(self, doc: dict[str, Any]) -> None:
        atomic_write(self.path, json.dumps(doc, indent=1, sort_keys=True).encode("utf-8"))


def head_anchor(head: tuple[int, str], key: bytes | None, site_id: str,
                first_signed: int | None) -> Anchor:
    """The anchor of ``head`` (id, hash), signed when ``key`` is given."""
    return Anchor(head[0], head[1], site_id, first_signed or 0).signed(key)
