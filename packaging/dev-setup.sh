#!/usr/bin/env bash
# Sets up what csu-wall needs to RUN on a fresh Debian 12 / Ubuntu machine: the Debian
# libraries Qt's xcb platform and the video stack load, and a virtual environment in .venv with
# the project. The test tools and peers (RTSP server, Xvfb, PostgreSQL, wine, wixl,
# debootstrap, poppler…) come with packaging/run-tests.sh.
# Idempotent: a second run only checks (tests/packaging/test_dev_setup.py measures it).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=packaging/_setup_lib.sh
source packaging/_setup_lib.sh

RUNTIME_PACKAGES=(
  python3 python3-venv
  fonts-dejavu-core
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libegl1 libgl1
  libfontconfig1 libdbus-1-3
)
apt_ensure "${RUNTIME_PACKAGES[@]}"
venv_ensure ""
translations_ensure
echo "csu-wall setup: ready (.venv)"
