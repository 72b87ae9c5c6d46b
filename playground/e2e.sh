#!/usr/bin/env bash
# The playground's checks: the committed build (dist/) matches the sources, then the end-to-end
# tests in headless Chromium (e2e.mjs) against a release build of `switchyard serve`.
#   playground/e2e.sh [--screenshots DIR]   (docs/ takes its playground-*.png from here)
# Needs node 20.19 or later (Vite 8) with npm, and Chromium (/usr/bin/chromium, or
# CHROMIUM=PATH); npm ci installs Vite, TypeScript and playwright-core (no browser download)
# into playground/node_modules.
set -euo pipefail
# A relative screenshot folder is relative to where the script was started.
export E2E_CWD="$PWD"
cd "$(dirname "$0")"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node check-dist.mjs
cargo build --release --quiet -p switchyard
node e2e.mjs "$@"
