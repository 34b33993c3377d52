"""A small site for the storage tests: masks, both profiles, a detached commune."""

from __future__ import annotations

from csu_wall.core.model import Camera, Commune, PrivacyMask, Recorder, Site, StreamProfile


def make_site(cameras_per_commune: int = 2) -> Site:
    """Two attached communes and one detached, masks and both stream profiles set."""
    communes = (
        Commune("tourcoing", "Tourcoing", "59599"),
        Commune("roncq", "Roncq", "59508"),
        Commune("halluin", "Halluin", "59279", attached=False),
    )
    recorders = (
        Recorder("tcg-nvr1", "tourcoing", "hikvision", "10.0.0.10", tls_pin="AA:BB",
                 session_cap=64, username="viewer"),
        Recorder("rcq-nvr1", "roncq", "rtsp", "10.0.1.10", rtsp_port=8554, http_port=8080),
        Recorder("hal-nvr1", "halluin", "dahua", "10.0.2.10", timezone="Europe/Brussels"),
    )
    cameras = []
    for rec in recorders:
        for n in range(1, cameras_per_commune + 1):
            cameras.append(Camera(
                id=f"{rec.id}-{n:03d}",
                name=f"Caméra {n} {rec.commune_id}",
                commune_id=rec.commune_id,
                recorder_id=rec.id,
                channel=n,
                location="Place de la République",
                ptz=n % 2 == 0,
                main=StreamProfile("/Streaming/Channels/101", 1920, 1080, 25.0),
                sub=StreamProfile("/Streaming/Channels/102", 640, 360, 12.5, "udp"),
                masks=(
                    PrivacyMask(((0.1, 0.1), (0.4, 0.1), (0.4, 0.35))),
                    PrivacyMask(((0.5, 0.5), (0.9, 0.5), (0.9, 0.95), (0.5, 0.95))),
                ) if n == 1 else (),
                purpose="voie publique",
                number=n if rec.id == "tcg-nvr1" else None,
            ))
    return Site("CSU Tourcoing", communes, recorders, tuple(cameras))
