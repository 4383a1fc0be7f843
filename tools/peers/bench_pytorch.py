"""PyTorch 1.13's latencies on the model fixtures, one JSON object per model on stdout:
eager (no_grad), torch.jit.freeze + optimize_for_inference, and the static runtime
(torch._C._jit_to_static_module). A runner that fails or disagrees with the fixture's outputs
reports null with the reason under "errors".

Usage: /usr/bin/python3 tools/peers/bench_pytorch.py --threads T [--seconds S] [--min-runs N] [MODEL...]
"""
import argparse
import json
import statistics
import time

import torch

from fixtures import Fixture, names


def median_us(fn, seconds, min_runs, warmup_runs=20):
    for _ in range(warmup_runs):
        fn()
    times = []
    clock = time.perf_counter_ns
    end = time.perf_counter() + seconds
    while len(times) < min_runs or time.perf_counter() < end:
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times) / 1000.0, len(times)


def runners(f):
    yield "eager", lambda: f.eager
    def frozen():
        m = torch.jit.freeze(torch.jit.script(f.eager).eval())
        return torch.jit.optimize_for_inference(m)
    yield "freeze", frozen
    def static():
        sm = torch._C._jit_to_static_module(torch.jit.script(f.eager).eval()._c)
        return lambda *args: sm(*args)
    yield "static", static


def measure(result, kind, make, check, inputs, seconds, min_runs, warmup_runs=20):
    """Builds runner `kind` with make(), checks its outputs (check returns a reason or None), times it
    into result[kind] (µs) and result[kind + "_runs"]; a failure is recorded under result["errors"]."""
    try:
        run = make()
        bad = check(run(*inputs))
        if bad is not None:
            raise RuntimeError(bad)
        us, runs = median_us(lambda: run(*inputs), seconds, min_runs, warmup_runs)
        result[kind] = round(us, 2)
        result[kind + "_runs"] = runs
    except Exception as e:  # noqa: BLE001  any failure is reported, not fatal
        result[kind] = None
        result["errors"][kind] = one_line(e)


def one_line(e):
    return (f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")[:160]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--min-runs", type=int, default=200)
    ap.add_argument("models", nargs="*")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    for name in a.models or names():
        f = Fixture(name)
        result = {"model": name, "threads": a.threads, "errors": {}}
        with torch.no_grad():
            for kind, make in runners(f):
                measure(result, kind, make, f.check, f.inputs, a.seconds, a.min_runs)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
