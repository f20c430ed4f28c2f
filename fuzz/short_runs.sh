#!/usr/bin/env bash
# fuzz_short_runs: build the libFuzzer targets with clang (-DKVL_FUZZ=ON,
# ASan + UBSan) and run each for KVL_FUZZ_SECONDS (default 60) starting from
# a scratch copy of the committed corpus. Any crash, leak, sanitizer report or
# timeout fails the test; the input is kept under $work/artifacts/<target>/.
# Exit 77 (skip) when clang or libFuzzer is missing.
set -u
src=$1 work=$2
secs=${KVL_FUZZ_SECONDS:-60}
command -v clang >/dev/null 2>&1 || { echo "SKIP: clang not found"; exit 77; }
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}\n' > "$probe/p.c"
if ! clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" 2>/dev/null; then
  rm -rf "$probe"; echo "SKIP: clang has no libFuzzer"; exit 77
fi
rm -rf "$probe"
mkdir -p "$work"
CC=clang cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKVL_FUZZ=ON -DKVL_CUDA=OFF \
  -DBUILD_TESTING=OFF >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
# the targets this configuration defines (differential needs KVL_FAST)
available=$(cmake --build "$work/build" --target help 2>/dev/null | sed -n 's/^\.\.\. //p')
targets=""
for t in $(ls "$src"/fuzz/corpus); do
  if echo "$available" | grep -qx "$t"; then targets="$targets $t"; else echo "$t: no such target in this build, skipped"; fi
done
cmake --build "$work/build" -j"$(nproc)" --target $targets >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
fail=0
run_one() {
  local t=$1 corpus="$work/corpus/$1" art="$work/artifacts/$1/"
  [ -x "$work/build/fuzz/$t" ] || { echo "$t: not built (no AVX2 build?), skipped"; return 0; }
  rm -rf "$corpus" "$art"; mkdir -p "$corpus" "$art"
  cp "$src/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null
  "$work/build/fuzz/$t" "$corpus" -dict="$src/fuzz/kvl.dict" -max_total_time="$secs" -timeout=20 \
    -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 -artifact_prefix="$art" \
    >"$work/$t.log" 2>&1
  local rc=$?
  local execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$')
  if [ $rc -ne 0 ]; then
    echo "FAIL $t (exit $rc): $(ls "$art")"; tail -30 "$work/$t.log"; return 1
  fi
  echo "ok   $t: ${execs:-?} runs in ${secs} s"
}
pids=()
for t in $targets; do
  run_one "$t" > "$work/$t.summary" 2>&1 &
  pids+=($!)
  # two at a time (CI has 2 cores)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}" || fail=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
cat "$work"/*.summary
[ $fail -eq 0 ] && echo "fuzz_short_runs: no crash" || echo "fuzz_short_runs: FAILED"
exit $fail
