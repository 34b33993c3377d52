"""Line numbers of the tables, keys and array elements of a TOML document.

``tomllib`` returns values without positions, so the site file checker could not say *where*
a problem is. This scanner walks the same text once more (after ``tomllib`` has accepted it, so
it may assume valid TOML) and maps each value's path to the line where it starts:

    ("camera", 2)                  -> line of the third ``[[camera]]`` header
    ("camera", 2, "recorder")      -> line of ``recorder = ...`` in that table
    ("camera", 2, "masks", 1, 0)   -> line where the first point of the second mask starts

Indices in paths count from 0, as in the parsed data. Keys inside inline tables get the line of
their own text (which is the line of the enclosing key: inline tables are one line in TOML 1.0).
"""

from __future__ import annotations

import re
import tomllib

TomlPath = tuple[str | int, ...]

# One alternation, tried left to right: multi-line strings before single-line ones, so that
# '''x''' is not read as three literal strings. Repeats are possessive (``*+``, ``++``): with
# an ordinary repeat of an alternation, ``re`` keeps a backtracking entry per character or
# escape, about 370 bytes each (a 2 MB string took 734 MB); a possessive one keeps none, and
# no token here needs to give characters back.
_TOKEN = re.compile(
    r"""
     (?P<nl>\n)
    |(?P<ws>[ \t\r]++)
    |(?P<comment>\#[^\n]*+)
    |(?P<mlb>\"\"\"(?:[^\\"]++|\\[\s\S]|"(?!""))*+\"{3,5})
    |(?P<mll>'''(?:[^']++|'(?!''))*+'{3,5})
    |(?P<bstr>"(?:[^"\\\n]++|\\.)*+")
    |(?P<lstr>'[^'\n]*+')
    |(?P<punct>[\[\]{}=,.])
    |(?P<bare>[^\s\[\]{}=,\#"'.]++(?:\.[^\s\[\]{}=,\#"'.]++)*+)
    """,
    re.VERBOSE,
)
_STRINGS = frozenset({"mlb", "mll", "bstr", "lstr"})
_Token = tuple[str, str, int]  # kind, text, line


def _tokens(text: str) -> list[_Token]:
    """The tokens the scanner reads. Blanks, ends of line and comments are not kept (each
    token carries its line number): a third fewer tuples in memory."""
    out: list[_Token] = []
    line = 1
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or ""
        if kind == "nl":
            line += 1
        elif kind not in ("ws", "comment"):
            tok = m.group()
            out.append((kind, tok, line))
            if kind in ("mlb", "mll"):
                line += tok.count("\n")
    out.append(("end", "", line))
    return out


def _key_part(kind: str, text: str) -> list[str]:
    if kind == "bare":
        return [p for p in text.split(".") if p]
    if kind == "lstr":
        return [text[1:-1]]
    # A quoted basic key may hold escapes: let tomllib decode it (rare, so the cost is nil).
    return [str(tomllib.loads(f"k = {text}")["k"])]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.pos: dict[TomlPath, int] = {}
        self.aot: dict[TomlPath, int] = {}  # array-of-tables path -> tables seen so far

    def _skip_blank(self) -> None:
        while self.toks[self.i][0] in ("nl", "comment"):
            self.i += 1

    def _read_key(self, stop: str) -> list[str]:
        parts: list[str] = []
        while True:
            kind, text, _ = self.toks[self.i]
            if kind == "end" or (kind == "punct" and text in (stop, "]")):
                return parts
            if kind != "punct":
                parts.extend(_key_part(kind, text))
            self.i += 1

    def _resolve(self, parts: list[str]) -> TomlPath:
        # [a.b] under [[a]] belongs to the last table of a: insert its index.
        out: list[str | int] = []
        for p in parts:
            out.append(p)
            count = self.aot.get(tuple(out))
            if count:
                out.append(count - 1)
        return tuple(out)

    def _mark(self, path: TomlPath, line: int) -> None:
        for n in range(1, len(path) + 1):
            self.pos.setdefault(path[:n], line)

    def run(self) -> dict[TomlPath, int]:
        table: TomlPath = ()
        toks = self.toks
        while True:
            self._skip_blank()
            kind, text, line = toks[self.i]
            if kind == "end":
                return self.pos
            if kind == "punct" and text == "[":
                double = toks[self.i + 1][1] == "["
                self.i += 2 if double else 1
                parts = self._read_key("]")
                self.i += 2 if double else 1
                if double:
                    base = self._resolve(parts[:-1]) + (parts[-1],)
                    index = self.aot.get(base, 0)
                    self.aot[base] = index + 1
                    table = base + (index,)
                else:
                    table = self._resolve(parts)
                self._mark(table, line)
                self.pos[table] = line
                continue
            path = table + tuple(self._read_key("="))
            self._mark(path, line)
            self.i += 1  # '='
            self._value(path)

    def _value(self, path: TomlPath) -> None:
        toks = self.toks
        kind, text, line = toks[self.i]
        if kind == "punct" and text == "[":
            self.i += 1
            index = 0
            while True:
                self._skip_blank()
                kind, text, line = toks[self.i]
                if kind == "punct" and text == "]":
                    self.i += 1
                    return
                if kind == "punct" and text == ",":
                    self.i += 1
                    continue
                self.pos[path + (index,)] = line
                self._value(path + (index,))
                index += 1
        elif kind == "punct" and text == "{":
            self.i += 1
            while True:
                kind, text, line = toks[self.i]
                if kind == "punct" and text == "}":
                    self.i += 1
                    return
                if kind == "punct" and text == ",":
                    self.i += 1
                    continue
                sub = path + tuple(self._read_key("="))
                self._mark(sub, line)
                self.i += 1  # '='
                self._value(sub)
        else:
            self.i += 1
            # A local date-time may hold a space ("1979-05-27 07:32:00"): two bare tokens.
            while kind == "bare" and toks[self.i][0] == "bare" and toks[self.i][2] == line:
                self.i += 1


def toml_positions(text: str) -> dict[TomlPath, int]:
    """Map each table, key and array element of valid TOML ``text`` to its 1-based line."""
    return _Scanner(text).run()


def line_of(positions: dict[TomlPath, int], path: TomlPath) -> int:
    """Line of ``path``, or of its nearest enclosing table or key when absent (a missing key)."""
    while path:
        line = positions.get(path)
        if line is not None:
            return line
        path = path[:-1]
    return 1
