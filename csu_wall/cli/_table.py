"""The one table formatter of the command line: ``user list``, ``habilitation list`` and
``export grants`` print their rows through it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def table(rows: Iterable[Sequence[str]], widths: Sequence[int]) -> list[str]:
    """Each row as one line: column ``i`` left-aligned and padded to ``widths[i]``, columns
    separated by one space; the columns past ``widths`` follow unpadded (free text). A value
    longer than its width is kept whole and pushes the rest of its line."""
    lines = []
    for row in rows:
        cells = [f"{cell:<{width}}" for cell, width in zip(row, widths, strict=False)]
        cells += list(row[len(widths):])
        lines.append(" ".join(cells))
    return lines


def print_table(rows: Iterable[Sequence[str]], widths: Sequence[int]) -> None:
    for line in table(rows, widths):
        print(line)
