#!/bin/bash -eu
# Builds every cargo-fuzz target into $OUT with its seed corpus (the suites' modules) and the
# dictionary-free defaults; run by ClusterFuzzLite or OSS-Fuzz (docs/fuzzing.md).
cd "$SRC/switchyard"
cargo fuzz build -O --debug-assertions
targets=$(cargo fuzz list)
for t in $targets; do
  cp "fuzz/target/x86_64-unknown-linux-gnu/release/$t" "$OUT/"
done
corpus=$(mktemp -d)
cargo run --release -p switchyard-testsuite --example fuzz_seed_corpus -- "$corpus" testsuite
for t in $targets; do
  (cd "$corpus/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
done
