# Shared by packaging/dev-setup.sh and packaging/run-tests.sh (sourced, from the clone's root).
# Each step checks first and installs only what is missing or out of date, so a second run
# only checks: no apt-get, no pip, no rebuild when nothing changed.

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

# apt_ensure PACKAGE... — installs the Debian packages not installed yet.
apt_ensure() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "csu-wall setup: installing Debian packages: ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}"
  else
    echo "csu-wall setup: $# Debian packages present"
  fi
}

# venv_ensure EXTRAS — .venv with this clone installed (editable) with EXTRAS ("" or "test"),
# reinstalled only when pyproject.toml changed since the last install (a stamp in .venv).
venv_ensure() {
  local extras="$1" spec="." stamp wanted
  [ -n "$extras" ] && spec=".[$extras]"
  if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
  fi
  stamp=".venv/.csu-wall-installed${extras:+-$extras}"
  wanted="$(sha256sum pyproject.toml | cut -d' ' -f1) $PWD"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] \
     && .venv/bin/python -c "import csu_wall, sys; sys.exit(not csu_wall.__file__.startswith('$PWD/'))" 2>/dev/null; then
    echo "csu-wall setup: .venv up to date (${spec})"
    return 0
  fi
  echo "csu-wall setup: installing ${spec} into .venv"
  .venv/bin/python -m pip install -q -e "$spec"
  echo "$wanted" > "$stamp"
}

# translations_ensure — the .qm built from the .ts sources when one of them is newer.
translations_ensure() {
  local qm=resources/translations/csu_wall_fr.qm ts
  for ts in resources/translations/*_fr.ts; do
    if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
      bash packaging/build_translations.sh
      return 0
    fi
  done
  echo "csu-wall setup: translations up to date"
}
