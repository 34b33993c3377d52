"""Entry point of the frozen application (PyInstaller runs this file as ``__main__``)."""

from __future__ import annotations

import sys

from csu_wall.app import main

if __name__ == "__main__":
    sys.exit(main())
