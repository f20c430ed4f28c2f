#!/usr/bin/env bash
# Run tests/vectors_schema.py with a python3 that has the jsonschema module
# (Debian's python3-jsonschema lives in /usr/bin/python3's path; a pyenv
# python3 earlier in PATH may not see it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import jsonschema' 2>/dev/null; then
    exec "$py" "$here/vectors_schema.py" "$1"
  fi
done
echo "SKIP: no python3 with the jsonschema module (apt install python3-jsonschema)"
exit 77
