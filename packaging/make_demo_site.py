"""Generate the embedded demo site, resources/demo/site.toml (deterministic, seeded).

Ten communes of the Tourcoing CSU with their real INSEE codes, 500 cameras on ``demo``
recorders at 127.0.0.1, a few PTZ cameras (without masks: a PTZ camera needs camera-side masks)
and a few fixed cameras with privacy masks over the windows of homes.

    python packaging/make_demo_site.py            # (re)write the file
    python packaging/make_demo_site.py --check    # exit 1 when the committed file is stale
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csu_wall.core import sitefile  # noqa: E402
from csu_wall.core.model import (  # noqa: E402
    Camera,
    Commune,
    PrivacyMask,
    Recorder,
    Site,
    StreamProfile,
)

TARGET = ROOT / "resources" / "demo" / "site.toml"
SEED = 59599

# id, name, INSEE, camera id prefix, cameras, recorders
COMMUNES = (
    ("tourcoing", "Tourcoing", "59599", "tcg", 176, 2),
    ("roncq", "Roncq", "59508", "rcq", 32, 1),
    ("neuville-en-ferrain", "Neuville-en-Ferrain", "59426", "nef", 36, 1),
    ("mouvaux", "Mouvaux", "59421", "mvx", 44, 1),
    ("bousbecque", "Bousbecque", "59098", "bsq", 20, 1),
    ("wervicq", "Wervicq", "59656", "wvq", 24, 1),
    ("comines", "Comines", "59152", "cms", 48, 1),
    ("warneton", "Warneton", "59638", "wtn", 14, 1),
    ("linselles", "Linselles", "59352", "lns", 38, 1),
    ("halluin", "Halluin", "59279", "hln", 68, 2),
)

COMMON_PLACES = (
    "Place de la République", "Rue de Lille", "Gare", "Mairie", "Parking de la Mairie",
    "Rond-point de l'Europe", "Rue Jean Jaurès", "Rue Victor Hugo",
    "Avenue du Général de Gaulle", "Rue Pasteur", "Place du Marché", "Église Saint-Martin",
    "Salle des sports", "Stade municipal", "Médiathèque", "Cimetière", "Parc municipal",
    "Rue de la Gare", "Rue du Maréchal Foch", "Rue Gambetta", "Boulevard de la Liberté",
    "Collège", "École Jules Ferry", "Parking du Centre", "Rue Nationale", "Rue de la Paix",
    "Zone d'activités", "Rond-point des Anciens Combattants", "Rue Carnot", "Piscine",
    "Centre social", "Rue Roger Salengro", "Salle des fêtes", "Place de l'Église",
    "Services techniques", "Parking de la Gare",
)
OWN_PLACES = {
    "tourcoing": ("Grand-Place", "Place Roussel", "Rue de Tournai", "Boulevard Gambetta",
                  "Parc Clemenceau", "Rue Saint-Jacques", "Place de la Victoire",
                  "Métro Tourcoing Centre", "Quai du Halage", "Boulevard d'Armentières",
                  "Rue de Mouvaux", "Rue de Roncq", "Le Fresnoy", "Parc de l'Yser",
                  "Rond-point de la Marlière", "Quartier de la Bourgogne", "Rue du Brun Pain",
                  "Avenue Alfred Lefrançois", "Parking Saint-Christophe", "Rue de Gand"),
    "roncq": ("Centre commercial", "Rue du Dronckaert", "Rue de Tourcoing"),
    "neuville-en-ferrain": ("Rue de Tourcoing", "Place Jean Jaurès", "Rue de Roncq"),
    "mouvaux": ("Parc du Hautmont", "Rue de Roubaix", "Boulevard Carnot"),
    "bousbecque": ("Rue de Wervicq", "Place du Général de Gaulle"),
    "wervicq": ("Pont sur la Lys", "Rue de Comines"),
    "comines": ("Pont de la Lys", "Beffroi", "Rue de Wervicq", "Poste frontière"),
    "warneton": ("Rue de la Lys", "Poste frontière"),
    "linselles": ("Rue de Roncq", "Place de la Gare", "Rue de Bondues"),
    "halluin": ("Rue de Menin", "Poste frontière", "Rue de la Lys", "Place de l'Abbé Bonpain"),
}
SUFFIXES = ("", " Nord", " Sud", " Est", " Ouest", " entrée", " sortie", " 2", " 3", " 4")
MAIN = StreamProfile(width=1280, height=720, fps=25.0)
SUB = StreamProfile(width=640, height=360, fps=25.0)


def _purpose(place: str) -> str:
    if place.startswith("Parking"):
        return "parking"
    if place.startswith(("Collège", "École")):
        return "abords d'établissement scolaire"
    if place.startswith(("Mairie", "Médiathèque", "Salle", "Services", "Piscine", "Centre")):
        return "bâtiment public"
    if place.startswith(("Rond-point", "Boulevard", "Avenue", "Pont")):
        return "circulation"
    return "voie publique"


def _window(rng: random.Random) -> PrivacyMask:
    """A quadrilateral over the windows of a home facing the camera."""
    x, y = round(rng.uniform(0.05, 0.75), 3), round(rng.uniform(0.05, 0.45), 3)
    w, h = round(rng.uniform(0.06, 0.18), 3), round(rng.uniform(0.08, 0.22), 3)
    return PrivacyMask(((x, y), (round(x + w, 3), y), (round(x + w, 3), round(y + h, 3)),
                        (x, round(y + h, 3))))


def build_site() -> Site:
    rng = random.Random(SEED)
    communes, recorders, cameras = [], [], []
    for index, (cid, name, insee, prefix, count, n_recorders) in enumerate(COMMUNES, start=1):
        communes.append(Commune(cid, name, insee))
        rec_ids = [f"{prefix}-nvr{r}" for r in range(1, n_recorders + 1)]
        recorders += [Recorder(r, cid, "demo", "127.0.0.1", rtsp_port=8554, http_port=8080,
                               session_cap=64) for r in rec_ids]
        places = list(OWN_PLACES.get(cid, ())) + list(COMMON_PLACES)
        rng.shuffle(places)
        per_recorder = -(-count // n_recorders)
        used: dict[str, int] = {}
        for n in range(1, count + 1):
            place = places[(n - 1) % len(places)]
            seen = used.get(place, 0)
            used[place] = seen + 1
            ptz = rng.random() < 0.06
            masks: tuple[PrivacyMask, ...] = ()
            if not ptz and rng.random() < 0.05:
                masks = tuple(_window(rng) for _ in range(rng.choice((1, 1, 2))))
            rec = (n - 1) // per_recorder
            cameras.append(Camera(
                f"{prefix}-{n:03d}", place + SUFFIXES[seen], cid, rec_ids[rec],
                channel=(n - 1) % per_recorder + 1, location=place, ptz=ptz, main=MAIN, sub=SUB,
                masks=masks, purpose=_purpose(place), number=index * 1000 + n,
                # the demo pictures burn their title top-left and a counter bottom-left
                osd="bottom-right"))
    return Site.of("CSU intercommunal de Tourcoing (démonstration)", communes, recorders, cameras)


def render() -> str:
    doc = sitefile.__doc__ or ""
    fmt = doc[doc.index("Format::") + len("Format::"): doc.index("Every problem")]
    lines = [line[4:] if line.startswith("    ") else line for line in fmt.strip("\n").split("\n")]
    header = "\n".join(
        ["# csu-wall demo site - GENERATED by packaging/make_demo_site.py, do not edit by hand.",
         "# Every camera is fictitious and streams a test pattern from the local demo recorder.",
         "#", "# Site file format:", "#"]
        + [f"#   {line}".rstrip() for line in lines]
        + ["#", "# Line numbers and dotted fields (camera[3].masks[2]) in `csu-wall site check`",
           "# messages count from 1. A password is never allowed in this file.", ""])
    return sitefile.dump_site(build_site(), header)


def main(argv: list[str]) -> int:
    text = render()
    sitefile.parse_site_text(text, str(TARGET))  # raises SiteFileError: never write a bad file
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: run python packaging/make_demo_site.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
