"""The proof of an evidence export, checkable without csu-wall (DESIGN §7).

One folder per requisition: the video files, ``proces-verbal.html`` and ``.pdf`` (the French
*procès-verbal d'extraction*), ``cle-publique.pem`` (the site's Ed25519 public key),
``manifest.json`` (everything the PV says, and the SHA-256 of every other file),
``manifest.json.sig`` (a detached Ed25519 signature of the manifest's bytes) and ``SHA256SUMS``
(``sha256sum -c`` format, every file but itself). Checked by anyone with::

    sha256sum -c SHA256SUMS
    openssl pkeyutl -verify -pubin -inkey cle-publique.pem -rawin \\
        -in manifest.json -sigfile manifest.json.sig

and by ``csu-wall export verify DIR`` (:func:`verify_folder`). The key's fingerprint (SHA-256 of
its DER form) is printed in the PV and kept in the register, so a court can ask the CSU for it
rather than trust the copy in the folder.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from csu_wall.services._pdf import PdfDocument

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
SUMS = "SHA256SUMS"
PUBLIC_KEY = "cle-publique.pem"
PV_HTML = "proces-verbal.html"
PV_PDF = "proces-verbal.pdf"
FORMAT = "csu-wall-extraction v1"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fingerprint_of_pem(pem: str) -> str:
    key = serialization.load_pem_public_key(pem.encode())
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def write_sync(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def write_sums(folder: Path, names: Iterable[str]) -> None:
    lines = [f"{sha256_file(folder / n)}  {n}\n" for n in sorted(names)]
    write_sync(folder / SUMS, "".join(lines).encode())


def write_zip(folder: Path, target: Path, arc_root: str) -> None:
    """A ZIP of the folder's files under ``arc_root/`` (videos stored, not recompressed),
    written beside and renamed into place once complete."""
    part = target.with_name(target.name + ".partiel")
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_STORED) as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, f"{arc_root}/{p.name}")
    with open(part, "rb") as f:
        os.fsync(f.fileno())
    os.replace(part, target)


def thumbnail(video: Path, target: Path, width: int = 320) -> None:
    """A JPEG of the video's first image (PyAV's MJPEG encoder), for the PV."""
    with av.open(str(video)) as container:
        frame = next(container.decode(video=0))
    height = max(2, round(frame.height * width / frame.width / 2) * 2)
    small = frame.reformat(width=width, height=height, format="yuvj420p")
    small.pts = 0
    enc = av.CodecContext.create("mjpeg", "w")
    enc.width, enc.height, enc.pix_fmt = width, height, "yuvj420p"
    enc.time_base = Fraction(1, 25)
    data = b"".join(bytes(p) for p in enc.encode(small))
    data += b"".join(bytes(p) for p in enc.encode(None))
    write_sync(target, data)


# -- the procès-verbal -------------------------------------------------------------------------


def _rows(m: dict[str, Any]) -> list[tuple[str, str]]:
    r = m["requisition"]
    req = m["requested"]
    return [
        ("Référence de l'extraction", m["reference"]),
        ("Commune", f"{m['commune']['name']} ({m['commune']['id']}, INSEE "
                    f"{m['commune'].get('insee', '')})"),
        ("N° de procédure / PV", r["procedure"]),
        ("Officier de police judiciaire", f"{r['opj_rank']} {r['opj_name']}, {r['opj_service']}"),
        ("Date de la réquisition", r["date"]),
        ("Base légale", r["legal_basis"]),
        ("Note", r.get("note", "") or "—"),
        ("Réquisition scannée", (f"{m['requisition_scan']['file']} (original : "
                                 f"{m['requisition_scan']['original_name']}), SHA-256 "
                                 f"{m['requisition_scan']['sha256']}")
         if m.get("requisition_scan") else "non jointe"),
        ("Période demandée (heure de Paris)",
         f"du {req['start_paris']} au {req['end_paris']}"),
        ("Période demandée (UTC)", f"du {req['start_utc']} au {req['end_utc']}"),
        ("Opérateur", f"{m['operator']['name']} ({m['operator']['id']})"),
        ("Poste", m["workstation"]),
        ("Version de csu-wall", m["csu_wall_version"]),
        ("Extraction faite le (UTC)", m["created_utc"]),
        ("Clé de signature (Ed25519), empreinte SHA-256", m["signing_key"]["fingerprint"]),
    ]


def _camera_rows(m: dict[str, Any]) -> list[list[str]]:
    out = []
    for c in m["cameras"]:
        d = c["delivered"]
        gaps = "; ".join(f"{g['from_paris']} → {g['to_paris']}" for g in c["gaps"]) or "aucune"
        offset = ("inconnu" if c["clock_offset_s"] is None
                  else f"{c['clock_offset_s']:+.1f} s")
        out.append([f"{c['name']} ({c['id']})", c["recorder"]["id"],
                    f"{d['first_paris']} → {d['last_paris']}", str(c["images"]), gaps, offset,
                    f"{c['file']} — {c.get('treatment', 'copie du flux, sans réencodage')}",
                    c["sha256"]])
    return out


CAMERA_COLUMNS = ["Caméra", "Enregistreur", "Période livrée (Paris)", "Images", "Lacunes",
                  "Décalage d'horloge", "Fichier", "SHA-256"]
TEXT_COPY = ("Copie sans réencodage (copie du flux) : chaque fichier commence à l'image clé "
             "précédant le début demandé ; la période livrée est celle des images du fichier, "
             "à l'heure de l'enregistreur (son décalage d'horloge mesuré est indiqué). Les "
             "caméras à masques de confidentialité sont réencodées, les masques incrustés dans "
             "chaque image (« réencodé avec masques, version … » : la version des masques "
             "appliqués).")


def pv_html(m: dict[str, Any]) -> str:
    esc = html.escape
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in _rows(m))
    head = "".join(f"<th>{esc(c)}</th>" for c in CAMERA_COLUMNS)
    cams = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>"
                   for row in _camera_rows(m))
    thumbs = "".join(
        f'<figure><img src="{esc(c["thumbnail"])}" alt="première image de {esc(c["name"])}">'
        f"<figcaption>{esc(c['name'])} : première image du fichier "
        f"({esc(c['delivered']['first_paris'])})</figcaption></figure>"
        for c in m["cameras"] if c.get("thumbnail"))
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Procès-verbal d'extraction {esc(m['reference'])}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin:1em 0}}
th,td{{border:1px solid #888;padding:4px 8px;text-align:left;vertical-align:top}}
td{{word-break:break-all}}</style></head><body>
<h1>Procès-verbal d'extraction d'images de vidéoprotection</h1>
<table>{rows}</table>
<h2>Enregistrements extraits</h2>
<p>{esc(TEXT_COPY)}</p>
<table><tr>{head}</tr>{cams}</table>
{thumbs}
<h2>Vérification</h2>
<p>Le fichier <code>manifest.json</code> décrit l'extraction et donne l'empreinte SHA-256 de
chaque fichier ; il est signé (<code>manifest.json.sig</code>, Ed25519) par la clé du site dont
l'empreinte figure ci-dessus — à confirmer auprès du CSU. Vérification sans csu-wall :</p>
<pre>sha256sum -c SHA256SUMS
openssl pkeyutl -verify -pubin -inkey cle-publique.pem -rawin \\
    -in manifest.json -sigfile manifest.json.sig</pre>
</body></html>
"""


def pv_pdf(m: dict[str, Any], folder: Path | None = None) -> bytes:
    """The PV as PDF; with ``folder``, the first image of each file (its thumbnail there)."""
    doc = PdfDocument(f"Procès-verbal d'extraction {m['reference']}")
    doc.heading("Procès-verbal d'extraction d'images de vidéoprotection")
    doc.table(["Rubrique", "Valeur"], [0.3, 0.7], [[k, v] for k, v in _rows(m)])
    doc.heading("Enregistrements extraits", 12)
    doc.paragraph(TEXT_COPY)
    doc.table(CAMERA_COLUMNS, [0.12, 0.08, 0.17, 0.05, 0.12, 0.07, 0.09, 0.30],
              _camera_rows(m), size=6.5)
    thumbs = [((folder / c["thumbnail"]).read_bytes(),
               f"Première image : {c['name']} ({c['thumbnail']})")
              for c in m["cameras"]
              if folder is not None and c.get("thumbnail") and (folder / c["thumbnail"]).is_file()]
    if thumbs:
        doc.keep(12 * 3 + 160 * 9 / 16 + 30)  # the heading stays with the first row
        doc.heading("Premières images", 12)
        doc.images(thumbs)
    doc.heading("Vérification", 12)
    doc.paragraph("sha256sum -c SHA256SUMS ; openssl pkeyutl -verify -pubin -inkey "
                  "cle-publique.pem -rawin -in manifest.json -sigfile manifest.json.sig")
    return doc.to_bytes()


# -- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str  # French: the first mismatch, or what was checked
    fingerprint: str | None = None


def verify_folder(folder: Path, expected_fingerprint: str | None = None) -> Verdict:
    """Every hash (SHA256SUMS and the manifest's), then the signature; stops at the first
    mismatch."""
    if not folder.is_dir():
        return Verdict(False, f"Dossier introuvable : {folder}")
    for name in (SUMS, MANIFEST, SIGNATURE, PUBLIC_KEY):
        if not (folder / name).is_file():
            return Verdict(False, f"Fichier manquant : {name} (dossier incomplet).")
    listed: dict[str, str] = {}
    for n, line in enumerate((folder / SUMS).read_text("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or "/" in name or name in ("", ".", ".."):
            return Verdict(False, f"{SUMS}, ligne {n} : ligne illisible.")
        listed[name] = digest.lower()
    present = {p.name for p in folder.iterdir()}
    for name in sorted(present - set(listed) - {SUMS}):
        return Verdict(False, f"Fichier non répertorié dans {SUMS} : {name}")
    for name, digest in listed.items():
        path = folder / name
        if not path.is_file():
            return Verdict(False, f"Fichier manquant : {name}")
        found = sha256_file(path)
        if found != digest:
            return Verdict(False, f"Empreinte différente pour {name} : attendue {digest}, "
                                  f"trouvée {found}.")
    raw = (folder / MANIFEST).read_bytes()
    try:
        manifest = json.loads(raw)
        files = dict(manifest["files"])
    except (ValueError, KeyError, TypeError):
        return Verdict(False, f"{MANIFEST} illisible.")
    for name, digest in files.items():
        if name not in listed or listed[name] != digest:
            return Verdict(False, f"Le manifeste ne correspond pas au fichier {name}.")
    pem = (folder / PUBLIC_KEY).read_text("ascii", "replace")
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        return Verdict(False, f"{PUBLIC_KEY} illisible.")
    if not isinstance(key, Ed25519PublicKey):
        return Verdict(False, f"{PUBLIC_KEY} n'est pas une clé Ed25519.")
    fp = fingerprint_of_pem(pem)
    if manifest.get("signing_key", {}).get("fingerprint") != fp:
        return Verdict(False, "La clé publique du dossier n'est pas celle que nomme le "
                              "manifeste.", fp)
    try:
        key.verify((folder / SIGNATURE).read_bytes(), raw)
    except InvalidSignature:
        return Verdict(False, "Signature du manifeste invalide : le manifeste a été modifié "
                              "ou n'a pas été signé par cette clé.", fp)
    if expected_fingerprint is not None and expected_fingerprint.lower() != fp:
        return Verdict(False, f"La clé du dossier ({fp}) n'est pas la clé attendue "
                              f"({expected_fingerprint.lower()}).", fp)
    return Verdict(True, f"Extraction intègre : {len(listed)} fichiers vérifiés, signature "
                         f"valide (clé {fp}).", fp)
