"""Small helpers for the GUI tests."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget


def grab_array(widget: QWidget) -> np.ndarray:
    """The widget as rendered now, as an (h, w, 4) uint8 array (copy)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    buf = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    rows = buf.reshape(height, image.bytesPerLine())
    return rows[:, : width * 4].reshape(height, width, 4).copy()
