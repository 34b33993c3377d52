"""What changed between two versions of a layout, in French, for the history and the audit."""

from __future__ import annotations

from csu_wall.core.layout import PRESET_NAMES, Grid, Layout, LayoutError

MAX_CELL_CHANGES = 8  # beyond this the description only counts them


def grid_name(grid: Grid) -> str:
    """The preset name of a grid (« 1+5 », « 3×3 »), else « R×C, N cases »."""
    for name in PRESET_NAMES:
        try:
            if Grid.preset(name) == grid:
                return name
        except LayoutError:  # pragma: no cover - the presets are valid
            continue
    if len(grid.cells) == grid.rows * grid.cols:
        return f"{grid.rows}×{grid.cols}"
    return f"{grid.rows}×{grid.cols}, {len(grid.cells)} cases"


def _cam(camera_id: str | None) -> str:
    return camera_id if camera_id is not None else "vide"


def _sharing(layout: Layout) -> str:
    return "partagée" if layout.shared else f"personnelle ({layout.owner})"


def describe_new(layout: Layout) -> str:
    placed = sum(1 for c in layout.cameras if c is not None)
    return (
        f"création de « {layout.name} » (grille {grid_name(layout.grid)}, {placed} caméra(s), "
        f"{_sharing(layout)})"
    )


def _picture(layout: Layout) -> str:
    return "tuile remplie" if layout.fill else "proportions conservées"


def describe_changes(old: Layout, new: Layout) -> str:
    """A short French sentence listing the differences; « aucun changement » if none."""
    parts: list[str] = []
    if old.name != new.name:
        parts.append(f"nom « {old.name} » → « {new.name} »")
    if old.commune_id != new.commune_id:
        parts.append(
            f"commune {old.commune_id or 'mixte'} → {new.commune_id or 'mixte'}"
        )
    if old.owner != new.owner:
        parts.append(f"{_sharing(old)} → {_sharing(new)}")
    if old.fill != new.fill:
        parts.append(f"images : {_picture(old)} → {_picture(new)}")
    if old.grid != new.grid:
        placed = sum(1 for c in new.cameras if c is not None)
        parts.append(
            f"grille {grid_name(old.grid)} → {grid_name(new.grid)} ({placed} caméra(s))"
        )
    else:
        cells = [
            f"case {i + 1} : {_cam(a)} → {_cam(b)}"
            for i, (a, b) in enumerate(zip(old.cameras, new.cameras, strict=True))
            if a != b
        ]
        parts += cells[:MAX_CELL_CHANGES]
        if len(cells) > MAX_CELL_CHANGES:
            parts.append(f"et {len(cells) - MAX_CELL_CHANGES} autre(s) case(s)")
    return " ; ".join(parts) if parts else "aucun changement"
