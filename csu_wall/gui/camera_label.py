"""How a camera is named to the operator everywhere (tile plates, the camera tree, search):
its call-up number first — the same names ("Gare", "Place du Marché") exist in several
communes — then its name and its commune."""

from __future__ import annotations

from csu_wall.core.model import Camera


def camera_label(camera: Camera, commune_name: str = "") -> str:
    """``"1017 · Gare — Tourcoing"`` (without the number when the site gives none)."""
    text = f"{camera.number} · {camera.name}" if camera.number is not None else camera.name
    return f"{text} — {commune_name}" if commune_name else text
