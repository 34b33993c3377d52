#!/usr/bin/env bash
# One command for a release: the frozen application (PyInstaller one-folder), the .deb and the
# Windows MSI, with the version from pyproject.toml; prints the three artefacts' sizes.
#
#   bash packaging/build-release.sh [--out DIR] [--windows-frozen DIR]
#                                   [--cert PEM --key PEM | --pkcs12 PFX] [--password-file F]
#
# The MSI packs a frozen WINDOWS folder built on Windows (packaging/README): give it with
# --windows-frozen (or CSU_WALL_WINDOWS_FROZEN); without one the MSI is not built and this
# says so. A certificate signs the MSI (osslsigncode); its password is read from a file.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
PY="${PYTHON:-$REPO/.venv/bin/python}"
OUT="dist"
WIN_FROZEN="${CSU_WALL_WINDOWS_FROZEN:-}"
SIGN=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --windows-frozen) WIN_FROZEN="$2"; shift 2 ;;
    --cert|--key|--pkcs12|--password-file) SIGN+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build-release: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
VERSION="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
INSTALLED="$("$PY" -c 'from importlib.metadata import version; print(version("csu-wall"))')"
if [ "$VERSION" != "$INSTALLED" ]; then
  # The frozen --version comes from the installed metadata: refresh it.
  "$PY" -m pip install -q --no-deps -e .
fi

t0=$(date +%s)
# The .qm files are git-ignored build products: a release compiles them from the .ts.
bash packaging/build_translations.sh >/dev/null
echo "== csu-wall $VERSION: freezing (PyInstaller one-folder)"
rm -rf "$OUT/linux"
timeout 1500 "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$OUT/linux" \
  --workpath "$OUT/build" packaging/csu-wall.spec
FROZEN="$OUT/linux/csu-wall"
"$PY" packaging/collect_licenses.py "$FROZEN" >/dev/null
t1=$(date +%s)

echo "== .deb"
rm -f "$OUT"/csu-wall_*.deb
DEB="$("$PY" packaging/build_deb.py --frozen "$FROZEN" --version "$VERSION" --out "$OUT")"
t2=$(date +%s)

MSI=""
if [ -n "$WIN_FROZEN" ]; then
  echo "== MSI (from $WIN_FROZEN)"
  rm -f "$OUT"/csu-wall-*-x64.msi
  MSI="$("$PY" packaging/msi/build_msi.py --frozen "$WIN_FROZEN" --version "$VERSION" \
    --out "$OUT" ${SIGN[@]+"${SIGN[@]}"})"
fi
t3=$(date +%s)

echo "== artefacts (csu-wall $VERSION)"
printf '%-8s %10s  %s\n' "frozen" "$(du -sh "$FROZEN" | cut -f1)" "$FROZEN  ($((t1 - t0)) s)"
printf '%-8s %10s  %s\n' ".deb" "$(du -h "$DEB" | cut -f1)" "$DEB  ($((t2 - t1)) s)"
if [ -n "$MSI" ]; then
  printf '%-8s %10s  %s\n' "MSI" "$(du -h "$MSI" | cut -f1)" "$MSI  ($((t3 - t2)) s)"
else
  printf '%-8s %10s  %s\n' "MSI" "-" "not built: give --windows-frozen DIR (built on Windows, see packaging/README)"
fi
