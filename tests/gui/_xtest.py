"""The X server's own pointer, moved and clicked through the XTEST extension (libXtst, part of
the X libraries Qt already needs): a drag the application cannot tell from a person's."""

from __future__ import annotations

import ctypes
import os
import threading
import time


class XPointer:
    def __init__(self, display: str | None = None) -> None:
        self._x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
        self._xtst = ctypes.cdll.LoadLibrary("libXtst.so.6")
        self._x11.XOpenDisplay.restype = ctypes.c_void_p
        self._x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        name = (display or os.environ["DISPLAY"]).encode()
        self._dpy = self._x11.XOpenDisplay(name)
        if not self._dpy:
            raise OSError(f"cannot open X display {name!r}")
        for fn in (self._xtst.XTestFakeMotionEvent, self._xtst.XTestFakeButtonEvent):
            fn.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_ulong] \
                if fn is self._xtst.XTestFakeButtonEvent else \
                [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ulong]
        self._x11.XFlush.argtypes = [ctypes.c_void_p]
        self._x11.XCloseDisplay.argtypes = [ctypes.c_void_p]

    def move(self, x: int, y: int) -> None:
        self._xtst.XTestFakeMotionEvent(self._dpy, -1, int(x), int(y), 0)
        self._x11.XFlush(self._dpy)

    def button(self, down: bool) -> None:
        self._xtst.XTestFakeButtonEvent(self._dpy, 1, 1 if down else 0, 0)
        self._x11.XFlush(self._dpy)

    def close(self) -> None:
        self._x11.XCloseDisplay(self._dpy)


def drag_in_background(start: tuple[int, int], end: tuple[int, int], *, steps: int = 20,
                       pause_s: float = 0.03) -> threading.Thread:
    """Press at ``start``, move to ``end`` in steps, release; from a thread, since Qt's drag
    loop holds the GUI thread until the button is released (the pauses let the X server and
    Qt see each step: nothing here waits on a clock a test could inject)."""

    def run() -> None:
        pointer = XPointer()
        try:
            pointer.move(*start)
            time.sleep(pause_s)
            pointer.button(True)
            time.sleep(pause_s)
            for i in range(1, steps + 1):
                pointer.move(start[0] + (end[0] - start[0]) * i // steps,
                             start[1] + (end[1] - start[1]) * i // steps)
                time.sleep(pause_s)
            time.sleep(pause_s * 3)
            pointer.button(False)
        finally:
            pointer.close()

    thread = threading.Thread(target=run, name="xtest-drag", daemon=True)
    thread.start()
    return thread
