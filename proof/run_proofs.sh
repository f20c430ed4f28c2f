#!/bin/sh
# proof/run_proofs.sh -- machine-checked proofs of the reference codec (issue 6).
#
# Runs Frama-C/WP (with -wp-rte) on the real reference sources in ref/, one
# job per function (and one per file for its ACSL lemmas), each under a time
# limit, and writes a table of goals proved per file and function to
# proof/results.md (or $KVL_PROOF_RESULTS). Exit status: 0 when every goal is
# proved, 1 when a goal is unproved or a job fails, 77 when the tools are not
# installed (CTest SKIP_RETURN_CODE). Installs nothing: scripts/deps.sh does
# (Debian: frama-c-base why3 z3 cvc5).
#
# Environment: KVL_PROOF_OUT (work directory, default build-proof/proof),
# KVL_PROOF_RESULTS (results file), KVL_PROOF_PAR (prover processes, default 2),
# KVL_PROOF_TIMEOUT (seconds per goal, default 20), KVL_PROOF_JOB_TIMEOUT
# (seconds per job, default 300), KVL_PROOF_ONLY (run only jobs whose
# "file:function" contains this string; results then go to the work directory).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${KVL_PROOF_OUT:-$root/build-proof/proof}
par=${KVL_PROOF_PAR:-2}
gtimeout=${KVL_PROOF_TIMEOUT:-20}
jtimeout=${KVL_PROOF_JOB_TIMEOUT:-300}
only=${KVL_PROOF_ONLY:-}
if [ -n "$only" ]; then
    results=${KVL_PROOF_RESULTS:-$out/results-partial.md}
else
    results=${KVL_PROOF_RESULTS:-$here/results.md}
fi

for tool in frama-c why3 z3 cvc5 timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "run_proofs: '$tool' not found; install frama-c-base why3 z3 cvc5 (scripts/deps.sh)" >&2
        exit 77
    fi
done

mkdir -p "$out/logs"
WHY3CONFIG=$out/why3.conf
export WHY3CONFIG
"$here/why3conf.sh" "$WHY3CONFIG" || { echo "run_proofs: why3 configuration failed" >&2; exit 1; }

# Options shared by every job (proof/README.md explains each):
#  -machdep x86_64         LP64 target (size_t 64-bit), as the builds
#  -warn-special-float none  Inf/NaN results of float operations are defined
#                          behaviour the codec checks explicitly (spec §2.1);
#                          every other RTE class stays on (signed overflow,
#                          shifts, memory access, division, float->int casts)
#  -wp-rte                 prove the absence of run-time errors
common="-machdep x86_64 -warn-special-float none -wp -wp-rte -wp-prover z3,cvc5 -wp-par $par -wp-timeout $gtimeout"
cpp="-I$root/include -I$root/ref"
bitauto="-wp-auto wp:bitshift,wp:bitrange,wp:range,wp:split"

# Jobs: file | function (or "lemmas:" + comma-separated lemma names) | extra options
jobs() {
    cat <<'EOT'
ref/bits.c|kvl_br_init|
ref/bits.c|kvl_br_get|
ref/bits.c|kvl_br_seek|
ref/bits.c|kvl_bw_init|
ref/bits.c|kvl_bw_put|
ref/bits.c|kvl_bw_seek|
ref/crc32c.c|kvl_crc32c|
ref/float_bits.c|kvl_f32_to_bits|
ref/float_bits.c|kvl_bits_to_f32|
ref/float_bits.c|kvl_f32_is_finite|
ref/float_bits.c|msb_index|
ref/float_bits.c|f32_bits_from_small_int|
ref/float_bits.c|kvl_f16_to_f32|
ref/float_bits.c|kvl_bf16_to_f32|
ref/float_bits.c|kvl_e4m3_to_f32|
ref/float_bits.c|round_magnitude|BITAUTO
ref/float_bits.c|kvl_f32_to_f16|
ref/float_bits.c|kvl_f32_to_bf16|
ref/float_bits.c|kvl_f32_to_e4m3|
ref/float_bits.c|kvl_f32_to_f16_up|
ref/float_bits.c|kvl_round_even|BITAUTO
ref/wht.c|lemmas:kvl_mod_step,kvl_pow2_double,kvl_group_fits|
ref/wht.c|kvl_fwht_f32|
ref/wht.c|kvl_fwht_i32|
ref/lattice.c|lemmas:kvl_mul_le,kvl_u32_of_i32|
ref/lattice.c|pow_u64|
ref/lattice.c|width_of|
ref/lattice.c|kvl_lattice_get_info|
ref/lattice.c|kvl_d4_rank|
ref/lattice.c|kvl_e8_rank|
ref/lattice.c|kvl_d4_unrank|
ref/lattice.c|kvl_e8_unrank|
EOT
}

# number after "label:" on the prover summary lines of a WP log
count_of() { sed -n "s/^  $1:[^0-9]*\([0-9][0-9]*\).*/\1/p" "$2" | head -n 1; }

rows=$out/rows.txt
: >"$rows"
fail=0
total_goals=0
total_proved=0
start_all=$(date +%s)
jobs | while IFS='|' read -r file fn extra; do
    [ -n "$file" ] || continue
    case "$file:$fn" in *"$only"*) ;; *) continue ;; esac
    tag=$(echo "$file-$fn" | tr '/:,' '___' | cut -c1-80)
    log=$out/logs/$tag.log
    opts=""
    [ "$extra" = "BITAUTO" ] && opts=$bitauto
    case "$fn" in
        lemmas:*) sel="-wp-prop ${fn#lemmas:}" ;;
        *) sel="-wp-fct $fn" ;;
    esac
    t0=$(date +%s)
    # shellcheck disable=SC2086
    timeout "$jtimeout" frama-c $common -cpp-extra-args="$cpp" $opts "$root/$file" $sel >"$log" 2>&1
    rc=$?
    t1=$(date +%s)
    line=$(sed -n 's/^\[wp\] Proved goals: *\([0-9]*\) *\/ *\([0-9]*\).*/\1 \2/p' "$log" | tail -n 1)
    proved=${line% *}
    goals=${line#* }
    if [ -z "$line" ]; then
        proved=0
        goals=?
    fi
    qed=$(count_of Qed "$log")
    z3n=$(count_of "Z3 [0-9.]*" "$log")
    cvc5n=$(count_of "CVC5 [0-9.]*" "$log")
    script=$(count_of Script "$log")
    hyp=$(grep -c "Memory model hypotheses" "$log")
    status=ok
    if [ "$rc" -ne 0 ] || [ "$goals" = "?" ] || [ "$proved" != "$goals" ]; then
        status=FAIL
    fi
    if grep -q "^\[kernel\] User Error\|^\[kernel\] Frama-C aborted" "$log"; then status=FAIL; fi
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$file" "$fn" "$goals" "$proved" "${qed:-0}" \
        "${z3n:-0}" "${cvc5n:-0}" "${script:-0}" "$((t1 - t0))" "$status$( [ "$hyp" -gt 0 ] && echo ' (hyp)')" >>"$rows"
    printf '%-18s %-48s %5s / %-5s %4ss %s\n' "$file" "$fn" "$proved" "$goals" "$((t1 - t0))" "$status"
done
end_all=$(date +%s)

# results table
{
    echo "# WP proof results"
    echo
    echo "Generated by \`proof/run_proofs.sh\` (do not edit by hand). $(frama-c -version 2>/dev/null | head -n 1),"
    echo "Why3 $(why3 --version 2>/dev/null | sed 's/.*version //'), $(z3 --version 2>/dev/null), cvc5 $(cvc5 --version 2>/dev/null | sed -n 's/^This is cvc5 version //p')."
    echo "Options: \`$common\` (per-goal timeout ${gtimeout} s); jobs marked * add \`$bitauto\`."
    echo "Host: $(nproc) cores; wall time $((end_all - start_all)) s."
    echo
    echo "Provers columns count goals each prover proved (both run on every goal Qed leaves, so they can add up to more than the total); Script = WP tactic scripts."
    echo
    echo "| File | Function | Goals | Proved | Qed | Z3 | CVC5 | Script | Time (s) | Status |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' "$rows"
    awk -F'|' '{ g += $3; p += $4; t += $9 } END { printf "| **Total** | | **%d** | **%d** | | | | | %d | |\n", g, p, t }' "$rows"
    echo
    echo "Per file:"
    echo
    echo "| File | Goals | Proved |"
    echo "|---|---:|---:|"
    awk -F'|' '{ g[$1] += $3; p[$1] += $4; if (!($1 in o)) { o[$1] = n++ ; f[n-1] = $1 } } END { for (i = 0; i < n; i++) printf "| %s | %d | %d |\n", f[i], g[f[i]], p[f[i]] }' "$rows"
} >"$results"
# mark BITAUTO jobs
for fn in $(jobs | awk -F'|' '$3 == "BITAUTO" { print $2 }'); do
    sed -i "s/^| \([^|]*\) | $fn | /| \1 | $fn* | /" "$results"
done

if grep -q "FAIL" "$rows"; then
    echo "run_proofs: some goals are not proved; see $results and $out/logs" >&2
    exit 1
fi
if [ ! -s "$rows" ]; then
    echo "run_proofs: no job ran" >&2
    exit 1
fi
echo "run_proofs: all goals proved ($results)"
exit 0
