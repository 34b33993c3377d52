"""The time code drawn into test video, standard library only: the recorded clips
(tests/rtsp/timecode.py, in the venv) and the live clock mount (tests/rtsp/server.py, under
Debian's /usr/bin/python3, which has no numpy) draw it with the same functions.

A 320×192 grey picture; in its centre band (rows 80–111, columns 40–279: 12.5 % inset from
each side, well away from the top and bottom strips where a tile paints its plates and badges)
two rows of 24 black/white blocks of 10×16 px carry 48 bits, most significant first: 32 bits of
epoch seconds, 8 bits of the frame number within the second, 8 check bits (the XOR of the five
bytes before, XOR 0xA5: a black or grey picture never reads as a time). A square moves in the
top strip so that P-frames are not empty.
"""

from __future__ import annotations

WIDTH, HEIGHT = 320, 192
COLUMNS, ROWS = 24, 2
BITS = COLUMNS * ROWS
BLOCK_W, BLOCK_H = 10, 16
BAND_X = (WIDTH - COLUMNS * BLOCK_W) // 2  # 40 px: 12.5 % of the width
BAND_Y = (HEIGHT - ROWS * BLOCK_H) // 2  # 80 px: the band is centred vertically
BACKGROUND = 96
CHECK_SALT = 0xA5
_MOVER = 32  # the moving square's side, in the top strip (rows 16–47)
_MOVER_Y = 16


def check_byte(value40: int) -> int:
    out = CHECK_SALT
    for shift in (32, 24, 16, 8, 0):
        out ^= (value40 >> shift) & 0xFF
    return out


def code_bits(epoch_s: int, frame_no: int) -> list[int]:
    """The 48 bits drawn for this second and frame, most significant first."""
    value40 = ((epoch_s & 0xFFFFFFFF) << 8) | (frame_no & 0xFF)
    value = (value40 << 8) | check_byte(value40)
    return [(value >> (BITS - 1 - k)) & 1 for k in range(BITS)]


def decode_bits(bits: list[int]) -> tuple[int, int] | None:
    """(epoch seconds, frame number), or None when the check bits do not match."""
    value = 0
    for bit in bits:
        value = (value << 1) | (1 if bit else 0)
    value40, check = value >> 8, value & 0xFF
    if check != check_byte(value40):
        return None
    return value40 >> 8, value40 & 0xFF


def block_centre(k: int) -> tuple[float, float]:
    """Centre (x, y) of block ``k`` in the 320×192 picture, in pixels."""
    row, col = divmod(k, COLUMNS)
    return BAND_X + (col + 0.5) * BLOCK_W, BAND_Y + (row + 0.5) * BLOCK_H


def gray_frame(epoch_s: int, frame_no: int, tick: int) -> bytes:
    """One 320×192 8-bit grey picture (row-major) carrying the code; ``tick`` moves the
    square."""
    bits = code_bits(epoch_s, frame_no)
    background = bytes([BACKGROUND]) * WIDTH
    x0 = (tick * 4) % (WIDTH - _MOVER)
    mover_row = (bytes([BACKGROUND]) * x0 + b"\xf0" * _MOVER
                 + bytes([BACKGROUND]) * (WIDTH - x0 - _MOVER))
    code_rows = []
    for row in range(ROWS):
        line = bytearray(bytes([BACKGROUND]) * WIDTH)
        for col in range(COLUMNS):
            x = BAND_X + col * BLOCK_W
            line[x:x + BLOCK_W] = (b"\xff" if bits[row * COLUMNS + col] else b"\x00") * BLOCK_W
        code_rows.append(bytes(line))
    out = []
    for y in range(HEIGHT):
        if _MOVER_Y <= y < _MOVER_Y + _MOVER:
            out.append(mover_row)
        elif BAND_Y <= y < BAND_Y + ROWS * BLOCK_H:
            out.append(code_rows[(y - BAND_Y) // BLOCK_H])
        else:
            out.append(background)
    return b"".join(out)


def i420_frame(epoch_s: int, frame_no: int, tick: int) -> bytes:
    """The same picture as I420 (what x264 takes): the grey plane, then neutral chroma."""
    return gray_frame(epoch_s, frame_no, tick) + b"\x80" * (WIDTH * HEIGHT // 2)
