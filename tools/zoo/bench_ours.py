"""Our side of tools/compare_zoo.sh: per zoo model, `jit run` checked against PyTorch's outputs
(max abs error, max rel error, and whether every element is within rtol 1e-4 plus atol 1e-4 times
the output's largest magnitude), then `jit bench --json` at T threads. One JSON object per model
on stdout, as tools/peers/table.py reads them.

Usage: /usr/bin/python3 tools/zoo/bench_ours.py --jit JIT --threads T [--dir out/zoo] [MODEL...]
"""
import argparse
import glob
import json
import os
import shlex
import subprocess
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def numbered(d, prefix):
    return sorted(glob.glob(os.path.join(d, f"{prefix}*.npy")), key=lambda p: int(os.path.basename(p)[len(prefix):-4]))


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def errors(d, jit, inputs, tmp):
    """(max abs, max rel, within tolerance) of `jit run` against the model's expected outputs."""
    expected = [np.load(p) for p in numbered(d, "output")]
    out = os.path.join(tmp, "out.npy")
    run = subprocess.run(jit + ["run", os.path.join(d, "model.ptmf"), *inputs, "-o", out],
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(last_line(run.stderr or run.stdout))
    got = [out] if len(expected) == 1 else [os.path.join(tmp, f"out.{i}.npy") for i in range(len(expected))]
    worst_abs, worst_rel, ok = 0.0, 0.0, True
    for g, e in zip(got, expected):
        a, b = np.load(g).astype(np.float64), e.astype(np.float64)
        if a.shape != b.shape:
            raise RuntimeError(f"output shape {a.shape}, expected {b.shape}")
        diff = np.abs(a - b)
        worst_abs = max(worst_abs, float(diff.max(initial=0)))
        worst_rel = max(worst_rel, float((diff / np.maximum(np.abs(b), 1e-30)).max(initial=0)))
        ok = ok and bool(np.all(diff <= 1e-4 * np.abs(b) + 1e-4 * np.abs(b).max(initial=0)))
    return worst_abs, worst_rel, ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jit", required=True, help="the command that runs jit, e.g. 'dotnet jit.dll'")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dir", default=os.path.join(ROOT, "out", "zoo"))
    ap.add_argument("models", nargs="*")
    a = ap.parse_args()
    jit = shlex.split(a.jit)
    names = a.models or sorted(n for n in os.listdir(a.dir) if os.path.exists(os.path.join(a.dir, n, "model.ptmf")))
    for name in names:
        d = os.path.join(a.dir, name)
        inputs = [arg for p in numbered(d, "input") for arg in ("--input", p)]
        row = {"model": name, "threads": a.threads, "ours": None, "errors": {}}
        try:
            with tempfile.TemporaryDirectory() as tmp:
                row["max_abs"], row["max_rel"], row["matches"] = errors(d, jit, inputs, tmp)
            bench = subprocess.run(jit + ["bench", os.path.join(d, "model.ptmf"), *inputs, "--threads", str(a.threads), "--json"],
                                   capture_output=True, text=True, timeout=900)
            if bench.returncode != 0:
                raise RuntimeError(last_line(bench.stderr or bench.stdout))
            r = json.loads(bench.stdout.strip().splitlines()[-1])
            row["ours"] = r["median_us"]
            row["ours_runs"] = r["runs"]
            row["allocated_bytes_per_run"] = r["allocated_bytes_per_run"]
        except Exception as e:  # noqa: BLE001  reported in the table, not fatal
            row["errors"]["ours"] = str(e)[:200]
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
