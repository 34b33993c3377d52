"""The command line's one table formatter (csu_wall/cli/_table.py): the columns of
``user list``, ``habilitation list`` and ``export grants`` line up as before."""

from __future__ import annotations

from csu_wall.cli._table import table


def test_columns_are_padded_and_the_last_is_free_text() -> None:
    rows = [("dupont", "opérateur", "actif", "Jean Dupont"),
            ("martin", "administrateur", "désactivé", "Léa Martin")]
    assert table(rows, (8, 15, 10)) == [
        "dupont   opérateur       actif      Jean Dupont",
        "martin   administrateur  désactivé  Léa Martin",
    ]


def test_a_long_value_is_kept_whole_and_pushes_its_line() -> None:
    [line] = table([("un-identifiant-tres-long", "x", "reste")], (10, 3))
    assert line == "un-identifiant-tres-long x   reste"


def test_the_same_as_the_hand_written_format() -> None:
    row = ("dupont", "roncq", "valide", "du 01/01/2026 00:00 à révocation — arrêté (par maire)")
    assert table([row], (20, 20, 30)) == [f"{row[0]:<20} {row[1]:<20} {row[2]:<30} {row[3]}"]
