#!/usr/bin/env bash
# The whole test suite: set up, then ruff (check + format), import-linter and mypy over mapapp/, then pytest (browser tests included).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if ! ensure_chromium; then
  echo "setup: the browser tests need Debian's Chromium at /usr/bin/chromium." >&2
  echo "       Install it as root: apt-get update && apt-get install -y chromium" >&2
  exit 1
fi
echo "== ruff"
.venv/bin/ruff check mapapp tests bench scripts
.venv/bin/ruff format --check mapapp tests bench scripts
echo "== import-linter (the layers of mapapp/, see [tool.importlinter] in pyproject.toml)"
.venv/bin/lint-imports
echo "== mypy"
.venv/bin/mypy mapapp
echo "== pytest"
exec .venv/bin/python -m pytest "$@"
