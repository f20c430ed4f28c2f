#!/usr/bin/env python3
"""Validate vectors/manifest.json and every case.json against their JSON
Schemas (python3-jsonschema). Usage: vectors_schema.py VECTORS_DIR"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:  # the Debian package python3-jsonschema (scripts/deps.sh)
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(77)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    root = sys.argv[1]
    cls = jsonschema.Draft202012Validator
    manifest_schema = load(os.path.join(root, "manifest.schema.json"))
    case_schema = load(os.path.join(root, "case.schema.json"))
    cls.check_schema(manifest_schema)
    cls.check_schema(case_schema)
    manifest = load(os.path.join(root, "manifest.json"))
    failures = 0
    for err in cls(manifest_schema).iter_errors(manifest):
        print(f"FAIL manifest.json: {err.json_path}: {err.message}")
        failures += 1
    flags = set(manifest.get("flags", {}))
    checked = 0
    for case_id in manifest.get("cases", []):
        case = load(os.path.join(root, case_id, "case.json"))
        for err in cls(case_schema).iter_errors(case):
            print(f"FAIL {case_id}/case.json: {err.json_path}: {err.message}")
            failures += 1
        if case.get("id") != case_id:
            print(f"FAIL {case_id}/case.json: id is {case.get('id')!r}")
            failures += 1
        for flag in case.get("flags", []):
            if flag not in flags:
                print(f"FAIL {case_id}: flag {flag!r} is not documented in manifest.json")
                failures += 1
        checked += 1
    print(f"schema: manifest + {checked} cases checked, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
