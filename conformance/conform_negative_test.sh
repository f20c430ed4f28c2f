#!/usr/bin/env bash
# The runner's own negative test: kvl-conform must fail wrong implementations,
# with the right reason, and must refuse a damaged vector set.
# usage: conform_negative_test.sh KVL_CONFORM KVL LIBKVLC_WRONG VECTORS WORKDIR
set -u
C=${1:?kvl-conform}; K=${2:?kvl}; W=${3:?libkvlc_wrong.so}; V=${4:?vectors}; D=${5:?workdir}
rm -rf "$D" && mkdir -p "$D" || exit 1
pass=0; fail=0
ok()  { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
# expect_rc WANT NAME CMD...: run, keep stdout+stderr in $D/NAME.log
expect_rc() {
  local want=$1 name=$2; shift 2
  "$@" >"$D/$name.log" 2>&1; local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$name: exit $got, expected $want"; tail -5 "$D/$name.log"; fi
}
# has FILE PATTERN NAME: FILE contains PATTERN (grep -E)
has() { if grep -Eq -- "$2" "$1"; then ok; else bad "$3: '$2' not in $1"; fi; }
hasnt() { if grep -Eq -- "$2" "$1"; then bad "$3: '$2' in $1"; else ok; fi; }

# Cases to aim at, from the vector set itself.
list() { "$C" --vectors "$V" --list "$@" | grep -v -e ' cases selected$' -e '^accumulated '; }
faulty=$(list --group faulty --no-encode | grep ' decode ' | head -1 | cut -d' ' -f1)
valid=$(list --group valid --no-encode | grep ' decode ' | head -1 | cut -d' ' -f1)
crc=$(list --group faulty --no-encode | grep ' decode ' | grep -i crc | head -1 | cut -d' ' -f1)
enc=$(list --group valid --no-decode | grep ' encode$\| encode ' | grep -v multi-tensor | head -1 | cut -d' ' -f1)
for v in faulty valid crc enc; do
  if [ -z "${!v}" ]; then echo "no $v case in $V"; exit 1; fi
done
echo "aiming at: $faulty $valid $crc $enc"

# ---- wrong command-line decoders ------------------------------------------------
cat >"$D/truncating-decoder.sh" <<EOF
#!/usr/bin/env bash
# kvl decode, then drop the last byte of the output
"$K" decode --out-dtype "\$1" "\$2" "\$3" || exit \$?
size=\$(stat -c %s "\$3"); [ "\$size" -gt 0 ] && truncate -s \$((size-1)) "\$3"
exit 0
EOF
chmod +x "$D/truncating-decoder.sh"
expect_rc 1 truncating "$C" --vectors "$V" --group valid --no-encode \
  --decoder "$D/truncating-decoder.sh {dtype} {in} {out}" --results "$D/truncating.json" --report "$D/truncating.md"
has "$D/truncating.md" '^\*\*Result: FAIL\*\*' truncating
has "$D/truncating.md" '^## Failing cases' truncating
has "$D/truncating.md" "^\| \`$valid\` \| decode f32 \|.*expected 0x[0-9a-f]{2}, got end" truncating
has "$D/truncating.md" 'read spec §' truncating
has "$D/truncating.json" '"first_difference"' truncating

# `false`: fails everything; strict errors fail the faulty cases, lenient ones pass them
expect_rc 1 false-strict "$C" --vectors "$V" --case "$faulty" --no-encode --decoder "false {in} {out}" \
  --report "$D/false.md"
has "$D/false.md" "^\| \`$faulty\` \| decode f32 \|.*no KVL_ERR_ class" false-strict
expect_rc 0 false-lenient "$C" --vectors "$V" --case "$faulty" --no-encode --decoder "false {in} {out}" \
  --lenient-errors
expect_rc 1 false-valid "$C" --vectors "$V" --case "$valid" --no-encode --decoder "false {in} {out}"

# a decoder that names the wrong class
expect_rc 1 wrong-class "$C" --vectors "$V" --case "$crc" --no-encode \
  --decoder "bash -c 'echo \"error (KVL_ERR_MAGIC)\" >&2; exit 1' sh {in} {out}" --results "$D/class.json"
has "$D/class.json" '"got": "error MAGIC \(2\)"' wrong-class

# a crashing decoder, a hanging decoder, a decoder that writes nothing
expect_rc 1 crash-cli "$C" --vectors "$V" --case "$valid" --no-encode \
  --decoder "bash -c 'kill -SEGV \$\$' sh {in} {out}" --results "$D/crash-cli.json"
has "$D/crash-cli.json" '"got": "crashed \(signal 11\)"' crash-cli
expect_rc 1 timeout-cli "$C" --vectors "$V" --case "$valid" --no-encode --dtype f16 --timeout 0.5 \
  --decoder "bash -c 'sleep 30' sh {in} {out}" --results "$D/timeout-cli.json"
has "$D/timeout-cli.json" '"got": "timeout"' timeout-cli
expect_rc 1 no-output "$C" --vectors "$V" --case "$valid" --no-encode --decoder "true {in} {out}" \
  --results "$D/no-output.json"
has "$D/no-output.json" 'exit 0 but no output file' no-output

# ---- a deliberately wrong library (conform_wrong_lib.c) ----------------------------
wrong() { # wrong MODE RC PATTERN SELECTION...
  local mode=$1 rc=$2 pat=$3; shift 3
  KVLC_WRONG=$mode expect_rc "$rc" "lib-$mode" "$C" --vectors "$V" --lib "$W" --no-accumulated \
    --timeout 1 --results "$D/lib-$mode.json" "$@"
  has "$D/lib-$mode.json" "$pat" "lib-$mode"
}
wrong none 0 '"result": "pass"' --case "$valid" --case "$crc" --case "$enc"
wrong flip 1 '"offset": 7' --case "$valid" --no-encode
wrong overflow 1 'wrote past the end of the output buffer' --case "$valid" --no-encode
wrong readpast 1 '"got": "crashed \(signal (11|7)\)"' --case "$valid" --no-encode
wrong crash 1 '"got": "crashed \(signal 11\)"' --case "$crc" --no-encode
wrong hang 1 '"got": "timeout"' --case "$crc" --no-encode --dtype f32
wrong exit 1 'ended the process' --case "$enc" --no-decode
wrong class 1 '"got": "error FIELD \(5\)"' --case "$crc" --no-encode
KVLC_WRONG=class expect_rc 0 lib-class-lenient "$C" --vectors "$V" --lib "$W" --no-accumulated \
  --case "$crc" --no-encode --lenient-errors
wrong unsupported 1 '"got": "error UNSUPPORTED \(9\)"' --case "$valid" --no-encode
# the crash of one case does not stop the run: the other case still passes
KVLC_WRONG=crash expect_rc 1 lib-crash-continues "$C" --vectors "$V" --lib "$W" --no-accumulated \
  --case "$crc" --case "$valid" --no-encode --results "$D/continues.json"
has "$D/continues.json" '"pass": 1,' lib-crash-continues
# accumulated vectors: a wrong decoder changes the digest (a short run has no published
# digest, so compare with the reference's digest for the same count)
"$C" --vectors "$V" --lib "$W" --no-encode --only-accumulated --acc-cases 200 --profile lattice-d4 \
  --results "$D/acc-ref.json" >/dev/null 2>&1
KVLC_WRONG=flip "$C" --vectors "$V" --lib "$W" --no-encode --only-accumulated --acc-cases 200 \
  --profile lattice-d4 --results "$D/acc-flip.json" >/dev/null 2>&1
a=$(grep '"got_sha256"' "$D/acc-ref.json"); b=$(grep '"got_sha256"' "$D/acc-flip.json")
if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]; then ok; else bad "accumulated digest unchanged by a wrong decoder ($a / $b)"; fi

# ---- damaged vector sets ----------------------------------------------------------
cp -r "$V" "$D/vectors" || exit 1
expect_rc 0 manifest-ok "$C" --vectors "$D/vectors" --verify-manifest
f="$D/vectors/$crc/stream.kvl"
b=$(od -An -tu1 -j20 -N1 "$f" | tr -d ' ')
printf "\\$(printf %o $((b ^ 255)))" | dd of="$f" bs=1 seek=20 conv=notrunc status=none
expect_rc 3 manifest-byte "$C" --vectors "$D/vectors" --verify-manifest
has "$D/manifest-byte.log" "$crc/stream.kvl: SHA-256 mismatch" manifest-byte
expect_rc 3 manifest-byte-run "$C" --vectors "$D/vectors" --lib "$W" --case "$valid"
rm -rf "$D/vectors" && cp -r "$V" "$D/vectors"
rm -rf "$D/vectors/$valid"
expect_rc 3 manifest-missing "$C" --vectors "$D/vectors" --verify-manifest
has "$D/manifest-missing.log" "$valid" manifest-missing
expect_rc 3 manifest-none "$C" --vectors "$D/no-such-dir" --verify-manifest

# ---- usage errors -------------------------------------------------------------------
expect_rc 2 usage-nothing "$C" --vectors "$V"
expect_rc 2 usage-both "$C" --vectors "$V" --lib "$W" --decoder "x {in} {out}"
expect_rc 2 usage-acc-cli "$C" --vectors "$V" --decoder "$K {in} {out}" --accumulated
expect_rc 2 usage-only-acc-cli "$C" --vectors "$V" --decoder "$K {in} {out}" --only-accumulated
expect_rc 2 usage-placeholder "$C" --vectors "$V" --decoder "$K {input} {out}"
expect_rc 2 usage-params-decoder "$C" --vectors "$V" --decoder "$K {params} {in} {out}"
expect_rc 2 usage-no-program "$C" --vectors "$V" --decoder "/no/such/decoder {in} {out}"
expect_rc 2 usage-group "$C" --vectors "$V" --lib "$W" --group bogus
expect_rc 2 usage-profile "$C" --vectors "$V" --lib "$W" --profile bogus
expect_rc 2 usage-not-a-lib "$C" --vectors "$V" --lib "$K"

echo "conform_negative: $pass passed, $fail failed"
[ "$fail" = 0 ]
