#!/usr/bin/env bash
# Compiles resources/translations/*.ts into .qm files next to them (the .qm are git-ignored
# and shipped as package data). Run from anywhere; called by packaging/dev-setup.sh.
# To refresh the .ts after changing visible strings:
#   .venv/bin/pyside6-lupdate csu_wall/gui/*.py -source-language en -target-language fr \
#     -ts resources/translations/csu_wall_fr.ts
set -euo pipefail
cd "$(dirname "$0")/.."
LRELEASE=".venv/bin/pyside6-lrelease"
if [ ! -x "$LRELEASE" ]; then
  echo "build_translations: $LRELEASE not found (run packaging/dev-setup.sh first)" >&2
  exit 1
fi
shopt -s nullglob
for ts in resources/translations/*.ts; do
  "$LRELEASE" -silent "$ts" -qm "${ts%.ts}.qm"
  echo "build_translations: ${ts%.ts}.qm"
done
