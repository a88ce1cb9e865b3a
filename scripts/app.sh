#!/usr/bin/env bash
# The main job: set up, then start the Streamlit app on the seed article at a 127.0.0.1 URL.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_chromium || echo "setup: note: /usr/bin/chromium is missing, so PNG/PDF snapshots use the browser-free renderer. As root: apt-get install chromium" >&2
exec .venv/bin/mapapp app "$@"
