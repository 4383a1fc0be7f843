#!/usr/bin/python3
"""Times PyTorch's flatbuffer module loaders on PTMF files: median of many loads from bytes in memory.

Usage: /usr/bin/python3 tools/bench_load_pytorch.py [--runs N] FILE...
Prints one line per file: name, median microseconds of torch.jit.mobile._load_for_lite_interpreter,
median microseconds of torch.jit.jit_module_from_flatbuffer ("nan" where that loader fails).
Needs PyTorch (Debian's python3-torch 1.13 is /usr/bin/python3's).
"""
import io
import os
import statistics
import sys
import time

import torch
from torch.jit.mobile import _load_for_lite_interpreter


def median_us(fn, runs):
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e6)
    return statistics.median(times)


def time_loader(fn, runs):
    try:
        return median_us(fn, runs)
    except Exception as e:  # a loader that cannot read the file is reported, not fatal
        print(f"# {fn.__name__}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
        return float("nan")


def main(argv):
    runs = 50
    if len(argv) >= 2 and argv[0] == "--runs":
        runs = int(argv[1])
        argv = argv[2:]
    torch.set_num_threads(1)
    for path in argv:
        data = open(path, "rb").read()

        def lite():
            return _load_for_lite_interpreter(io.BytesIO(data))

        def flatbuffer():
            # jit_module_from_flatbuffer takes a path or a file-like object depending on the version
            return torch.jit.jit_module_from_flatbuffer(io.BytesIO(data))

        print(f"{os.path.basename(path)}\t{time_loader(lite, runs):.1f}\t{time_loader(flatbuffer, runs):.1f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
