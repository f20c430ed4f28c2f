#!/usr/bin/env bash
# Seed corpora for the fuzz targets (fuzz/corpus/<target>/), from the golden
# vectors and the reference tools. Run once, then let a campaign grow them and
# minimise with `<target> -merge=1 NEW_DIR OLD_DIR` (fuzz/README.md).
#   fuzz/make_corpus.sh BUILD_DIR     (BUILD_DIR has the kvl tool)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
kvl=$build/kvl
out=$root/fuzz/corpus
mkdir -p "$out"/{decode_any,verify_then_decode,differential,roundtrip,io_parsers}
# streams: every golden-vector stream up to 64 KiB, named by content hash
for f in $(find "$root/vectors/v1" -name stream.kvl -size -65k | sort); do
  h=$(sha1sum "$f" | cut -c1-16)
  for t in decode_any verify_then_decode differential; do cp "$f" "$out/$t/$h"; done
done
# encoder inputs: deterministic pseudo-random byte strings of several lengths
python3 - "$out/roundtrip" <<'PY'
import os, random, sys
rng = random.Random(20261125)
for i, n in enumerate([16, 40, 100, 300, 1000, 3000, 8000, 20000]):
    for k in range(3):
        with open(os.path.join(sys.argv[1], f"seed-{n}-{k}"), "wb") as f:
            f.write(bytes(rng.randrange(256) for _ in range(n)))
PY
cp "$out"/roundtrip/* "$out"/differential/
# .npy files: f32 and f16, 1-D and 2-D, and a few malformed headers
tmp=$(mktemp -d)
"$kvl" gen --kind gauss --n 3 --dim 4 "$tmp/a.npy" >/dev/null
"$kvl" gen --kind gauss --n 2 --dim 8 --dtype f16 "$tmp/b.npy" >/dev/null
cp "$tmp/a.npy" "$out/io_parsers/f32-2d.npy"
cp "$tmp/b.npy" "$out/io_parsers/f16-2d.npy"
python3 - "$out/io_parsers" <<'PY'
import os, sys
d = sys.argv[1]
def npy(header, major=1, data=b"\0" * 16):
    h = header.encode()
    pad = (64 - (10 + len(h) + 1) % 64) % 64
    h = h + b" " * pad + b"\n"
    ln = len(h).to_bytes(2 if major == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([major, 0]) + ln + h + data
cases = {
    "f32-1d.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }"),
    "v2.npy": npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 4), }", major=2),
    "fortran.npy": npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }"),
    "f8.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"),
    "bigendian.npy": npy("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }"),
    "3d.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }"),
    "huge-shape.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 4), }"),
    "truncated.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }")[:30],
}
for name, data in cases.items():
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
PY
rm -rf "$tmp"
for t in "$out"/*; do echo "$(basename "$t"): $(ls "$t" | wc -l) files, $(du -sh "$t" | cut -f1)"; done
