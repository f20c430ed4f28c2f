#!/usr/bin/env bash
# Determinism contract (spec §1): the same inputs give the same bytes from
# builds with different compilers and optimisation levels. Builds kvl four
# ways (gcc -O0, gcc -O3, clang -O0, clang -O3 -march=native with FMA
# available), runs a matrix of gen / encode / decode commands with each, and
# compares the SHA-256 of every output across builds. The first build runs the
# matrix a second time with KVL_CPU=ref, so the reference kernels are compared
# with the runtime-dispatched ones (AVX2 where the CPU has it).
# usage: cross_build_test.sh SOURCE_DIR WORK_DIR
set -u
SRC=${1:?source dir}; W=${2:?work dir}
mkdir -p "$W"
configs=("gcc:-O0" "gcc:-O3" "clang:-O0" "clang:-O3 -march=native")
builds=()
for c in "${configs[@]}"; do
  cc=${c%%:*}; flags=${c#*:}
  if ! command -v "$cc" >/dev/null; then echo "SKIP: $cc not installed"; continue; fi
  b="$W/build-$cc-$(echo "$flags" | tr -c 'a-zA-Z0-9' '_')"
  cmake -S "$SRC" -B "$b" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="$flags" \
        -DBUILD_TESTING=OFF -DKVL_CUDA=OFF >"$b.log" 2>&1 && cmake --build "$b" --target kvl -j2 >>"$b.log" 2>&1 \
    || { echo "FAIL: build $c (see $b.log)"; tail -20 "$b.log"; echo "cross_build: 0 passed, 1 failed"; exit 1; }
  builds+=("$b")
done
run_matrix() { # $1 = kvl binary, $2 = out dir
  local K=$1 O=$2 i=0
  rm -rf "$O"; mkdir -p "$O"
  for kind in gauss qwen3-k dsv4 heavy; do
    "$K" gen --kind $kind --n 1500 --dim 128 --seed 3 "$O/$kind.f32" || return 1
    "$K" gen --kind $kind --n 300 --dim 512 --seed 4 "$O/$kind-512.f32" || return 1
  done
  "$K" gen --kind dsv4 --n 300 --dim 576 --seed 5 "$O/dsv4-576.f32" || return 1
  while read -r dim in args; do
    i=$((i+1))
    "$K" encode --dim $dim $args "$O/$in" "$O/e$i.kvl" || { echo "encode failed: $args"; return 1; }
    for dt in f32 f16 bf16; do "$K" decode --out-dtype $dt "$O/e$i.kvl" "$O/e$i.$dt" 2>/dev/null || echo "range" > "$O/e$i.$dt"; done
  done <<'M'
128 gauss.f32 --codec d4 --q 38
128 gauss.f32 --codec e8 --q 10
128 qwen3-k.f32 --codec d4 --q 152 --outliers 4
128 qwen3-k.f32 --codec e8 --q 38 --skeleton pca:4
128 dsv4.f32 --codec d4 --q 5 --skeleton mean
128 dsv4.f32 --codec e8 --q 127 --outliers 16 --skeleton pca:8
128 heavy.f32 --codec d4 --q 4095 --outliers 8
128 heavy.f32 --codec e8 --q 1 --skeleton mean
128 heavy.f32 --codec fp8 --fp8-block 32 --fp8-scale ue8m0
128 qwen3-k.f32 --codec fp8 --fp8-block 64 --fp8-scale f32
128 dsv4.f32 --codec fp8 --fp8-block 128 --fp8-scale f16
128 gauss.f32 --codec raw
512 gauss-512.f32 --codec e8 --q 38 --skeleton pca:2 --outliers 4
512 heavy-512.f32 --codec d4 --q 76 --skeleton mean
576 dsv4-576.f32 --codec fp8 --fp8-split-rope --fp8-block 64
M
}
ref_sums=""; pass=0; fail=0
runs=()
for b in "${builds[@]}"; do runs+=("$b|"); done
[ "${#builds[@]}" -ge 1 ] && runs+=("${builds[0]}|ref")
for r in "${runs[@]}"; do
  b=${r%%|*}; lvl=${r#*|}; o="$b.out${lvl:+-cpu-$lvl}"
  KVL_CPU=$lvl run_matrix "$b/kvl" "$o" || { echo "FAIL: matrix on $b ${lvl:+(KVL_CPU=$lvl)}"; fail=$((fail+1)); continue; }
  sums=$(cd "$o" && sha256sum * | sort -k2)
  b="$b${lvl:+ (KVL_CPU=$lvl)}"
  if [ -z "$ref_sums" ]; then ref_sums=$sums; ref=$b; pass=$((pass+1)); continue; fi
  if [ "$sums" = "$ref_sums" ]; then pass=$((pass+1)); else
    fail=$((fail+1)); echo "FAIL: $b differs from $ref:"; diff <(echo "$ref_sums") <(echo "$sums") | head -20
  fi
done
echo "outputs compared per build: $(echo "$ref_sums" | wc -l); builds: ${#builds[@]}"
echo "cross_build: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "${#builds[@]}" -ge 2 ]
