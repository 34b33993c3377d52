#!/usr/bin/env bash
# The README's screenshots, made on purpose (the tests write only into temporary folders):
#   bash packaging/screenshots.sh [OUTDIR]      (default: resources/screenshots, as the README)
# Under Xvfb at 1920×1080 (started here when there is no display), in French:
#   demo-wall.png        `csu-wall --demo --screenshot`: the demo wall, live video;
#   wall-1plus5.png, wall-maximised.png, wall-french.png
#                        the real-X-server scene of the tests (tests/gui/_scenes.py xvfb).
# Then commit the files you looked at.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$(realpath -m "${1:-resources/screenshots}")"
if [ -z "${DISPLAY:-}" ] || [ "${CSU_WALL_SHOTS_IN_XVFB:-}" != "1" ]; then
  command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run missing (apt install xvfb)" >&2; exit 1; }
  exec env CSU_WALL_SHOTS_IN_XVFB=1 xvfb-run -a -s "-screen 0 1920x1080x24" \
    bash "$0" "$OUT"
fi
WORK="$(mktemp -d /tmp/csu-wall-shots.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export QT_QPA_PLATFORM=xcb LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$WORK/home"
mkdir -p "$OUT" "$HOME"
.venv/bin/csu-wall --lang fr --data-dir "$WORK/data" --demo --screenshot "$WORK/demo-wall.png" \
  --quit-after 12
CSU_TEST_CLIPS="$WORK/clips" timeout 300 .venv/bin/python -m tests.gui._scenes xvfb \
  "$WORK/scene" | grep '^SCENE ' >/dev/null
cp "$WORK/demo-wall.png" "$WORK/scene/shots/"*.png "$OUT/"
ls -l "$OUT"/*.png
