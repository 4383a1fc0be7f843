#!/usr/bin/python3
"""PyTorch 1.13 timing of the elementwise fixture's forward on 1 thread, for tools/compare_elementwise.sh.

Prints "shape<TAB>eager-median-us<TAB>scripted-median-us" for [3, 37] and [256, 4096] float32
inputs. The module is a copy of Elementwise in tools/export_fixtures.py (keep them in sync).
Usage: /usr/bin/python3 tools/bench_elementwise_pytorch.py [--runs N]
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Elementwise(nn.Module):
    def forward(self, x, y):
        a = torch.tanh(x) * torch.sigmoid(y) + torch.exp(-x * x)
        b = torch.erf(a) + F.gelu(y, approximate="tanh") - F.silu(x)
        c = torch.log(torch.abs(b) + 1.0) * torch.sqrt(torch.abs(a) + 0.5)
        d = F.softplus(c) + torch.clamp(x, -0.5, 0.5) * F.leaky_relu(y, 0.1)
        return torch.rsqrt(d * d + 1.0) + torch.pow(torch.abs(a), 1.5) - torch.cos(b) * torch.sin(c)


def median_us(fn, runs, reps):
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t0) / reps)
    return statistics.median(times) * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    eager = Elementwise().eval()
    scripted = torch.jit.script(Elementwise().eval())
    with torch.no_grad():
        for rows, cols in ((3, 37), (256, 4096)):
            x = torch.rand(rows, cols) * 4 - 2
            y = torch.rand(rows, cols) * 4 - 2
            reps = max(1, 200_000 // (rows * cols))
            for _ in range(5):
                scripted(x, y)  # the profiling executor specializes after a few calls
            e = median_us(lambda: eager(x, y), args.runs, reps)
            s = median_us(lambda: scripted(x, y), args.runs, reps)
            print(f"{rows}x{cols}\t{e:.2f}\t{s:.2f}")


if __name__ == "__main__":
    main()
