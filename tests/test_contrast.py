"""Readable everywhere: every text/background pair of the dark theme (ui/*.qss, and the style
sheets GUI modules set inline) and of the handover report template meets WCAG AA, 4.5:1;
check boxes and disabled buttons are visible (non-text contrast, 3:1) and a disabled button
does not look like an enabled one."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from csu_wall.services import handover_report

REPO = Path(__file__).resolve().parents[1]
GUI = REPO / "csu_wall" / "gui"
AA_TEXT = 4.5
AA_NON_TEXT = 3.0
NAMED = {"white": "#ffffff", "black": "#000000"}
# Parts of widgets that never carry text: their colours are not text/background pairs.
NO_TEXT = re.compile(r"::(separator|handle|add-line|sub-line|indicator)|^QScrollBar|^QSplitter")


def luminance(colour: str) -> float:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _colour(value: str) -> str | None:
    value = value.strip().lower()
    if value in NAMED:
        return NAMED[value]
    match = re.fullmatch(r"(#[0-9a-f]{6}|#[0-9a-f]{3})", value.split()[0] if value else "")
    return match.group(1) if match else None


@dataclass
class Sheet:
    """Selectors and their declarations, as a style sheet's cascade sees them."""

    rules: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Sheet:
        sheet = cls()
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
            decls = {}
            for decl in body.split(";"):
                if ":" in decl:
                    name, value = decl.split(":", 1)
                    decls[name.strip().lower()] = value.strip()
            for selector in selectors.split(","):
                sheet.rules.setdefault(" ".join(selector.split()), {}).update(decls)
        return sheet

    def parent(self, selector: str) -> str | None:
        """Where a selector inherits what it does not set: a state from its base, a
        sub-control from its widget, a descendant from its ancestor, all from QWidget."""
        if selector == "QWidget":
            return None
        for pattern in (r"(?<!:):[a-z-]+$", r"::[a-z-]+$", r"\[[^\]]*\]$"):
            stripped = re.sub(pattern, "", selector)
            if stripped != selector:
                return stripped
        if " " in selector:
            return selector.rsplit(" ", 1)[0]
        return "QWidget"

    def lookup(self, selector: str, *names: str) -> str | None:
        current: str | None = selector
        while current is not None:
            decls = self.rules.get(current, {})
            for name in names:
                if name in decls and decls[name].strip().lower() != "transparent":
                    return _colour(decls[name])
            current = self.parent(current)
        return None

    def foreground(self, selector: str) -> str | None:
        return self.lookup(selector, "color")

    def background(self, selector: str) -> str | None:
        return self.lookup(selector, "background-color", "background")


def theme() -> Sheet:
    sheets = sorted((REPO / "ui").glob("*.qss"))
    assert sheets, "ui/*.qss"
    return Sheet.parse("\n".join(p.read_text(encoding="utf-8") for p in sheets))


def text_pairs(sheet: Sheet, base: Sheet | None = None) -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for every selector that sets a colour."""
    pairs = []
    for selector, decls in sheet.rules.items():
        if NO_TEXT.search(selector):
            continue
        fg = sheet.foreground(selector) or (base.foreground("QWidget") if base else None)
        bg = sheet.background(selector) or (base.background("QWidget") if base else None)
        assert fg and bg, selector
        pairs.append((selector, fg, bg))
        if "selection-color" in decls or "selection-background-color" in decls:
            pairs.append((selector + " (selection)", sheet.lookup(selector, "selection-color")
                          or "", sheet.lookup(selector, "selection-background-color") or ""))
        if "alternate-background-color" in decls:
            pairs.append((selector + " (alternate rows)", fg,
                          _colour(decls["alternate-background-color"]) or ""))
    return pairs


def test_sheet_parser_follows_the_cascade() -> None:
    sheet = Sheet.parse("QWidget { color: #eeeeee; background-color: #111111; }\n"
                        "#bar { background: #222222; } #bar QLabel { background: transparent; }\n"
                        "QTreeView::item:disabled { color: #333333; }")
    assert sheet.foreground("#bar QLabel") == "#eeeeee"
    assert sheet.background("#bar QLabel") == "#222222"
    assert sheet.background("QTreeView::item:disabled") == "#111111"
    failing = [p for p in text_pairs(sheet) if contrast(p[1], p[2]) < AA_TEXT]
    assert [p[0] for p in failing] == ["QTreeView::item:disabled"]  # the check can fail


def test_contrast_theme_text_meets_wcag_aa() -> None:
    sheet = theme()
    pairs = text_pairs(sheet)
    assert len(pairs) > 30
    low = [(s, fg, bg, round(contrast(fg, bg), 2)) for s, fg, bg in pairs
           if contrast(fg, bg) < AA_TEXT]
    assert low == []


def _inline_sheets() -> list[tuple[str, str]]:
    """The style sheets GUI modules set themselves (``setStyleSheet("...")`` literals)."""
    found = []
    for module in sorted(GUI.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "setStyleSheet" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.append((f"{module.name}:{node.lineno}", node.args[0].value))
    return found


def test_contrast_inline_style_sheets_meet_wcag_aa() -> None:
    base = theme()
    inline = _inline_sheets()
    assert len(inline) >= 5
    low = []
    for where, text in inline:
        if "{" in text:
            pairs = text_pairs(Sheet.parse(text), base)
        else:  # bare declarations on a widget over the theme's ground (windows, dialogs)
            sheet = Sheet.parse("X {" + text + "}")
            fg = sheet.rules["X"].get("color")
            if fg is None:
                continue
            pairs = [("X", _colour(fg) or "", base.background("QWidget") or "")]
        low += [(where, s, fg, bg, round(contrast(fg, bg), 2)) for s, fg, bg in pairs
                if contrast(fg, bg) < AA_TEXT]
    assert low == []


def test_contrast_handover_report_meets_wcag_aa_in_print_and_in_the_app() -> None:
    report = Sheet.parse(handover_report._STYLE)
    body_fg = report.rules["body"]["color"]
    paper = "#ffffff"
    in_app = theme().background("QTextBrowser")  # the report shown in the handover dialogs
    assert in_app is not None
    low = []
    for selector, decls in report.rules.items():
        fg = _colour(decls.get("color", body_fg)) or ""
        own = _colour(decls.get("background", decls.get("background-color", "")) or "")
        for ground in ([own] if own else [paper, in_app]):
            if contrast(fg, ground) < AA_TEXT:
                low.append((selector, fg, ground, round(contrast(fg, ground), 2)))
    assert low == []


@pytest.mark.parametrize("widget", ["QPushButton", "QToolBar QToolButton"])
def test_contrast_disabled_buttons_look_disabled(widget: str) -> None:
    sheet = theme()
    enabled = (sheet.foreground(widget), sheet.background(widget))
    disabled = (sheet.foreground(widget + ":disabled"), sheet.background(widget + ":disabled"))
    assert enabled[0] != disabled[0] and enabled[1] != disabled[1]
    assert "dashed" in sheet.rules[widget + ":disabled"].get("border", "")
    assert contrast(disabled[0] or "", disabled[1] or "") >= AA_TEXT  # still readable


def test_contrast_check_boxes_are_visible() -> None:
    sheet = theme()
    ground = sheet.background("QWidget") or ""
    frame = _colour(sheet.rules["QCheckBox::indicator"]["border"].split()[-1]) or ""
    assert contrast(frame, ground) >= AA_NON_TEXT
    checked = sheet.rules["QCheckBox::indicator:checked"]
    assert contrast(_colour(checked["background-color"]) or "", ground) >= AA_NON_TEXT
    assert "check.svg" in checked["image"]
    assert (REPO / "resources" / "icons" / "check.svg").is_file()


def test_contrast_camera_tree_grey_meets_wcag_aa() -> None:
    from csu_wall.gui import camera_tree

    grey = camera_tree._GREY.color().name()
    tree = theme()
    for ground in (tree.background("QTreeView"),
                   _colour(tree.rules["QTreeView"]["alternate-background-color"])):
        assert contrast(grey, ground or "") >= AA_TEXT, (grey, ground)
