"""What the composition root gives with a wall, for the window that shows it (no Qt here: the
composition root builds it before any window exists)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

from csu_wall.services.layouts import LayoutService
from csu_wall.services.screens import ScreenService
from csu_wall.services.tours import TourService


@dataclass(frozen=True)
class WallSession:
    """The services a wall's window uses besides the wall itself: saved layouts, tours, this
    workstation's screens and wall state, and the data folder. Empty for a launcher without
    a database behind its walls.

    Its fields are also the window's keyword arguments: ``MainWindow(service, **session)``.
    """

    layouts: LayoutService | None = None
    tours: TourService | None = None
    screens: ScreenService | None = None
    data_dir: Path | None = None

    def keys(self) -> Iterator[str]:
        return (f.name for f in fields(self))

    def __getitem__(self, name: str) -> object:
        if name not in {f.name for f in fields(self)}:
            raise KeyError(name)
        return getattr(self, name)
