"""Layout, tour and screen values: presets, spans, and clear French errors naming the field."""

from __future__ import annotations

import pytest

from csu_wall.core.layout import (
    PRESET_NAMES,
    Cell,
    Grid,
    Layout,
    LayoutError,
    ScreenAssignment,
    Tour,
    TourKind,
)

CELLS = {"1×1": 1, "2×2": 4, "3×3": 9, "8×8": 64, "1+5": 6, "1+7": 8, "1+9": 10, "2+8": 10}


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_every_preset_is_a_valid_grid(name: str) -> None:
    grid = Grid.preset(name)
    covered = sum(c.row_span * c.col_span for c in grid.cells)
    assert covered == grid.rows * grid.cols
    if name in CELLS:
        assert len(grid.cells) == CELLS[name]


def test_spanning_cells_and_cell_at() -> None:
    grid = Grid.preset("1+5")
    assert grid.cells[0] == Cell(0, 0, 2, 2)
    assert grid.cell_at(1, 1) == 0 and grid.cell_at(2, 2) == 5 and grid.cell_at(3, 0) is None
    assert Grid.preset("4x3") == Grid.uniform(4, 3)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Grid.uniform(9), "de 1×1 à 8×8"),
        (lambda: Grid(2, 2, (Cell(0, 0, 2, 2), Cell(1, 1))), "chevauche"),
        (lambda: Grid(2, 2, (Cell(0, 0), Cell(0, 1), Cell(1, 0))), "aucune case"),
        (lambda: Grid(2, 2, (Cell(0, 0, 1, 3),)), "dépasse"),
        (lambda: Grid(2, 2, (Cell(0, 0, 0, 1),)), "une ligne et une colonne"),
        (lambda: Grid.preset("3+3"), "Disposition inconnue"),
    ],
)
def test_bad_grid_is_a_french_error_naming_the_grid(make: object, words: str) -> None:
    with pytest.raises(LayoutError) as info:
        make()  # type: ignore[operator]
    assert info.value.field == "grid" and words in str(info.value)


def test_layout_whose_cameras_do_not_match_the_grid_names_the_field() -> None:
    with pytest.raises(LayoutError) as info:
        Layout("Centre", Grid.preset("1+5"), ("a", "b"))
    assert info.value.field == "cameras"
    message = str(info.value)
    assert "« caméras »" in message and "2 valeur(s) pour 6 case(s)" in message


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"cameras": ("", None, None, None)}, "cameras"),
    ],
)
def test_other_bad_layouts(kwargs: dict[str, object], field: str) -> None:
    values: dict[str, object] = {"name": "Centre", "grid": Grid.uniform(2),
                                 "cameras": (None,) * 4}
    values.update(kwargs)
    with pytest.raises(LayoutError) as info:
        Layout(**values)  # type: ignore[arg-type]
    assert info.value.field == field


def test_tour_with_no_steps_names_the_field() -> None:
    with pytest.raises(LayoutError) as info:
        Tour("Nuit", TourKind.TILE, ())
    assert info.value.field == "items"
    assert "« étapes » est vide" in str(info.value) and "Ronde « Nuit »" in str(info.value)


@pytest.mark.parametrize("dwell", [0.0, 1.9, 3600.5, float("nan"), float("inf")])
def test_tour_dwell_out_of_range_names_the_field(dwell: float) -> None:
    with pytest.raises(LayoutError) as info:
        Tour("Nuit", TourKind.TILE, ("cam",), dwell_seconds=dwell)
    assert info.value.field == "dwell_seconds"
    assert "« durée par étape »" in str(info.value) and "2 s à 3600 s" in str(info.value)


def test_layout_tour_items_are_layout_numbers() -> None:
    assert Tour("Murs", TourKind.LAYOUT, ("1", "12")).items == ("1", "12")
    with pytest.raises(LayoutError) as info:
        Tour("Murs", TourKind.LAYOUT, ("1", "centre"))
    assert info.value.field == "items" and "étape 2" in str(info.value)


def test_screen_assignment_needs_a_screen() -> None:
    with pytest.raises(LayoutError) as info:
        ScreenAssignment("pupitre-1", " ", 1)
    assert info.value.field == "screen"


def test_layout_edits_return_new_values() -> None:
    layout = Layout("Centre", Grid.uniform(2), ("a", None, "b", None))
    assert layout.with_camera(1, "c").cameras == ("a", "c", "b", None)
    assert layout.swapped(0, 2).cameras == ("b", None, "a", None)
    assert layout.regridded(Grid.uniform(1)).cameras == ("a",)
    assert layout.regridded(Grid.preset("1+5")).cameras == ("a", "b", None, None, None, None)
    assert layout.cameras == ("a", None, "b", None)  # frozen: unchanged
    assert layout.shared and not Layout("P", Grid.uniform(1), (None,), owner="alice").shared


def test_layout_error_stays_a_value_error_without_a_field() -> None:
    error = LayoutError("message")
    assert isinstance(error, ValueError) and error.field is None
