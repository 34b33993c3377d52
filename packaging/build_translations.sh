#!/usr/bin/env bash
# Compiles the translation sources of each language, resources/translations/*_<lang>.ts (one
# per area of the GUI: csu_wall_fr.ts, security_fr.ts, shifts_fr.ts, playback_fr.ts, ...),
# into ONE resources/translations/csu_wall_<lang>.qm (git-ignored, shipped as package data).
# Run from anywhere; called by packaging/dev-setup.sh.
# To refresh an area's .ts after changing its visible strings (its own gui modules only):
#   .venv/bin/pyside6-lupdate csu_wall/gui/<its modules>.py -source-language en \
#     -target-language fr -ts resources/translations/<area>_fr.ts
set -euo pipefail
cd "$(dirname "$0")/.."
LRELEASE=".venv/bin/pyside6-lrelease"
if [ ! -x "$LRELEASE" ]; then
  echo "build_translations: $LRELEASE not found (run packaging/dev-setup.sh first)" >&2
  exit 1
fi
shopt -s nullglob
for lang in $(ls resources/translations/*_*.ts 2>/dev/null | sed -E 's/.*_([a-z]+)\.ts$/\1/' | sort -u); do
  sources=(resources/translations/*_"$lang".ts)
  "$LRELEASE" -silent "${sources[@]}" -qm "resources/translations/csu_wall_$lang.qm"
  echo "build_translations: resources/translations/csu_wall_$lang.qm (${#sources[@]} sources)"
done
