"""A small PDF writer for the command line's documents (the mayor's statement).

The command line may not load Qt (import contracts in pyproject.toml), and the statement must
be produced on any workstation, offscreen, in the frozen build: so no Qt printing and no new
dependency. This writes PDF 1.4 by hand: A4 landscape pages, the standard Helvetica fonts in
WinAnsiEncoding (every French letter, « », €, œ; anything else becomes « ? »), headings,
paragraphs and tables whose cells wrap and whose header row repeats on every page. Content
streams are not compressed, so a line of text (an audit anchor) can be found in the file.
"""

from __future__ import annotations

from collections.abc import Sequence

PAGE_W, PAGE_H = 842.0, 595.0  # A4 landscape, points
MARGIN = 36.0
_BASE = {  # Helvetica advance widths (1/1000 em) of ASCII 32..126
    **dict.fromkeys(" !,./:;I[\\]ft", 278), '"': 355, "#": 556, "$": 556, "%": 889,
    "&": 667, "'": 191, "(": 333, ")": 333, "*": 389, "+": 584, "-": 333,
    **dict.fromkeys("0123456789?_abdeghnopqu", 556), **dict.fromkeys("<=>~", 584),
    "@": 1015, **dict.fromkeys("ABEKPSVXY", 667), **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("FTZ", 611), **dict.fromkeys("GOQ", 778), "J": 500, "L": 556,
    "M": 833, "W": 944, "^": 469, "`": 333, **dict.fromkeys("ckszvxyJ", 500),
    **dict.fromkeys("ijl", 222), "m": 833, "r": 333, "{": 334, "|": 260, "}": 334,
}


def _width(ch: str) -> int:
    if ch in _BASE:
        return _BASE[ch]
    base = ch.encode("ascii", "ignore").decode() or _fold(ch)
    return _BASE.get(base[:1], 556) if base else 556


def _fold(ch: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFD", ch).encode("ascii", "ignore").decode()


def text_width(text: str, size: float, bold: bool = False) -> float:
    return sum(_width(c) for c in text) * size / 1000 * (1.06 if bold else 1.0)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (a word longer than that is cut)."""
    out: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            while text_width(word, size, bold) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and text_width(word[:cut], size, bold) > width:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    return out


# Signs the standard fonts' WinAnsi encoding lacks, written with signs it has
_WINANSI = str.maketrans({"→": "->", "←": "<-", "≤": "<=", "≥": ">=",
                          "\u202f": " ", "\u2009": " ", "−": "-"})


def _pdf_string(text: str) -> bytes:
    raw = text.translate(_WINANSI).encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") \
        .replace(b"\r", b" ").replace(b"\n", b" ") + b")"


class PdfDocument:
    """Pages built top to bottom: :meth:`heading`, :meth:`paragraph`, :meth:`table`."""

    def __init__(self, title: str) -> None:
        self.title = title
        self._pages: list[list[bytes]] = []
        self._images: list[tuple[bytes, int, int]] = []  # JPEG, its width and height in px
        self._page_images: list[list[int]] = []  # per page, the images it draws
        self._y = 0.0
        self._new_page()

    def _new_page(self) -> None:
        self._pages.append([])
        self._page_images.append([])
        self._y = PAGE_H - MARGIN

    def _room(self, height: float) -> bool:
        return self._y - height >= MARGIN + 14  # the page number's line stays free

    def _text(self, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
        font = b"/F2" if bold else b"/F1"
        self._pages[-1].append(b"BT " + font + b" %.1f Tf %.2f %.2f Td " % (size, x, y)
                               + _pdf_string(text) + b" Tj ET")

    def _rule(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self._pages[-1].append(b"%.2f %.2f m %.2f %.2f l S" % (x1, y1, x2, y2))

    def heading(self, text: str, size: float = 14) -> None:
        if not self._room(size * 3):
            self._new_page()
        self._y -= size * 1.4
        for line in wrap(text, PAGE_W - 2 * MARGIN, size, True):
            self._text(MARGIN, self._y, line, size, True)
            self._y -= size * 1.25
        self._y -= size * 0.2

    def paragraph(self, text: str, size: float = 9) -> None:
        for line in wrap(text, PAGE_W - 2 * MARGIN, size):
            if not self._room(size * 1.3):
                self._new_page()
            self._y -= size * 1.3
            self._text(MARGIN, self._y, line, size)
        self._y -= size * 0.5

    def line(self, text: str, size: float = 6.5) -> None:
        """One line, never wrapped (a code to copy, found again as it is in the file)."""
        if not self._room(size * 1.4):
            self._new_page()
        self._y -= size * 1.4
        self._text(MARGIN, self._y, text, size)

    def table(self, columns: Sequence[str], widths: Sequence[float],
              rows: Sequence[Sequence[str]], size: float = 7.5) -> None:
        """``widths`` are fractions of the text width; cells wrap; rows never split."""
        total = PAGE_W - 2 * MARGIN
        xs = [MARGIN]
        for w in widths:
            xs.append(xs[-1] + w * total / sum(widths))
        lead = size * 1.25

        def cells(values: Sequence[str], bold: bool) -> list[list[str]]:
            return [wrap(str(v), xs[i + 1] - xs[i] - 4, size, bold)
                    for i, v in enumerate(values)]

        def draw(values: Sequence[str], bold: bool) -> None:
            wrapped = cells(values, bold)
            height = max(len(c) for c in wrapped) * lead + 3
            if not self._room(height):
                self._new_page()
                if not bold:
                    draw(columns, True)
            top = self._y
            for i, lines in enumerate(wrapped):
                for n, line in enumerate(lines):
                    self._text(xs[i] + 2, top - lead * (n + 1) + 1.5, line, size, bold)
            self._y = top - height
            self._rule(MARGIN, self._y, xs[-1], self._y)

        self._rule(MARGIN, self._y, xs[-1], self._y)
        draw(columns, True)
        for row in rows:
            draw(row, False)
        self._y -= size

    def keep(self, height: float) -> None:
        """A new page unless ``height`` points are left (a heading kept with what follows)."""
        if not self._room(height):
            self._new_page()

    def images(self, jpegs: Sequence[tuple[bytes, str]], width: float = 160) -> None:
        """JPEG pictures (baseline, 3 components) side by side, ``width`` points each, with
        a caption under each; a row never splits across pages."""
        gap, size = 8.0, 7.0
        per_row = max(1, int((PAGE_W - 2 * MARGIN + gap) // (width + gap)))
        for start in range(0, len(jpegs), per_row):
            row = [(jpeg, caption, *jpeg_size(jpeg)) for jpeg, caption in
                   jpegs[start:start + per_row]]
            tallest = max(width * h / w for _j, _c, w, h in row)
            lines = max(len(wrap(c, width, size)) for _j, c, _w, _h in row)
            if not self._room(tallest + lines * size * 1.3 + 6):
                self._new_page()
            top = self._y - 4
            for n, (jpeg, caption, w, h) in enumerate(row):
                x, height = MARGIN + n * (width + gap), width * h / w
                self._images.append((jpeg, w, h))
                index = len(self._images)
                self._page_images[-1].append(index)
                self._pages[-1].append(b"q %.2f 0 0 %.2f %.2f %.2f cm /Im%d Do Q"
                                       % (width, height, x, top - height, index))
                for k, text in enumerate(wrap(caption, width, size)):
                    self._text(x, top - height - size * 1.3 * (k + 1), text, size)
            self._y = top - tallest - lines * size * 1.3 - 6

    def to_bytes(self) -> bytes:
        objects: list[bytes] = []  # object n is objects[n - 1]
        n_pages = len(self._pages)
        first_page = 5
        kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
        objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
        objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                       b"/Encoding /WinAnsiEncoding >>")
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                       b"/Encoding /WinAnsiEncoding >>")
        first_image = first_page + 2 * n_pages
        for i, ops in enumerate(self._pages):
            page_no = f"{self.title} — page {i + 1} / {n_pages}"
            footer = (b"BT /F1 7 Tf %.2f %.2f Td " % (MARGIN, MARGIN - 8)
                      + _pdf_string(page_no) + b" Tj ET")
            content = b"0.5 w\n" + b"\n".join([*ops, footer]) + b"\n"
            used = self._page_images[i]
            objects.append(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W:.0f} {PAGE_H:.0f}] "
                f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >>{_xobjects(used, first_image)} >> "
                f"/Contents {first_page + 2 * i + 1} 0 R >>".encode())
            objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content
                           + b"endstream")
        for jpeg, w, h in self._images:
            objects.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                           b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode "
                           b"/Length %d >>\nstream\n" % (w, h, len(jpeg)) + jpeg
                           + b"\nendstream")
        info_no = len(objects) + 1
        objects.append(b"<< /Title " + _pdf_string(self.title) + b" /Producer (csu-wall) >>")
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for n, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                % (len(objects) + 1, info_no, xref))
        return bytes(out)


def _xobjects(used: Sequence[int], first_image: int) -> str:
    if not used:
        return ""
    refs = " ".join(f"/Im{n} {first_image + n - 1} 0 R" for n in used)
    return f" /XObject << {refs} >>"


def jpeg_size(jpeg: bytes) -> tuple[int, int]:
    """Width and height of a JPEG, read from its first start-of-frame marker."""
    i = 2
    while i + 9 < len(jpeg):
        if jpeg[i] != 0xFF:
            raise ValueError("not a JPEG")
        marker = jpeg[i + 1]
        length = int.from_bytes(jpeg[i + 2:i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            height = int.from_bytes(jpeg[i + 5:i + 7], "big")
            width = int.from_bytes(jpeg[i + 7:i + 9], "big")
            return width, height
        i += 2 + length
    raise ValueError("JPEG without a frame header")
