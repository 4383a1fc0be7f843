"""PyTorch eager on a GPU, the peer scripts/gpu-check.sh times our runtime against.

For each model fixture: the nn.Module of tools/export_fixtures.py (eval, no_grad) on the fixture's
own inputs (Jit.Tests/fixtures/models/<name>/input<i>.npy), its median latency per call including
torch.cuda.synchronize(). Then the device-to-device copy bandwidth (x.copy_(y) over 256 MB) and an
eager elementwise op's bandwidth on the same tensors. One JSON object per line on stdout.

Usage (repository root, a CUDA build of PyTorch):  python3 tools/gpu/bench_torch.py [--device cuda:0]
(--device cpu --elements 1000000 is a dry run of the script itself.)
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_fixtures  # noqa: E402  (the fixtures' model definitions)


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def median_us(fn, device, seconds=1.0):
    for _ in range(20):
        fn()
    synchronize(device)
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(times) < 20:
        t0 = time.perf_counter()
        fn()
        synchronize(device)
        times.append((time.perf_counter() - t0) * 1e6)
    times.sort()
    return times[len(times) // 2]


def fixture_inputs(name, device):
    d = os.path.join(ROOT, "Jit.Tests", "fixtures", "models", name)
    files = sorted((f for f in os.listdir(d) if f.startswith("input") and f.endswith(".npy")), key=lambda f: int(f[5:-4]))
    values = []
    for f in files:
        a = np.load(os.path.join(d, f))
        if a.ndim == 0:  # a number input is saved as a 0-dim array
            values.append(a.item())
        else:
            values.append(torch.from_numpy(a).to(device))
    return values


def bandwidth_gbs(fn, nbytes, device, reps=50):
    for _ in range(5):
        fn()
    synchronize(device)
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    synchronize(device)
    return nbytes * reps / (time.perf_counter() - t0) / 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda:0")
    parser.add_argument("--elements", type=int, default=64 << 20)
    args = parser.parse_args()
    device = torch.device(args.device)
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else "none (a dry run on the CPU)"
    print(json.dumps({"gpu": gpu, "torch": torch.__version__}), flush=True)
    with torch.no_grad():
        for name, model, _ in export_fixtures.models():
            model = model.eval().to(device)
            inputs = fixture_inputs(name, device)
            us = median_us(lambda: model(*inputs), device)
            print(json.dumps({"model": name, "torch_eager_us": round(us, 2)}), flush=True)
        x = torch.randn(args.elements, device=device)
        y = torch.empty_like(x)
        nbytes = 2 * x.numel() * x.element_size()
        print(json.dumps({
            "elements": args.elements,
            "copy_gbs": round(bandwidth_gbs(lambda: y.copy_(x), nbytes, device), 1),
            "torch_scale_gbs": round(bandwidth_gbs(lambda: torch.mul(x, 2.0, out=y), nbytes, device), 1),
        }), flush=True)


if __name__ == "__main__":
    main()
