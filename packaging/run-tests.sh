#!/usr/bin/env bash
# The whole test suite, from a fresh clone: what running needs (dev-setup.sh), then what the
# tests need (Debian packages of the test peers, the test tools in .venv), then lint, types,
# import contracts and pytest. A second run only checks the setup before testing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/dev-setup.sh
# shellcheck source=packaging/_setup_lib.sh
source packaging/_setup_lib.sh

TEST_PACKAGES=(
  python3-gi gir1.2-gst-rtsp-server-1.0 gir1.2-gstreamer-1.0 gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-rtsp gstreamer1.0-x  # RTSP server
  xvfb xauth  # a real X server for real-window tests
  libxtst6  # real drags under Xvfb (XTEST)
  dbus dbus-x11 gnome-keyring  # a real OS keyring (Secret Service)
  postgresql  # the multi-workstation tests
  ffmpeg  # relays of pre-encoded clips into the RTSP server
  poppler-utils  # pdftotext, pdfinfo: the handover PDF is read back
  iproute2  # network namespaces for the ONVIF camera simulator
  git  # the test run checks it leaves the clone's tracked files alone
  binutils  # objdump/ldd for the .deb dependency scan (PyInstaller too)
  debootstrap  # the clean Debian chroot the .deb is installed into
  wixl msitools osslsigncode openssl  # the Windows MSI, its tables, its signature
  wine wine64  # the MSI's silent install/upgrade/uninstall (where wine runs)
)
apt_ensure "${TEST_PACKAGES[@]}"
venv_ensure test
# ipycam (an ONVIF Profile S camera simulator, tests only) declares the GUI build of OpenCV,
# which would replace opencv-python-headless and bring its own Qt: installed without its
# dependencies (those it uses at run time are already here).
if ! .venv/bin/python -c "import ipycam" 2>/dev/null; then
  .venv/bin/python -m pip install -q --no-deps 'ipycam>=1.3'
fi
if [ "${CSU_WALL_SETUP_ONLY:-}" = "1" ]; then  # set up, test nothing (the setup's own test)
  echo "csu-wall setup: test tools ready"
  exit 0
fi
export PATH="$PWD/.venv/bin:$PATH"
export CSU_WALL_CHECK_GIT_CLEAN=1  # tests/_git_clean.py: the run leaves tracked files alone
export QT_QPA_PLATFORM=offscreen
unset DISPLAY || true

echo "== ruff"
ruff check csu_wall tests packaging
echo "== mypy"
mypy csu_wall
echo "== import contracts"
lint-imports
echo "== pytest"
# The tests run inside their own D-Bus session with a real Secret Service (gnome-keyring,
# unlocked with a throw-away password) so keyring tests use a real OS keyring, and with a
# private HOME so the keyring files they create are not the user's.
TEST_HOME="$(mktemp -d /tmp/csu-wall-tests.XXXXXX)"
trap 'rm -rf "$TEST_HOME"' EXIT
export CSU_WALL_TEST_HOME="$TEST_HOME"
mkdir -m 700 -p "$TEST_HOME/run"
timeout 1750 env HOME="$TEST_HOME" XDG_DATA_HOME="$TEST_HOME/.local/share" \
  XDG_RUNTIME_DIR="$TEST_HOME/run" \
  dbus-run-session -- bash -c '
    mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
    printf "csu-wall-tests" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    # -p no:cacheprovider: nothing written into the clone
    exec python -m pytest -p no:cacheprovider -q --timeout=120 -ra "$@"
  ' pytest "$@"
