/* bench.h -- `kvl bench`: reference vs AVX2 throughput (bench/README.md). */
#ifndef KVL_BENCH_H
#define KVL_BENCH_H
int kvl_bench(int argc, char **argv);
#endif
