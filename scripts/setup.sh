#!/usr/bin/env bash
# Set up (or refresh) the virtual environment in .venv from the lock file.
# Sourced by scripts/app.sh and scripts/test.sh; safe to run again (it skips what is done).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY="${PYTHON:-python3}"
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "setup: no $PY found. Install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)." >&2
  exit 1
fi
if ! "$PY" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))'; then
  echo "setup: $("$PY" --version) is too old; mapapp needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv || { echo "setup: '$PY -m venv' failed. Debian: apt-get install python3-venv" >&2; exit 1; }
fi

# pip here may warn about local index folders this machine's pip config names but lacks; hide only those.
quiet_pip() { .venv/bin/python -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

STAMP=.venv/.mapapp-installed
WANT="$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
if [[ ! -f $STAMP || "$(cat "$STAMP")" != "$WANT" || ! -x .venv/bin/mapapp ]]; then
  echo "setup: installing pinned dependencies from requirements.lock (first run takes a few minutes)"
  quiet_pip install --quiet --disable-pip-version-check --upgrade pip
  quiet_pip install --quiet --disable-pip-version-check -r requirements.lock
  # the package itself with every extra ([all]: app, snapshot, ingest) and the dev tools, at the locked versions
  quiet_pip install --quiet --disable-pip-version-check --no-build-isolation -c requirements.lock -e ".[all,dev]" >/dev/null 2>&1 \
    || quiet_pip install --quiet --disable-pip-version-check --no-build-isolation -c requirements.lock -e ".[all,dev]"
  echo "$WANT" > "$STAMP"
fi

# Browser libraries no PyPI package carries (Leaflet.draw): npm packages pinned in package-lock.json,
# installed into node_modules/ (never a CDN; nothing third-party is committed).
NPM_STAMP=node_modules/.mapapp-installed
NPM_WANT="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f $NPM_STAMP || "$(cat "$NPM_STAMP")" != "$NPM_WANT" ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: the map's drawing tools need npm (Node.js). Debian: apt-get install -y npm" >&2
    exit 1
  fi
  echo "setup: installing browser libraries from package-lock.json (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  echo "$NPM_WANT" > "$NPM_STAMP"
fi

# Debian's Chromium renders PNG/PDF snapshots and runs the browser tests (never `playwright install`).
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then return 0; fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian chromium (apt-get install chromium)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    return 0
  fi
  return 1
}
