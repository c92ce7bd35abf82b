#!/usr/bin/env bash
# Create .venv with Python >= 3.11 and install the project with its test tools.
# Used by the Makefile; safe to run again (pip only installs what changed).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv

pick_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  PY=$(pick_python) || { echo "bootstrap: Python 3.11+ is required (Debian: apt-get install python3)" >&2; exit 1; }
  if ! "$PY" -m venv "$VENV" 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
      "$PY" -m venv "$VENV"
    else
      echo "bootstrap: '$PY -m venv' failed; install the Debian package python3-venv" >&2; exit 1
    fi
  fi
fi
echo "bootstrap: installing Python dependencies into $VENV ..." >&2
log="$VENV/pip-install.log"
if ! { "$VENV/bin/python" -m pip install --disable-pip-version-check --upgrade pip &&
       "$VENV/bin/python" -m pip install --disable-pip-version-check -e '.[test,dev]'; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "bootstrap: pip install failed (full log: $log)" >&2
  exit 1
fi
