#!/usr/bin/env python3
"""Line coverage of the reference DECODER (the functions a decoder runs, spec
§4-§9: parsing, CRC, validation, record decoding, output conversion) from an
llvm-cov profile. Usage: decoder_coverage.py PROFDATA BIN [BIN ...]
Prints per-function and total covered/instrumented lines."""
import re
import subprocess
import sys

DECODER_FUNCTIONS = [
    # stream_reader.c
    "kvl_reader_init", "parse_tensor", "kvl_reader_next", "fail", "kvl_verify",
    # chunk.c
    "kvl_section_parse", "kvl_chunk_parse", "skeleton_bytes", "view_layout", "check_out",
    "kvl_chunk_decode", "kvl_chunk_decode_vector", "kvl_chunk_validate",
    # records.c, codec_*.c
    "decode_record", "decode_store", "kvl_ref_decode_records", "kvl_ref_validate_records",
    "kvl_raw_decode_vector", "kvl_raw_value", "read_scale", "ue8m0_value", "kvl_fp8_decode_vector",
    "kvl_fp8_value", "kvl_skel_load", "kvl_lattice_decode_vector",
    # lattice.c, layout.c
    "pow_u64", "width_of", "kvl_lattice_get_info", "kvl_d4_unrank", "kvl_e8_unrank",
    "is_pow2", "log2_u32", "kvl_layout_make", "kvl_params_check", "kvl_record_size",
    # bits.c, float_bits.c, dtype.c, wht.c, crc32c.c
    "kvl_br_init", "kvl_br_get", "kvl_br_seek", "kvl_f32_to_bits", "kvl_bits_to_f32",
    "kvl_f32_is_finite", "msb_index", "f32_bits_from_small_int", "kvl_f16_to_f32",
    "kvl_bf16_to_f32", "kvl_e4m3_to_f32", "round_magnitude", "kvl_f32_to_f16", "kvl_f32_to_bf16",
    "kvl_dtype_size", "kvl_store_from_f32", "kvl_fwht_i32", "kvl_crc32c",
]


def count_value(s):
    s = s.strip()
    if not s:
        return None
    mult = {"k": 1e3, "M": 1e6, "G": 1e9}.get(s[-1], 1)
    return float(s[:-1] if s[-1] in "kMG" else s) * mult


def main():
    prof, bins = sys.argv[1], sys.argv[2:]
    regex = "^([A-Za-z0-9_.]+:)?(" + "|".join(DECODER_FUNCTIONS) + ")$"
    cmd = ["llvm-cov", "show", bins[0]] + [a for b in bins[1:] for a in ("-object", b)] + [
        "-instr-profile=" + prof, "-name-regex=" + regex, "-show-line-counts", "-use-color=false"]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    per = {}
    func = None
    line_re = re.compile(r"^\s*(\d+)\|\s*([0-9.]+[kMG]?)?\|")
    for line in out.splitlines():
        if line and not line.startswith(" ") and line.endswith(":") and "|" not in line:
            func = line[:-1].split(":")[-1]
            per.setdefault(func, {})
            continue
        m = line_re.match(line)
        if func and m and m.group(2) is not None:
            per[func][int(m.group(1))] = max(per[func].get(int(m.group(1)), 0), count_value(m.group(2)))
    total = hit = 0
    missed = []
    for f in sorted(per):
        n = len(per[f])
        h = sum(1 for c in per[f].values() if c > 0)
        total += n
        hit += h
        if h < n:
            missed.append(f"{f}: {h}/{n} (lines {', '.join(str(l) for l, c in sorted(per[f].items()) if c == 0)})")
    print(f"reference decoder: {len(per)} functions, {hit}/{total} lines covered = {100.0 * hit / max(total, 1):.2f} %")
    for m in missed:
        print("  partly covered: " + m)


if __name__ == "__main__":
    main()
