"""Namespace-blind reading of the small XML documents recorders answer."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from csu_wall.core.errors import RecorderBadAnswer


def parse(body: bytes, recorder_id: str, what: str) -> ET.Element:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise RecorderBadAnswer(
            f"L'enregistreur {recorder_id} a renvoyé une réponse illisible pour {what}.") from exc
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def text(el: ET.Element, path: str, default: str = "") -> str:
    found = el.find(path)
    return (found.text or "").strip() if found is not None and found.text else default
