#!/usr/bin/env python3
"""Mutation test of the conformance kit (issue: every wrong build is caught).

Each mutant is a deliberately wrong build of the reference: one exact text
replacement in one or more ref/ files, as a decoder or encoder bug a real
implementation could have. The test copies ref/, applies the mutant, builds
the conformance ABI (conformance/kvlc_ref.c) over it as a shared library,
runs kvl-conform on it and PASSES only if kvl-conform fails the build and
names the cases that caught it.

  mutation_test.py --list
  mutation_test.py --mutant NAME --root SRC --conform KVL_CONFORM --work DIR
                   [--cc CC] [--sources 'ref/a.c ref/b.c ...']
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

# name: (what it breaks, [(file, exact old text, new text), ...])
MUTANTS = {
    "ties-away": (
        "rne_int rounds ties away from zero (C roundf) instead of to even (spec §2.4)",
        [("ref/float_bits.c", "if (rem > half || (rem == half && (q & 1u))) {", "if (rem >= half) {")]),
    "reciprocal": (
        "the LATTICE encoder multiplies by 1/g instead of dividing by g (spec §10.4.3)",
        [("ref/codec_lattice.c", "z[i] = y[i] / g;", "z[i] = y[i] * (1.0f / g);")]),
    "e4m3-no-saturation": (
        "binary32 -> E4M3 overflows to the NaN code 0x7F instead of saturating to 448 (spec §2.2.3)",
        [("ref/float_bits.c", "    if (code > 0x7Eu) {\n        code = 0x7Eu;\n    }",
          "    if (code > 0x7Eu) {\n        code = 0x7Fu;\n    }")]),
    "crc-unchecked": (
        "the decoder does not compare header and section CRC-32C values (spec §4.1, §4.2)",
        [("ref/stream_reader.c", "if (crc != ", "if (0 && crc != "),
         ("ref/chunk.c", "if (crc != ", "if (0 && crc != ")]),
    "rank-off-by-one": (
        "D4 unrank decodes index i as point i + 1 (spec §7.6)",
        [("ref/lattice.c", "n = 2u * idx;                      /* <= R^4 - 1 */",
          "n = 2u * (idx + 1u);                /* <= R^4 - 1 */")]),
    "index-bound-off-by-one": (
        "the decoder accepts a block index equal to the codebook count (spec §7.7 step 4)",
        [("ref/lattice.c", "if (idx >= info.count)", "if (idx > info.count)")]),
    "argmax-last-index": (
        "outlier selection breaks magnitude ties toward the highest index (spec §10.4.2)",
        [("ref/codec_lattice.c", "if (best < 0 || abs_f32(y[i]) > abs_f32(y[best]))",
          "if (best < 0 || abs_f32(y[i]) >= abs_f32(y[best]))")]),
    "bf16-truncate": (
        "binary32 -> bfloat16 truncates instead of rounding to nearest even (spec §2.2.2)",
        [("ref/float_bits.c", "round_magnitude(a, 7u, 127, ROUND_NEAREST_EVEN)",
          "round_magnitude(a, 7u, 127, ROUND_TOWARD_ZERO)")]),
    "coset-tie-half": (
        "E8 ties between the cosets go to the half coset instead of the integer coset (spec §7.5 step 4)",
        [("ref/lattice.c", "w[i] = (eb < ea) ? wb[i] : wa[i];", "w[i] = (eb <= ea) ? wb[i] : wa[i];")]),
    "outliers-dropped": (
        "the encoder drops outlier candidates when the rest underflows the scale (erratum E-001, spec §10.4.2)",
        [("ref/codec_lattice.c", "if (m == 0.0f || m / (float)(unit * q * (int32_t)d) == 0.0f) {",
          "if (m == 0.0f) {")]),
    "parity-tie-last": (
        "D_n parity repair picks the highest index among equal penalties (spec §7.4 step 4)",
        [("ref/lattice.c", "if (p[i] < p[j])", "if (p[i] <= p[j])")]),
}


def apply_mutant(name, root, dest):
    """Copy root/ref to dest/ref with the mutant's replacements applied."""
    shutil.copytree(os.path.join(root, "ref"), os.path.join(dest, "ref"))
    for rel, old, new in MUTANTS[name][1]:
        path = os.path.join(dest, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        count = text.count(old)
        if count == 0:
            sys.exit(f"mutant {name}: the text to replace is not in {rel} any more; update "
                     f"conformance/mutants/mutation_test.py:\n{old}")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--mutant")
    ap.add_argument("--root")
    ap.add_argument("--conform")
    ap.add_argument("--work")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    ap.add_argument("--sources", help="space-separated ref/ sources of a reference-only build")
    a = ap.parse_args()
    if a.list:
        for name in MUTANTS:
            print(name)
        return 0
    desc = MUTANTS[a.mutant][0]
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    apply_mutant(a.mutant, a.root, work)
    sources = a.sources.split() if a.sources else sorted(
        os.path.join("ref", f) for f in os.listdir(os.path.join(a.root, "ref")) if f.endswith(".c"))
    lib = os.path.join(work, f"libkvlc_mut_{a.mutant}.so")
    cmd = [a.cc, "-std=c99", "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math",
           "-Wl,-Bsymbolic",
           "-Wl,--version-script=" + os.path.join(a.root, "conformance", "kvlc.map"), "-I", os.path.join(a.root, "include"), "-I", os.path.join(work, "ref"),
           "-I", os.path.join(a.root, "conformance"), "-o", lib,
           os.path.join(a.root, "conformance", "kvlc_ref.c")]
    cmd += [os.path.join(work, s) for s in sources] + ["-lm"]
    subprocess.run(cmd, check=True)
    results = os.path.join(work, "results.json")
    report = os.path.join(work, "report.md")
    proc = subprocess.run([a.conform, "--lib", lib, "--results", results, "--report", report, "--quiet"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(f"mutant {a.mutant}: {desc}")
    if proc.returncode != 1:
        print(proc.stdout[-4000:])
        print(f"FAIL: kvl-conform exit {proc.returncode} (expected 1: the wrong build must fail)")
        return 1
    with open(results, encoding="utf-8") as f:
        res = json.load(f)
    caught = [c["id"] for c in res.get("cases", []) if c.get("status") == "fail"]
    acc = [p["profile"] for p in res.get("accumulated", []) if p.get("status") == "fail"]
    if not caught and not acc:
        print("FAIL: kvl-conform failed but the results name no failing case")
        return 1
    print(f"caught by {len(caught)} case(s): " + ", ".join(caught[:12]) + (" ..." if len(caught) > 12 else ""))
    if acc:
        print("and by the accumulated profile(s): " + ", ".join(acc))
    print(f"report: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
