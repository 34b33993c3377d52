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
# -p no:cacheprovider: CI clones are read-only for nothing but let's not litter them.
timeout 1700 python -m pytest -p no:cacheprovider -q --timeout=120 -ra "$@"
