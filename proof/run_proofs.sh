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
# The whole script is one compound command, so sh parses it completely before
# running: editing this file while a run is in progress cannot break that run.
{

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
# Jobs on ref/chunk.c: kvl_active_kernels() gets its contract from
# proof/kvl_proof_kernels.h (the reference table, whose entries WP reads from
# the initializer in ref/kernels.c); the static helper skeleton_bytes() is
# inlined (chunk.c is shared with other work: only ACSL inside the parsing
# functions is added there). The `calls kvl_crc32c` annotation makes WP prove
# that the table entry called is kvl_crc32c (goal "call_point"), which
# subsumes RTE's \valid_function check (not supported by WP 25, hence
# -rte-no-pointer-call).
kernels="-cpp-extra-args=-include,$here/kvl_proof_kernels.h -inline-calls skeleton_bytes -rte-no-pointer-call $root/ref/kernels.c"

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
ref/layout.c|is_lattice_dim|
ref/layout.c|log2_u32|
ref/layout.c|lattice_info|
ref/layout.c|layout_raw|
ref/layout.c|layout_fp8|
ref/layout.c|layout_lattice|
ref/layout.c|kvl_layout_make|PENDING
ref/stream_reader.c|magic_differs|
ref/stream_reader.c|fail|
ref/stream_reader.c|parse_tensor|
ref/stream_reader.c|parse_file_header|
ref/stream_reader.c|kvl_reader_init|
ref/stream_reader.c|kvl_reader_next|PENDING
ref/stream_reader.c|kvl_verify|PENDING
ref/chunk.c|kvl_section_parse|KERNELS
ref/chunk.c|kvl_chunk_parse|KERNELS,PENDING
ref/chunk.c|check_out|KERNELS
ref/chunk.c|view_layout|KERNELS,PENDING
ref/chunk.c|kvl_chunk_decode|KERNELS,PENDING
ref/chunk.c|kvl_chunk_decode_vector|KERNELS,PENDING
ref/chunk.c|kvl_chunk_validate|KERNELS,PENDING
ref/codec_lattice.c|kvl_skel_load|
ref/codec_lattice.c|kvl_lattice_decode_vector|PENDING
ref/codec_raw.c|kvl_raw_decode_vector|
ref/codec_raw.c|kvl_raw_value|
ref/codec_fp8.c|ue8m0_value|
ref/codec_fp8.c|read_scale|
ref/codec_fp8.c|kvl_fp8_decode_vector|PENDING
ref/codec_fp8.c|kvl_fp8_value|
ref/dtype.c|kvl_dtype_size|
ref/dtype.c|kvl_load_as_f32|CAST
ref/dtype.c|kvl_store_from_f32|CAST
ref/records.c|lemmas:kvl_rec_mul_step|
ref/records.c|decode_record|
ref/records.c|decode_store|CAST,PENDING
ref/records.c|kvl_ref_decode_records|CAST,PENDING
ref/records.c|kvl_ref_validate_records|
EOT
}

# number after "label:" on the prover summary lines of a WP log
count_of() { sed -n "s/^  $1:[^0-9]*\([0-9][0-9]*\).*/\1/p" "$2" | head -n 1; }

rows=$out/rows.txt
: >"$rows"
: >"$out/pending.txt"
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
    case ",$extra," in *,BITAUTO,*) opts="$opts $bitauto" ;; esac
    case ",$extra," in *,KERNELS,*) opts="$opts $kernels" ;; esac
    case ",$extra," in *,CAST,*) opts="$opts -wp-model Typed+cast" ;; esac
    # PENDING: not yet proved at 100 % (proof/README.md, "Not yet covered");
    # listed in the table, run only with KVL_PROOF_PENDING=1.
    case ",$extra," in *,PENDING,*)
        if [ "${KVL_PROOF_PENDING:-0}" != 1 ]; then
            echo "$file|$fn" >>"$out/pending.txt"
            printf '%-18s %-48s pending (not run)\n' "$file" "$fn"
            continue
        fi ;;
    esac
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

# EVA on the whole decoder (proof/eva_main.c: kvl_verify, the reader,
# kvl_chunk_parse, kvl_chunk_decode_vector, kvl_chunk_decode and
# kvl_chunk_validate on an arbitrary buffer of 0 .. 160 unknown bytes;
# proof/README.md "EVA"). EVA analyses the body of every function except those
# in eva_spec, whose WP-proved contracts it uses instead, checking their
# preconditions at every call site. Counts:
#   alarms    possible run-time errors (EVA's "N alarms generated by the analysis")
#   spec_pre  preconditions of eva_spec functions EVA could not prove at a call
#             site (a gap unless WP proves them in the caller's job; listed)
#   other     other ACSL properties (the WP contracts, assertions, loop
#             invariants) that EVA finds unknown or invalid: WP's to prove;
#             EVA assumes them after checking them (proof/README.md "EVA")
# Fails when alarms > 0, when EVA finds an annotation invalid (it would cut
# the paths through it), or when the analysis does not complete.
eva_spec=kvl_fwht_i32
eva_opts="-eva-precision ${KVL_EVA_PRECISION:-1} -eva-split-return auto -eva-use-spec $eva_spec"
eva_row=$out/eva.txt
eva_list=$out/eva-unproved.txt
: >"$eva_row"
: >"$eva_list"
case "eva" in *"$only"*)
    evalog=$out/logs/eva.log
    t0=$(date +%s)
    # shellcheck disable=SC2046,SC2086
    timeout "${KVL_EVA_TIMEOUT:-900}" frama-c -machdep x86_64 -warn-special-float none \
        -cpp-extra-args="$cpp -D__FRAMAC__" \
        $(ls "$root"/ref/*.c | grep -v stream_writer.c) "$here/eva_main.c" \
        -eva $eva_opts -eva-no-show-progress >"$evalog" 2>&1
    erc=$?
    t1=$(date +%s)
    # one line per message (EVA continues a message on indented lines)
    awk '/^\[/ { if (m != "") print m; m = $0; next } { sub(/^ +/, " "); m = m $0 } END { if (m != "") print m }' \
        "$evalog" | grep '^\[eva:alarm\]' | sed 's/ Warning: */ /' | sort -u >"$evalog.alarms"
    alarms=$(sed -n 's/^ *\([0-9][0-9]*\) alarms\{0,1\} generated by the analysis.*/\1/p' "$evalog" | head -n 1)
    alarms=${alarms:-0}
    spec_re=$(echo "$eva_spec" | sed 's/,/\\|/g')
    grep "function \($spec_re\): precondition.*got status \(unknown\|invalid\)" "$evalog.alarms" \
        | sed 's/^\[eva:alarm\] //' >"$eva_list"
    spec_pre=$(grep -c . "$eva_list")
    others=$(grep 'got status \(unknown\|invalid\)' "$evalog.alarms" | grep -v "function \($spec_re\): precondition")
    o_ass=$(printf '%s\n' "$others" | grep -c ' assertion')
    o_pre=$(printf '%s\n' "$others" | grep -c ' precondition')
    o_post=$(printf '%s\n' "$others" | grep -c ' postcondition')
    o_inv=$(printf '%s\n' "$others" | grep -c ' loop invariant')
    o_inval=$(printf '%s\n' "$others" | grep -v 'Behavior may be inactive' | grep -c 'got status invalid')
    other=$((o_ass + o_pre + o_post + o_inv))
    est=ok
    # an annotation EVA finds invalid cuts the states reaching it (the code
    # after it goes unanalysed): a failure as well
    # Known gaps (proof/eva_known.txt, see proof/README.md "EVA"): the run
    # fails when it finds more alarms or invalid annotations than recorded
    # there, so a regression is caught while the known ones are being closed.
    known_alarms=$(sed -n 's/^alarms=\([0-9]*\)$/\1/p' "$here/eva_known.txt" 2>/dev/null)
    known_invalid=$(sed -n 's/^invalid=\([0-9]*\)$/\1/p' "$here/eva_known.txt" 2>/dev/null)
    known_alarms=${known_alarms:-0}
    known_invalid=${known_invalid:-0}
    if [ "$erc" -ne 0 ] || [ "$alarms" -gt "$known_alarms" ] || [ "$o_inval" -gt "$known_invalid" ] ||
        ! grep -q 'ANALYSIS SUMMARY' "$evalog"; then est=FAIL
    elif [ "$alarms" -gt 0 ] || [ "$o_inval" -gt 0 ]; then est="known gaps (proof/eva_known.txt)"; fi
    echo "$alarms|$spec_pre|$other ($o_ass assertions, $o_pre preconditions, $o_post postconditions, $o_inv loop invariants; $o_inval invalid)|$((t1 - t0))|$est" >"$eva_row"
    printf '%-18s %-48s %5s alarms %4ss %s\n' "proof/eva_main.c" "EVA" "$alarms" "$((t1 - t0))" "$est"
    ;;
esac
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
    if [ -s "$out/pending.txt" ]; then
        echo "Not yet proved at 100 % (jobs marked PENDING, run only with \`KVL_PROOF_PENDING=1\`; proof/README.md, \"Not yet covered\", says what is open in each):"
        echo
        awk -F'|' '{ printf "- %s: `%s`\n", $1, $2 }' "$out/pending.txt"
        echo
    fi
    echo "Per file:"
    echo
    echo "| File | Goals | Proved |"
    echo "|---|---:|---:|"
    awk -F'|' '{ g[$1] += $3; p[$1] += $4; if (!($1 in o)) { o[$1] = n++ ; f[n-1] = $1 } } END { for (i = 0; i < n; i++) printf "| %s | %d | %d |\n", f[i], g[f[i]], p[f[i]] }' "$rows"
    if [ -s "$eva_row" ]; then
        echo
        echo "EVA (\`proof/eva_main.c\`: every ref/ decoder file on a buffer of 0 .. 160 arbitrary bytes; \`$eva_opts\`; proof/README.md \"EVA\"):"
        echo
        echo "| RTE alarms | Preconditions of \`-eva-use-spec\` functions not proved by EVA | Other ACSL properties EVA cannot decide (WP jobs prove them) | Time (s) | Status |"
        echo "|---:|---:|---|---:|---|"
        awk -F'|' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$eva_row"
        if [ -s "$eva_list" ]; then
            echo
            echo "Use-spec preconditions EVA leaves unknown (call site: property):"
            echo
            sed 's/^\([^ ]*\) *\(.*\)$/- \1 `\2`/' "$eva_list"
        fi
        if grep -v 'Behavior may be inactive' "$out/logs/eva.log.alarms" 2>/dev/null | grep -q 'got status invalid'; then
            echo
            echo "Annotations EVA finds invalid in some analysed state (it stops analysing that state: either the state is an over-approximation or the annotation is wrong):"
            echo
            grep -v 'Behavior may be inactive' "$out/logs/eva.log.alarms" | grep 'got status invalid' |
                sed 's/^\[eva:alarm\] \([^ ]*\) *\(.*\)$/- \1 `\2`/'
        fi
        if [ -s "$out/logs/eva.log.alarms" ]; then
            echo
            echo "RTE alarms:"
            echo
            grep -v 'got status' "$out/logs/eva.log.alarms" | sed 's/^\[eva:alarm\] \([^ ]*\) *\(.*\)$/- \1 `\2`/'
        fi
    fi
} >"$results"
# mark BITAUTO jobs
for fn in $(jobs | awk -F'|' '$3 == "BITAUTO" { print $2 }'); do
    sed -i "s/^| \([^|]*\) | $fn | /| \1 | $fn* | /" "$results"
done

if grep -q "FAIL" "$rows" "$eva_row"; then
    echo "run_proofs: some goals are not proved; see $results and $out/logs" >&2
    exit 1
fi
if [ ! -s "$rows" ]; then
    echo "run_proofs: no job ran" >&2
    exit 1
fi
echo "run_proofs: all goals proved ($results)"
exit 0
}
