#!/usr/bin/env bash
# vectors_fresh: regenerate the golden vectors into a scratch directory and
# compare them with the committed vectors/ byte for byte (every file, both
# ways: nothing missing, nothing extra, nothing different).
set -eu
gen=$1 committed=$2 fresh=$3
rm -rf "$fresh"
"$gen" "$fresh" >/dev/null
cp "$committed"/*.schema.json "$fresh"/
fail=0
# files only on one side, or differing
if ! diff -r -q --exclude=README.md "$committed" "$fresh"; then
  fail=1
fi
n=$(find "$fresh" -type f | wc -l)
if [ "$fail" -ne 0 ]; then
  echo "FAIL: vectors/ differs from a fresh generation: run scripts/gen_vectors.sh and review the diff"
  exit 1
fi
echo "vectors_fresh: $n files identical to a fresh generation"
