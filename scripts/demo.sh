#!/usr/bin/env bash
# The main job (README "Quick start"): installs missing packages, builds, runs `kvl demo`.
set -eu
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target kvl >/dev/null
./build/kvl demo "$@"
