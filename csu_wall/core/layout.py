"""Wall layouts, tours and screen assignments: the values supervisors build and operators use.

A :class:`Grid` is a rows×cols board (1×1 to 8×8) cut into :class:`Cell` rectangles that may span
several rows and columns (1+5, 1+7, 1+9, 2+8 …). A :class:`Layout` puts a camera (or nothing)
in each cell; it belongs to one commune or mixes several (``commune_id is None``), and is
shared with every operator (``owner is None``) or private to its owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from csu_wall.core.errors import CsuWallError

MAX_SIDE = 8


MAX_NAME = 200  # length of the name columns in the database


class LayoutError(CsuWallError, ValueError):
    """A layout, tour or screen assignment is not valid (message in French). ``field`` names
    the faulty field (``"cameras"``, ``"items"``, ``"dwell_seconds"`` …) for the editor."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _check_name(what: str, name: str) -> None:
    if not name.strip():
        raise LayoutError(f"{what} : le champ « nom » est vide ; donnez-lui un nom.", field="name")
    if len(name) > MAX_NAME:
        raise LayoutError(
            f"{what} : le champ « nom » dépasse {MAX_NAME} caractères ; raccourcissez-le.",
            field="name",
        )


@dataclass(frozen=True)
class Cell:
    """One tile of a grid: top-left corner and spans, in grid units."""

    row: int
    col: int
    row_span: int = 1
    col_span: int = 1

    def covers(self, row: int, col: int) -> bool:
        return (
            self.row <= row < self.row + self.row_span
            and self.col <= col < self.col + self.col_span
        )


def _grid_error(message: str) -> LayoutError:
    return LayoutError(f"Champ « grille » : {message}", field="grid")


@dataclass(frozen=True)
class Grid:
    """A board of rows×cols cut into non-overlapping cells that cover it entirely."""

    rows: int
    cols: int
    cells: tuple[Cell, ...]

    def __post_init__(self) -> None:
        if not (1 <= self.rows <= MAX_SIDE and 1 <= self.cols <= MAX_SIDE):
            raise _grid_error(
                f"{self.rows}×{self.cols} impossible : de 1×1 à {MAX_SIDE}×{MAX_SIDE}."
            )
        seen: set[tuple[int, int]] = set()
        for i, cell in enumerate(self.cells):
            if cell.row_span < 1 or cell.col_span < 1:
                raise _grid_error(f"case {i + 1} : elle doit couvrir une ligne et une colonne.")
            if (
                cell.row < 0
                or cell.col < 0
                or cell.row + cell.row_span > self.rows
                or (cell.col + cell.col_span > self.cols)
            ):
                raise _grid_error(f"case {i + 1} : elle dépasse la grille {self.rows}×{self.cols}.")
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    if (r, c) in seen:
                        raise _grid_error(
                            f"case {i + 1} : elle chevauche une autre case (ligne {r + 1}, "
                            f"colonne {c + 1})."
                        )
                    seen.add((r, c))
        if len(seen) != self.rows * self.cols:
            raise _grid_error("des emplacements n'appartiennent à aucune case.")

    @classmethod
    def uniform(cls, rows: int, cols: int | None = None) -> Grid:
        cols = rows if cols is None else cols
        return cls(rows, cols, tuple(Cell(r, c) for r in range(rows) for c in range(cols)))

    @classmethod
    def big_plus(cls, side: int) -> Grid:
        """One large cell in the top-left and small ones along the right and bottom edges:
        1+5 (side 3), 1+7 (side 4), 1+9 (side 5)."""
        span = side - 1
        cells = [Cell(0, 0, span, span)]
        cells += [Cell(r, side - 1) for r in range(side - 1)]
        cells += [Cell(side - 1, c) for c in range(side)]
        return cls(side, side, tuple(cells))

    @classmethod
    def preset(cls, name: str) -> Grid:
        """A named grid: ``"NxM"`` (or ``"N"``), ``"1+5"``, ``"1+7"``, ``"1+9"``, ``"2+8"``."""
        key = name.strip().lower().replace("x", "×")
        if key == "2+8":  # two large cells side by side over a row of four, twice
            top = [Cell(0, 0, 2, 2), Cell(0, 2, 2, 2)]
            bottom = [Cell(r, c) for r in (2, 3) for c in range(4)]
            return cls(4, 4, tuple(top + bottom))
        plus = {"1+5": 3, "1+7": 4, "1+9": 5}
        if key in plus:
            return cls.big_plus(plus[key])
        parts = key.split("×")
        try:
            sides = [int(p) for p in parts]
        except ValueError:
            raise LayoutError(f"Disposition inconnue : « {name} ».", field="grid") from None
        if len(sides) == 1:
            return cls.uniform(sides[0])
        if len(sides) == 2:
            return cls.uniform(sides[0], sides[1])
        raise LayoutError(f"Disposition inconnue : « {name} ».", field="grid")

    def cell_at(self, row: int, col: int) -> int | None:
        """Index of the cell covering a grid position, or None outside the grid."""
        for i, cell in enumerate(self.cells):
            if cell.covers(row, col):
                return i
        return None


PRESET_NAMES = ("1×1", "2×2", "3×3", "4×4", "5×5", "6×6", "7×7", "8×8", "1+5", "1+7", "1+9", "2+8")


@dataclass(frozen=True)
class Layout:
    """A grid with a camera id (or None: empty) per cell, in the order of ``grid.cells``."""

    name: str
    grid: Grid
    cameras: tuple[str | None, ...]
    commune_id: str | None = None  # None: mixed layout (cameras of several communes)
    owner: str | None = None  # None: shared with every operator; else the owner's login
    id: int | None = None  # database key once saved
    version: int = 0  # incremented at each save
    fill: bool = False  # pictures fill their tiles (stretched); False: aspect ratio kept

    def __post_init__(self) -> None:
        _check_name("Disposition", self.name)
        if not isinstance(self.grid, Grid):
            raise LayoutError(f"Disposition « {self.name} » : le champ « grille » est invalide.",
                              field="grid")
        if len(self.cameras) != len(self.grid.cells):
            raise LayoutError(
                f"Disposition « {self.name} » : le champ « caméras » a {len(self.cameras)} "
                f"valeur(s) pour {len(self.grid.cells)} case(s) de la grille "
                f"{self.grid.rows}×{self.grid.cols} ; une caméra (ou rien) par case.",
                field="cameras",
            )
        for i, cam in enumerate(self.cameras):
            if cam is not None and (not isinstance(cam, str) or not cam.strip()):
                raise LayoutError(
                    f"Disposition « {self.name} » : le champ « caméras », case {i + 1}, n'est pas "
                    "un identifiant de caméra.",
                    field="cameras",
                )

    @property
    def shared(self) -> bool:
        return self.owner is None

    def with_camera(self, index: int, camera_id: str | None) -> Layout:
        cams = list(self.cameras)
        cams[index] = camera_id
        return _replace(self, cameras=tuple(cams))

    def swapped(self, a: int, b: int) -> Layout:
        cams = list(self.cameras)
        cams[a], cams[b] = cams[b], cams[a]
        return _replace(self, cameras=tuple(cams))

    def regridded(self, grid: Grid) -> Layout:
        """The same cameras, in order, on another grid (extra cameras are dropped)."""
        kept = [c for c in self.cameras if c is not None][: len(grid.cells)]
        cams = tuple(kept + [None] * (len(grid.cells) - len(kept)))
        return _replace(self, grid=grid, cameras=cams)


def _replace(layout: Layout, **changes: object) -> Layout:
    from dataclasses import replace

    return replace(layout, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class LayoutVersion:
    """One saved state of a layout, kept so a previous version can be restored."""

    layout_id: int
    version: int
    layout: Layout
    saved_by: str
    saved_at: datetime  # aware UTC
    change: str  # what changed, in French, for the history list


MIN_DWELL = 2.0  # seconds an item of a tour stays on screen, at least
MAX_DWELL = 3600.0


class TourKind(str, Enum):
    TILE = "tile"  # one tile cycles through cameras
    LAYOUT = "layout"  # the whole wall cycles through layouts


@dataclass(frozen=True)
class Tour:
    """A cycle of cameras (tile tour) or of layout ids (layout tour), each shown for
    ``dwell_seconds``."""

    name: str
    kind: TourKind
    items: tuple[str, ...]  # camera ids, or layout ids as strings
    dwell_seconds: float = 10.0
    owner: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        _check_name("Ronde", self.name)
        what = f"Ronde « {self.name} »"
        try:
            TourKind(self.kind)
        except ValueError:
            raise LayoutError(f"{what} : le champ « type » doit être « tile » ou « layout ».",
                              field="kind") from None
        if not self.items:
            raise LayoutError(
                f"{what} : le champ « étapes » est vide ; ajoutez au moins une "
                + ("caméra." if self.kind == TourKind.TILE else "disposition."),
                field="items",
            )
        for i, item in enumerate(self.items):
            if not isinstance(item, str) or not item.strip():
                raise LayoutError(f"{what} : le champ « étapes », étape {i + 1}, est vide.",
                                  field="items")
            if self.kind == TourKind.LAYOUT and not item.isdigit():
                raise LayoutError(
                    f"{what} : le champ « étapes », étape {i + 1} (« {item} »), n'est pas un "
                    "numéro de disposition.",
                    field="items",
                )
        if not MIN_DWELL <= self.dwell_seconds <= MAX_DWELL:  # also refuses NaN
            raise LayoutError(
                f"{what} : le champ « durée par étape » vaut {self.dwell_seconds:g} s, hors de "
                f"{MIN_DWELL:g} s à {MAX_DWELL:g} s.",
                field="dwell_seconds",
            )


@dataclass(frozen=True)
class ScreenAssignment:
    """Which layout a workstation shows on which screen, and how."""

    workstation: str
    screen: str  # QScreen.name() (with its serial when known), stable across restarts
    layout_id: int | None
    fullscreen: bool = True
    tour_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.workstation.strip() or not self.screen.strip():
            raise LayoutError(
                "Affectation d'écran : les champs « poste » et « écran » sont obligatoires.",
                field="screen" if self.workstation.strip() else "workstation",
            )
