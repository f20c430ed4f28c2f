#!/usr/bin/env python3
"""Copy the accumulated digests of vectors/manifest.json into the table of
spec/kvlattice-1.0.md Appendix C.7 (between the acc-digests markers).
Usage: update_spec_digests.py MANIFEST SPEC [--check]
--check: exit 1 if the spec table differs from the manifest (CTest)."""
import json
import re
import sys


def table(manifest):
    rows = ["| Profile | Cases | SHA-256 |", "|---|---|---|"]
    for acc in manifest["accumulated"]:
        rows.append(f"| `{acc['profile']}` | {acc['cases']:,} | `{acc['sha256']}` |")
    return "\n".join(rows)


def main():
    manifest_path, spec_path = sys.argv[1], sys.argv[2]
    check = "--check" in sys.argv[3:]
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    with open(spec_path, encoding="utf-8") as f:
        spec = f.read()
    pat = re.compile(r"(<!-- acc-digests:begin[^\n]*-->\n)(.*?)(<!-- acc-digests:end -->)", re.S)
    m = pat.search(spec)
    if not m:
        sys.exit(f"{spec_path}: no acc-digests markers")
    new = table(manifest) + "\n"
    if check:
        if m.group(2) != new:
            print("FAIL: spec Appendix C.7 digests differ from vectors/manifest.json "
                  "(run scripts/gen_vectors.sh)")
            return 1
        print(f"spec Appendix C.7 lists the {len(manifest['accumulated'])} manifest digests")
        return 0
    spec = spec[:m.start(2)] + new + spec[m.end(2):]
    with open(spec_path, "w", encoding="utf-8") as f:
        f.write(spec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
