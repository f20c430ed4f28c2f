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
common="-machdep x86_64 -warn-special-float none -wp -wp-rte -wp-prover cvc5,z3 -wp-par $par -wp-timeout $gtimeout"
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
ref/lattice.c|lemmas:kvl_odd_digit_step,kvl_div_p4,kvl_div_p3,kvl_div_p2,kvl_d4_count_bound|
ref/lattice.c|lemmas:kvl_div_lt,kvl_ipow_step,kvl_div_p8,kvl_div_p7,kvl_div_p6,kvl_div_p5,kvl_e8_count_bound,kvl_even_double|
ref/lattice.c|pow_u64|
ref/lattice.c|width_of|
ref/lattice.c|kvl_lattice_get_info|
ref/lattice.c|kvl_d4_rank|
ref/lattice.c|kvl_e8_rank|
ref/lattice.c|d4_digit|
ref/lattice.c|kvl_d4_unrank|
ref/lattice.c|kvl_e8_unrank|
ref/layout.c|is_lattice_dim|
ref/layout.c|log2_u32|
ref/layout.c|lattice_info|
ref/layout.c|layout_raw|
ref/layout.c|layout_fp8|
ref/layout.c|layout_lattice|
ref/layout.c|layout_fields|
ref/layout.c|kvl_layout_make|
ref/stream_reader.c|magic_differs|
ref/stream_reader.c|fail|
ref/stream_reader.c|tensor_copy|
ref/stream_reader.c|parse_tensor|
ref/stream_reader.c|parse_file_header|
ref/stream_reader.c|kvl_reader_init|
ref/stream_reader.c|section_tens|
ref/stream_reader.c|lemmas:kvl_view_in_ok|
ref/stream_reader.c|section_chnk|
ref/stream_reader.c|section_tend|
ref/stream_reader.c|section_fend|
ref/stream_reader.c|event_clear|
ref/stream_reader.c|known_section|
ref/stream_reader.c|kvl_reader_next|
ref/stream_reader.c|kvl_verify|
ref/chunk.c|lemmas:kvl_mul_step,kvl_mul_bound|KERNELS
ref/chunk.c|kvl_section_parse|KERNELS
ref/chunk.c|chunk_section|KERNELS
ref/chunk.c|chunk_fields|KERNELS
ref/chunk.c|mode_params|KERNELS
ref/chunk.c|chunk_body_size|KERNELS
ref/chunk.c|chunk_sizes|KERNELS
ref/chunk.c|chunk_view_set|KERNELS
ref/chunk.c|skeleton_finite|KERNELS
ref/chunk.c|chunk_view_close|KERNELS
ref/chunk.c|view_clear|KERNELS
ref/chunk.c|kvl_chunk_parse|KERNELS,NOPROP=view_in
ref/chunk.c|kvl_chunk_parse@view_in|KERNELS,SPLIT
ref/chunk.c|check_out|KERNELS
ref/chunk.c|view_layout|KERNELS
ref/chunk.c|kvl_chunk_decode|KERNELS,CAST
ref/chunk.c|kvl_chunk_decode_vector|KERNELS,CAST
ref/chunk.c|kvl_chunk_validate|KERNELS
ref/codec_lattice.c|kvl_skel_load|
ref/codec_lattice.c|read_scale_coefs|
ref/codec_lattice.c|read_slots|
ref/codec_lattice.c|unrank_block|
ref/codec_lattice.c|read_codes|
ref/codec_lattice.c|correct_and_transform|
ref/codec_lattice.c|reconstruct|
ref/codec_lattice.c|kvl_lattice_decode_vector|
ref/codec_raw.c|kvl_raw_decode_vector|
ref/codec_raw.c|kvl_raw_value|
ref/codec_fp8.c|ue8m0_value|
ref/codec_fp8.c|read_scale|
ref/codec_fp8.c|decode_block|
ref/codec_fp8.c|decode_rope|
ref/codec_fp8.c|kvl_fp8_decode_vector|
ref/codec_fp8.c|kvl_fp8_value|
ref/dtype.c|kvl_dtype_size|
ref/dtype.c|kvl_load_as_f32|CAST
ref/dtype.c|kvl_store_from_f32|CAST
ref/records.c|lemmas:kvl_rec_mul_step,kvl_rec_fits_step,kvl_rec_batch_le,kvl_rec_out_bytes|
ref/records.c|decode_record|
ref/records.c|decode_store|CAST
ref/records.c|decode_batch|CAST
ref/records.c|kvl_ref_decode_records|CAST
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
    # SPLIT: WP's case-split tactic on the goal's paths (one slow postcondition)
    case ",$extra," in *,SPLIT,*) opts="$opts -wp-auto wp:split" ;; esac
    # NOPROP=name: leave out that property (it is the job "function@name")
    case ",$extra," in *,NOPROP=*)
        np=$(echo ",$extra," | sed 's/.*,NOPROP=\([^,]*\),.*/\1/'); opts="$opts -wp-prop=-$np" ;; esac
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
        *@*) sel="-wp-fct ${fn%@*} -wp-prop ${fn#*@}" ;; # one named property
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

# EVA on the whole decoder (proof/eva_main.c; proof/README.md "EVA"): three
# analyses of an arbitrary buffer of 0 .. 160 unknown bytes, one per entry
# point of eva_main.c. Each analyses the body of every function it reaches
# except those named after it (-eva-use-spec), whose WP-proved contracts it
# uses instead, checking their preconditions at every call site; the bodies
# of those functions are analysed by an earlier entry point (or, for
# kvl_fwht_i32, only by WP). Per analysis:
#   alarms    possible run-time errors ("N alarms generated by the analysis")
#   spec_pre  preconditions of use-spec functions EVA leaves unknown at a call
#             site: each is a WP goal of the calling function's job, and the
#             step fails unless that job ran and proved all its goals
#   other     other ACSL properties (the WP contracts, assertions, loop
#             invariants) that EVA finds unknown or invalid: WP's to prove;
#             EVA assumes them after checking them (proof/README.md "EVA")
# Fails when alarms > 0, when EVA finds an annotation invalid (it would cut
# the paths through it), when an analysis does not complete, or when a
# use-spec precondition has no proved WP job behind it.
eva_entries() {
    cat <<'EOT'
eva_records|kvl_fwht_i32
eva_sections|kvl_fwht_i32,kvl_ref_decode_records,kvl_ref_validate_records
eva_stream|kvl_fwht_i32,kvl_section_parse,kvl_chunk_parse,kvl_chunk_validate,kvl_chunk_decode_vector
EOT
}
# PENDING (as for the WP jobs): the entry runs and its counts and alarms are
# listed in the table, but do not fail the run; proof/README.md "Not yet
# covered" says what is open.
eva_common="-eva-precision ${KVL_EVA_PRECISION:-1} -eva-split-return auto -eva-print-callstacks"
eva_rows=$out/eva.txt
eva_list=$out/eva-spec-pre.txt
: >"$eva_rows"
: >"$eva_list"
: >"$out/eva-pending.txt"
eva_entries | while IFS='|' read -r entry espec epending; do
    [ -n "$entry" ] || continue
    case "eva:$entry" in *"$only"*) ;; *) continue ;; esac
    evalog=$out/logs/$entry.log
    t0=$(date +%s)
    # shellcheck disable=SC2046,SC2086
    timeout "${KVL_EVA_TIMEOUT:-900}" frama-c -machdep x86_64 -warn-special-float none \
        -cpp-extra-args="$cpp -D__FRAMAC__" \
        $(ls "$root"/ref/*.c | grep -v stream_writer.c) "$here/eva_main.c" \
        -main "$entry" -eva $eva_common -eva-use-spec "$espec" -eva-no-show-progress >"$evalog" 2>&1
    erc=$?
    t1=$(date +%s)
    # one line per message (EVA continues a message on indented lines)
    awk '/^\[/ { if (m != "") print m; m = $0; next } { sub(/^ +/, " "); m = m $0 } END { if (m != "") print m }' \
        "$evalog" | grep '^\[eva:alarm\]' | sed 's/ Warning: */ /' | sort -u >"$evalog.alarms"
    alarms=$(sed -n 's/^ *\([0-9][0-9]*\) alarms\{0,1\} generated by the analysis.*/\1/p' "$evalog" | head -n 1)
    alarms=${alarms:-0}
    spec_re=$(echo "$espec" | sed 's/,/\\|/g')
    # use-spec preconditions left unknown: "entry|caller|use-spec precondition|location property"
    grep " function \($spec_re\)\(, behavior [^:]*\)\{0,1\}: precondition.*got status \(unknown\|invalid\)" "$evalog.alarms" |
        sed 's/^\[eva:alarm\] \([^ ]*\) \(.*\) got status \([a-z]*\)\..* stack: [A-Za-z0-9_]* :: [^ ]* <- \([A-Za-z0-9_]*\) .*$/\4|use-spec precondition (\3)|\1 \2/' |
        sort -u | sed "s/^/$entry|/" >>"$eva_list"
    spec_pre=$(grep -c "^$entry|[^|]*|use-spec" "$eva_list")
    others=$(grep 'got status \(unknown\|invalid\)' "$evalog.alarms" |
        grep -v " function \($spec_re\)\(, behavior [^:]*\)\{0,1\}: precondition")
    # counted once per location and property (the call stacks stripped)
    uniq_others=$(printf '%s\n' "$others" | sed 's/ stack: .*//' | sort -u)
    o_ass=$(printf '%s\n' "$uniq_others" | grep -c ' assertion')
    o_pre=$(printf '%s\n' "$uniq_others" | grep -c ' precondition')
    o_post=$(printf '%s\n' "$uniq_others" | grep -c ' postcondition')
    o_inv=$(printf '%s\n' "$uniq_others" | grep -c ' loop invariant')
    # Annotations EVA finds invalid in some state (not "Behavior may be
    # inactive": that is a behaviour whose assumes do not hold there): EVA
    # drops that state, which is sound only if the annotation holds, so each
    # must be proved by a WP job: the caller's for a precondition, the
    # function's own for a postcondition, the enclosing function's for an
    # assertion or loop invariant.
    printf '%s\n' "$others" | grep -v 'Behavior may be inactive' | grep 'got status invalid' |
    while read -r line; do
        loc=$(echo "$line" | sed 's/^\[eva:alarm\] \([^ ]*\) .*/\1/')
        prop=$(echo "$line" | sed 's/^\[eva:alarm\] [^ ]* \(.*\) got status invalid.*/\1/')
        case "$line" in
            *" precondition "*" stack: "*)
                fn=$(echo "$line" | sed 's/.* stack: [A-Za-z0-9_]* :: [^ ]* <- \([A-Za-z0-9_]*\) .*/\1/') ;;
            *" function "*": postcondition"*|*" function "*", behavior "*": postcondition"*)
                fn=$(echo "$line" | sed 's/.* function \([A-Za-z0-9_]*\)[:,].*/\1/') ;;
            *)
                f=${loc%%:*}; l=${loc#*:}; l=${l%%:*}
                # frama-c names files relative to the working directory
                case "$f" in /*) ;; *) f=$PWD/$f ;; esac
                fn=$(awk -v n="$l" 'NR <= n && /^[A-Za-z_][A-Za-z0-9_ *]*\(/ && !/;/ { f = $0 } END { print f }' "$f" |
                    sed 's/(.*//; s/.*[ *]//') ;;
        esac
        printf '%s\n' "$entry|$fn|invalid in some state|${loc#"$root"/} $prop"
    done | sort -u >>"$eva_list"
    o_inval=$(grep -c "^$entry|[^|]*|invalid" "$eva_list")
    other=$((o_ass + o_pre + o_post + o_inv))
    est=ok
    if [ "$erc" -ne 0 ] || [ "$alarms" -gt 0 ] || ! grep -q 'ANALYSIS SUMMARY' "$evalog"; then est=FAIL; fi
    if [ "$epending" = PENDING ]; then
        [ "$est" = FAIL ] && est="PENDING: $alarms alarms (not counted)" || est="PENDING (ok)"
        echo "$entry" >>"$out/eva-pending.txt"
    fi
    echo "$entry|$espec|$alarms|$spec_pre|$other ($o_ass assertions, $o_pre preconditions, $o_post postconditions, $o_inv loop invariants; $o_inval invalid)|$((t1 - t0))|$est" >>"$eva_rows"
    printf '%-18s %-48s %5s alarms %4ss %s\n' "proof/eva_main.c" "$entry" "$alarms" "$((t1 - t0))" "$est"
done
# every use-spec precondition EVA left unknown must be a goal of a WP job
# that ran and proved all its goals (the caller's job; WP proves the callee's
# preconditions at each call site)
eva_pre=$out/eva-spec-pre-status.txt
: >"$eva_pre"
while IFS='|' read -r entry job kind prop; do
    st=$(awk -F'|' -v f="$job" '$2 == f { print $10 }' "$rows" | head -n 1)
    case "$st" in
        ok*) ;;
        *) if grep -qx "$entry" "$out/eva-pending.txt"; then st="PENDING (EVA entry pending; WP job ${st:-not run})"
           elif grep -q "|$job\$" "$out/pending.txt"; then st="PENDING (WP job pending)"
           elif [ -z "$st" ]; then st="FAIL (WP job of $job not run)"
           else st="FAIL (WP job $st)"; fi ;;
    esac
    printf '%s\n' "$entry|$job|$kind|$prop|$st" >>"$eva_pre" # not echo: \valid, \null
done <"$eva_list"
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
    if [ -s "$eva_rows" ]; then
        echo
        echo "EVA (\`proof/eva_main.c\`: every function body of the ref/ decoder on a buffer of 0 .. 160 arbitrary bytes, three entry points; \`$eva_common\`; proof/README.md \"EVA\"):"
        echo
        echo "| Entry point | Functions taken by their WP contract (\`-eva-use-spec\`) | RTE alarms | Use-spec preconditions left to WP | Other ACSL properties EVA cannot decide (WP jobs prove them) | Time (s) | Status |"
        echo "|---|---|---:|---:|---|---:|---|"
        awk -F'|' '{ printf "| `%s` | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$eva_rows"
        if [ -s "$eva_pre" ]; then
            echo
            echo "Properties EVA leaves to WP, and the WP job that proves each: preconditions of use-spec functions EVA cannot decide at a call site (WP proves a callee's preconditions at every call site of the caller), and annotations EVA finds invalid in some over-approximated state, which it then drops (sound because WP proves the annotation):"
            echo
            echo "| Entry point | WP job | Kind | Property | WP job status |"
            echo "|---|---|---|---|---|"
            awk -F'|' '{ printf "| `%s` | `%s` | `%s` | `%s` | %s |\n", $1, $2, $3, $4, $5 }' "$eva_pre"
        fi
        for entry in $(awk -F'|' '{ print $1 }' "$eva_rows"); do
            al=$out/logs/$entry.log.alarms
            if grep -q -v 'got status' "$al" 2>/dev/null; then
                echo
                echo "\`$entry\`: RTE alarms:"
                echo
                grep -v 'got status' "$al" | sed 's/^\[eva:alarm\] \([^ ]*\) *\(.*\) stack: \(.*\)$/- \1 `\2` (\3)/'
            fi
        done
    fi
} >"$results"
# mark BITAUTO jobs
for fn in $(jobs | awk -F'|' '$3 == "BITAUTO" { print $2 }'); do
    sed -i "s/^| \([^|]*\) | $fn | /| \1 | $fn* | /" "$results"
done

# KVL_PROOF_CHECK=<committed results.md> (set by the CTest proof_wp): every
# job of the committed table must have run here with the same number of
# goals, all proved, so a job that disappears or loses goals fails as well.
if [ -n "${KVL_PROOF_CHECK:-}" ] && [ -z "$only" ]; then
    grep '^| ref/' "$KVL_PROOF_CHECK" | awk -F'|' 'NF >= 12 { gsub(/ /, "", $2); gsub(/[ *]/, "", $3); gsub(/ /, "", $4); print $2 "|" $3 "|" $4 }' |
    while IFS='|' read -r cfile cfn cgoals; do
        got=$(awk -F'|' -v f="$cfile" -v g="$cfn" '$1 == f && $2 == g { print $3 }' "$rows" | head -n 1)
        if [ "$got" != "$cgoals" ]; then
            echo "run_proofs: $cfile $cfn: $cgoals goals in $KVL_PROOF_CHECK, ${got:-no job} here;" \
                "regenerate the table (cmake --build build --target proof) after changing proofs" >&2
            echo "$cfile|$cfn|FAIL" >>"$out/table-check.txt"
        fi
    done
    if [ -s "$out/table-check.txt" ]; then rm -f "$out/table-check.txt"; exit 1; fi
fi
if grep -q "FAIL" "$rows" "$eva_rows" "$eva_pre"; then
    echo "run_proofs: some goals are not proved; see $results and $out/logs" >&2
    exit 1
fi
if [ ! -s "$rows" ] && [ ! -s "$eva_rows" ]; then
    echo "run_proofs: no job ran" >&2
    exit 1
fi
echo "run_proofs: all goals proved ($results)"
exit 0
}
