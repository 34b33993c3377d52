#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (Debian and pip
# packages, via dev-setup.sh), builds resources, runs lint, types, import contracts and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/dev-setup.sh
export PATH="$PWD/.venv/bin:$PATH"
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
