#!/usr/bin/env bash
# Fetches wasmtime's public stack-switching tests (the .wast files of
# tests/misc_testsuite/stack-switching/ in bytecodealliance/wasmtime) from GitHub into DIR
# (default /tmp/wasmtime-ss), each file at the commit pinned in
# tools/wasmtime-stack-switching.manifest, and checks each file's SHA-256 against it.
#
#   tools/fetch-wasmtime-stack-switching.sh [DIR]          download (needs curl and web access)
#   tools/fetch-wasmtime-stack-switching.sh --check DIR    only verify files already in DIR
#
# Then run them, unchanged, by hand (not in CI):  cargo run --release -- run DIR
# docs/engines.md ("wasmtime's stack-switching tests") lists the directives expected to fail
# and why. The files are wasmtime's (Apache-2.0 WITH LLVM-exception); keep them out of this
# repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
manifest="$here/wasmtime-stack-switching.manifest"
check_only=false
if [[ "${1:-}" == "--check" ]]; then
    check_only=true
    shift
fi
dest=${1:-/tmp/wasmtime-ss}
base=https://raw.githubusercontent.com/bytecodealliance/wasmtime
folder=tests/misc_testsuite/stack-switching

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

mkdir -p "$dest"
bad=0
count=0
while read -r file commit sum; do
    [[ -z "$file" || "$file" == \#* ]] && continue
    count=$((count + 1))
    if ! $check_only; then
        if ! curl -fsSL "$base/$commit/$folder/$file" -o "$dest/$file"; then
            echo "FAILED to download $file at $commit" >&2
            bad=$((bad + 1))
            continue
        fi
    fi
    if [[ ! -f "$dest/$file" ]]; then
        echo "MISSING $dest/$file" >&2
        bad=$((bad + 1))
    elif [[ "$(sha256 "$dest/$file")" != "$sum" ]]; then
        echo "CHANGED $dest/$file (SHA-256 differs from the manifest)" >&2
        bad=$((bad + 1))
    fi
done < "$manifest"
echo "$count files in the manifest, $bad missing or different, in $dest"
[[ $bad -eq 0 ]]
