"""PyTorch 1.13's side of tools/compare_zoo.sh: per zoo model, eager (no_grad) and
torch.jit.freeze + optimize_for_inference of the scripted model, each checked against the exported
outputs first (rtol 1e-4, atol 1e-4 times the output's largest magnitude), then timed as
tools/peers/bench_pytorch.py times the fixtures. One JSON object per model on stdout.

Usage: /usr/bin/python3 tools/zoo/bench_torch.py --threads T [--seconds S] [--min-runs N] [--dir out/zoo] [MODEL...]
"""
import argparse
import glob
import json
import os
import sys

import numpy as np
import torch

from models import MODELS, build

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
from bench_pytorch import measure  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def mismatch(out, expected):
    outs = [o for o in (list(out) if isinstance(out, (tuple, list)) else [out]) if o is not None]
    if len(outs) != len(expected):
        return f"{len(outs)} outputs, expected {len(expected)}"
    for i, (o, e) in enumerate(zip(outs, expected)):
        o = o.numpy().astype(np.float64)
        e = e.astype(np.float64)
        if o.shape != e.shape or not np.allclose(o, e, rtol=1e-4, atol=1e-4 * np.abs(e).max(initial=0)):
            return f"output {i} differs from the exported one"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--min-runs", type=int, default=10)
    ap.add_argument("--dir", default=os.path.join(ROOT, "out", "zoo"))
    ap.add_argument("models", nargs="*")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    for name in a.models or MODELS:
        d = os.path.join(a.dir, name)
        expected = [np.load(p) for p in sorted(glob.glob(os.path.join(d, "output*.npy")))]
        model, inputs = build(name)
        runners = {
            "eager": lambda: model,
            "freeze": lambda: torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model))),
        }
        result = {"model": name, "threads": a.threads, "errors": {}}
        with torch.no_grad():
            for kind, make in runners.items():
                measure(result, kind, make, lambda out: mismatch(out, expected), inputs, a.seconds, a.min_runs, warmup_runs=3)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
