#!/usr/bin/env bash
# Sets up everything csu-wall needs on a fresh Debian 12 / Ubuntu machine:
# Debian packages (RTSP test server, Xvfb, fonts, PostgreSQL, keyring daemon)
# and a virtual environment in .venv with the project and its test tools.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

APT_PACKAGES=(
  python3 python3-venv python3-gi
  gir1.2-gst-rtsp-server-1.0 gir1.2-gstreamer-1.0 gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-rtsp gstreamer1.0-x
  xvfb xauth fonts-dejavu-core
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libegl1 libgl1
  libfontconfig1 libdbus-1-3
  dbus dbus-x11 gnome-keyring
  postgresql
  ffmpeg
  poppler-utils  # pdftotext: the handover PDF is checked in the tests
  iproute2  # network namespaces for the ONVIF camera simulator
  libxtst6  # real drags under Xvfb (XTEST)
  binutils  # objdump/ldd for the .deb dependency scan (PyInstaller too)
  debootstrap  # the clean Debian chroot the .deb is installed into
  wixl msitools osslsigncode openssl  # the Windows MSI, its tables, its signature
  wine wine64  # the MSI's silent install/upgrade/uninstall (where wine runs)
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "csu-wall setup: installing Debian packages: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
# ipycam (an ONVIF Profile S camera simulator, tests only) declares the GUI build of OpenCV,
# which would replace opencv-python-headless and bring its own Qt: installed without its
# dependencies (those it uses at run time are already here).
.venv/bin/python -m pip install -q --no-deps 'ipycam>=1.3'
if [ -x packaging/build_translations.sh ]; then bash packaging/build_translations.sh; fi
echo "csu-wall setup: ready (.venv)"
