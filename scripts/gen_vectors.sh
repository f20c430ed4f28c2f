#!/usr/bin/env bash
# Regenerate the golden vectors (vectors/) from the reference implementation:
# builds kvl-vectorgen, writes vectors/v1/... and vectors/manifest.json.
# The schemas and vectors/README.md are hand-written and kept.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/deps.sh"
build=${KVL_BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target kvl-vectorgen -j"$(nproc)" >/dev/null
rm -rf "$root/vectors/v1" "$root/vectors/manifest.json"
"$build/tools/vectorgen/kvl-vectorgen" "$root/vectors"
echo "vectors/: $(find "$root/vectors/v1" -name case.json | wc -l) cases, $(du -sh "$root/vectors" | cut -f1)"
python3 "$root/scripts/update_spec_digests.py" "$root/vectors/manifest.json" "$root/spec/kvlattice-1.0.md"
echo "spec/kvlattice-1.0.md Appendix C.7: digests updated"
