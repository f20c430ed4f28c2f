#!/usr/bin/env bash
# Install the built tree into a prefix and build a consumer against it with
# pkg-config and with CMake's find_package; run it.
# usage: install_test.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -eu
SRC=$1; B=$2; W=$3
rm -rf "$W"; mkdir -p "$W/src"
cmake --install "$B" --prefix "$W/prefix" >/dev/null
for f in bin/kvl include/kvlattice.h lib/libkvlattice.a lib/pkgconfig/kvlattice.pc lib/cmake/kvlattice/kvlatticeConfig.cmake; do
  [ -e "$W/prefix/$f" ] || { echo "missing $f"; echo "install: 0 passed, 1 failed"; exit 1; }
done
ls "$W"/prefix/lib/libkvlattice.so* >/dev/null
cat > "$W/src/consumer.c" <<'C'
#include <kvlattice.h>
#include <stdio.h>
#include <string.h>
int main(void) {
    kvl_chunk_params p; float x[64], y[64]; static unsigned char out[4096], work[1 << 16];
    size_t len = 0; kvl_chunk_view v; int i;
    memset(&p, 0, sizeof p); p.mode = KVL_MODE_LATTICE; p.lattice = KVL_LATTICE_E8; p.q = 38;
    for (i = 0; i < 64; i++) x[i] = (float)((i * 37) % 11) - 5.0f;
    if (kvl_chunk_encode(64, &p, 0, x, KVL_DTYPE_F32, 1, 0, work, sizeof work, out, sizeof out, &len)) return 1;
    if (kvl_chunk_parse(out, len, 64, &v) || kvl_chunk_decode(&v, KVL_DTYPE_F32, y, sizeof y)) return 1;
    printf("consumer ok: %zu bytes, y[0]=%g\n", len, (double)y[0]);
    return 0;
}
C
PKG_CONFIG_PATH="$W/prefix/lib/pkgconfig" cc -std=c99 "$W/src/consumer.c" $(PKG_CONFIG_PATH="$W/prefix/lib/pkgconfig" pkg-config --cflags --libs --static kvlattice) -o "$W/consumer_pc"
LD_LIBRARY_PATH="$W/prefix/lib" "$W/consumer_pc"
cat > "$W/src/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.25)
project(consumer C)
find_package(kvlattice REQUIRED)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE kvlattice::kvlattice)
C
cmake -S "$W/src" -B "$W/cbuild" -DCMAKE_PREFIX_PATH="$W/prefix" >/dev/null
cmake --build "$W/cbuild" >/dev/null
"$W/cbuild/consumer"
echo "install: 2 passed, 0 failed"
