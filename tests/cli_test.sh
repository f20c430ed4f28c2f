#!/usr/bin/env bash
# End-to-end test of the kvl CLI: every subcommand, its outputs and its error exits.
# usage: KVL=/path/to/kvl cli_test.sh WORKDIR
set -u
W=${1:?workdir}
K=${KVL:?KVL must point to the kvl binary}
rm -rf "$W" && mkdir -p "$W" && cd "$W" || exit 1
pass=0; fail=0
ok()   { if "$@" >/dev/null 2>err.txt; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL (exit $?): $*"; cat err.txt; fi; }
rc()   { local want=$1; shift; "$@" >/dev/null 2>err.txt; local got=$?; if [ "$got" = "$want" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: expected exit $want, got $got: $*"; cat err.txt; fi; }
has()  { local pat=$1; shift; if "$@" 2>&1 | grep -q -- "$pat"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: output of '$*' lacks '$pat'"; fi; }

for kind in gauss qwen3-k dsv4 heavy; do
  ok "$K" gen --kind $kind --n 3000 --dim 128 --seed 7 $kind.f32
  ok "$K" gen --kind $kind --n 3000 --dim 128 --seed 7 $kind.npy
done
ok cmp -n $((3000*128*4)) gauss.f32 <(tail -c $((3000*128*4)) gauss.npy)
ok "$K" gen --kind gauss --n 100 --dim 192 g192.f32
ok "$K" gen --kind gauss --n 100 --dim 64 --dtype bf16 g64.bf16
ok "$K" gen --kind gauss --n 100 --dim 64 --dtype f16 g64.npy

# encode every codec; verify; info; decode; compare
i=0
while read -r args; do
  i=$((i+1))
  ok "$K" encode --dim 128 $args qwen3-k.f32 c$i.kvl
  ok "$K" verify c$i.kvl
  ok "$K" decode c$i.kvl c$i.out.f32
  ok "$K" decode --out-dtype bf16 c$i.kvl c$i.out.bf16
  ok "$K" decode --out-dtype f16 c$i.kvl c$i.out.npy
  has "rel_mse" "$K" compare --dim 128 qwen3-k.f32 c$i.out.f32
  has "bits/vector" "$K" info c$i.kvl
  has '"ratio_vs_bf16"' "$K" info --json c$i.kvl
done <<'ARGS'
--codec d4 --q 38
--codec e8 --q 38 --chunk 512
--codec d4 --q 10 --outliers 4
--codec e8 --q 5 --skeleton mean
--codec d4 --q 152 --skeleton pca:4 --outliers 2
--codec fp8 --fp8-block 32 --fp8-scale ue8m0
--codec fp8 --fp8-block 128 --fp8-scale f16
--codec raw
ARGS
# lossless RAW f32 round trip is byte-exact
ok cmp qwen3-k.f32 c8.out.f32
# npy in, npy out; shape from the header
ok "$K" encode --codec d4 --q 38 dsv4.npy d.kvl
ok "$K" decode d.kvl d.npy
has "vectors 3000 dim 128" "$K" compare dsv4.npy d.npy
# split-rope profile, bf16 input, metadata
ok "$K" encode --dim 192 --codec fp8 --fp8-split-rope --role k --layer 7 --head 3 --name model.layers.7.k g192.f32 s.kvl
has "role k, src f32, layer 7, head 3, name 'model.layers.7.k'" "$K" info s.kvl
ok "$K" encode --dim 64 --in-dtype bf16 --codec e8 --q 19 g64.bf16 b.kvl
ok "$K" decode b.kvl b.out.bf16
[ "$(stat -c %s b.out.bf16)" = "$((100*64*2))" ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL: bf16 decode size"; }
ok "$K" encode --codec d4 --q 4 g64.npy h.kvl
# determinism of the CLI itself
ok "$K" encode --dim 128 --codec e8 --q 38 --skeleton pca:2 heavy.f32 r1.kvl
ok "$K" encode --dim 128 --codec e8 --q 38 --skeleton pca:2 heavy.f32 r2.kvl
ok cmp r1.kvl r2.kvl

# error exits: usage errors 2, data / stream errors 1
rc 2 "$K"
rc 2 "$K" frobnicate
rc 2 "$K" encode --dim 128 --codec d5 gauss.f32 x.kvl
rc 2 "$K" encode --dim 128 --q abc gauss.f32 x.kvl
rc 2 "$K" encode --dim 128 gauss.f32
rc 1 "$K" encode --dim 96 --codec d4 gauss.f32 x.kvl
rc 1 "$K" encode --dim 128 --codec e8 --q 128 gauss.f32 x.kvl
rc 1 "$K" encode --dim 100 gauss.f32 x.kvl
rc 1 "$K" encode --dim 128 missing.f32 x.kvl
rc 1 "$K" decode missing.kvl x.f32
rc 1 "$K" verify gauss.f32
rc 2 "$K" info
python3 - <<'PY'
import struct
open('nan.f32','wb').write(struct.pack('<128f', *([1.0]*127 + [float('nan')])))
d = bytearray(open('c1.kvl','rb').read()); d[200] ^= 0x10; open('flip.kvl','wb').write(d)
open('trunc.kvl','wb').write(open('c1.kvl','rb').read()[:-1])
PY
rc 1 "$K" encode --dim 128 nan.f32 x.kvl
has "KVL_ERR_NONFINITE" "$K" encode --dim 128 nan.f32 x.kvl
rc 1 "$K" verify flip.kvl
has "KVL_ERR_CRC" "$K" verify flip.kvl
rc 1 "$K" verify trunc.kvl
has "KVL_ERR_TRUNCATED" "$K" verify trunc.kvl
rc 1 "$K" decode flip.kvl x.f32
[ ! -e x.kvl ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL: failed encode left an output file"; }
has "bits/vec" "$K" demo --n 256

echo "cli_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
