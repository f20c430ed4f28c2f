#!/usr/bin/env python3
"""torch_peer.py -- PyTorch float8 round trip as a throughput peer for kvl-cuda-bench.

Block-scaled E4M3 the way DeepSeek-V3 act_quant does it (scale = amax/448 per
block of 64, fp32 scales), on N bf16 vectors of D = 128 and 512 resident on the
GPU: quantize (x / s -> float8_e4m3fn) and dequantize (e4m3 * s -> bf16).
Prints a Markdown table comparable with the FP8 rows of kvl-cuda-bench.

Informative only: PyTorch's float8 cast is not the pinned conversion of spec
§2.2.3 (it is not documented to saturate; torch.clamp is applied first here),
and its division/multiply run in whatever precision the kernels choose, so its
bytes are not expected to equal kvlattice FP8 records.

usage: python3 cuda/torch_peer.py [--vectors N] [--reps R]
"""
import argparse

import torch


def timed(fn, reps):
    best = float("inf")
    for _ in range(reps):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        fn()
        b.record()
        torch.cuda.synchronize()
        best = min(best, a.elapsed_time(b) / 1000.0)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vectors", type=int, default=16 * 1024 * 1024)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--block", type=int, default=64)
    args = ap.parse_args()
    dev = torch.device("cuda")
    name = torch.cuda.get_device_name(0)
    print(f"\n## PyTorch {torch.__version__} float8_e4m3fn peer on {name}\n")
    print("| D | quantize Mvec/s | quantize GB/s (in) | dequantize Mvec/s | dequantize GB/s (out) |")
    print("|---|---|---|---|---|")
    for dim in (128, 512):
        n = args.vectors
        x = torch.randn(n, dim, device=dev, dtype=torch.bfloat16)
        blocks = dim // args.block
        state = {}

        def quant():
            xb = x.view(n, blocks, args.block).float()
            s = xb.abs().amax(dim=2, keepdim=True) / 448.0
            q = (xb / torch.where(s == 0, torch.ones_like(s), s)).clamp(-448.0, 448.0)
            state["q"] = q.to(torch.float8_e4m3fn)
            state["s"] = s

        def dequant():
            state["y"] = (state["q"].float() * state["s"]).view(n, dim).to(torch.bfloat16)

        quant()
        tq = timed(quant, args.reps)
        td = timed(dequant, args.reps)
        nbytes = n * dim * 2
        print(f"| {dim} | {n / tq / 1e6:.2f} | {nbytes / tq / 1e9:.1f} | {n / td / 1e6:.2f} | {nbytes / td / 1e9:.1f} |")
        del x, state
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
