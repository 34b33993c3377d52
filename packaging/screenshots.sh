#!/usr/bin/env bash
# The README's screenshots (docs/screenshots/), made on purpose: the tests write only into
# temporary folders. One command, under Xvfb at 1920×1080 (started here when needed), with the
# tests' loopback RTSP server, a temporary SQLite database and the French wall:
#   bash packaging/screenshots.sh                       # into a new temporary folder (printed)
#   bash packaging/screenshots.sh --out docs/screenshots  # replaces the committed ones
# Needs the test packages (xvfb, poppler-utils, gst-rtsp-server: packaging/run-tests.sh
# installs them). Look at every PNG before committing it. See tests/gui/_screenshots.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m tests.gui._screenshots "$@"
