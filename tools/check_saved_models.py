"""Loads modules our runtime saved with PyTorch's own loaders and checks their outputs.

Usage: /usr/bin/python3 tools/check_saved_models.py FIXTURES_MODELS_DIR SAVED_DIR
For each SAVED_DIR/<name>.ptmf: loads it with torch.jit.mobile._load_for_lite_interpreter and with
torch.jit.jit_module_from_flatbuffer, runs forward on FIXTURES_MODELS_DIR/<name>/input*.npy and
compares with output*.npy (allclose, rtol 1e-4, atol 1e-5). Where PyTorch's full loader rejects
PyTorch's own original file, ours must be rejected with the same message. Prints "<name> ok" per model and
exits 1 on the first mismatch or load failure.
"""
import glob
import os
import sys

import numpy as np
import torch
from torch.jit.mobile import _load_for_lite_interpreter


def load_inputs(d):
    paths = sorted(glob.glob(os.path.join(d, "input*.npy")), key=lambda p: int(os.path.basename(p)[5:-4]))
    values = []
    for p in paths:
        a = np.load(p)
        values.append(a.item() if a.ndim == 0 else torch.from_numpy(a))
    return values


def as_list(out):
    return list(out) if isinstance(out, tuple) else [out]


def check(name, out, d):
    expected = sorted(glob.glob(os.path.join(d, "output*.npy")), key=lambda p: int(os.path.basename(p)[6:-4]))
    outs = as_list(out)
    if len(outs) != len(expected):
        raise AssertionError(f"{name}: {len(outs)} outputs, expected {len(expected)}")
    for i, (o, p) in enumerate(zip(outs, expected)):
        e = np.load(p)
        a = o.numpy() if isinstance(o, torch.Tensor) else np.array(o)
        if a.shape != e.shape or not np.allclose(a, e, rtol=1e-4, atol=1e-5, equal_nan=True):
            raise AssertionError(f"{name} output {i}: max difference {np.max(np.abs(a.astype(np.float64) - e))}")


def main():
    fixtures, saved = sys.argv[1], sys.argv[2]
    for path in sorted(glob.glob(os.path.join(saved, "*.ptmf"))):
        name = os.path.basename(path)[:-5]
        d = os.path.join(fixtures, name)
        inputs = load_inputs(d)
        with torch.no_grad():
            lite = _load_for_lite_interpreter(path)
            check(name, lite(*inputs), d)
            note = ""
            try:
                # PyTorch 1.13's full loader recompiles the stored sources and rejects some of its
                # own files (gelu's `approximate` argument); then ours must fail the same way.
                torch.jit.jit_module_from_flatbuffer(os.path.join(d, "model.ptmf"))
                original_error = None
            except RuntimeError as e:
                original_error = str(e)
            if original_error is None:
                full = torch.jit.jit_module_from_flatbuffer(path)
                check(name, full(*inputs), d)
            else:
                try:
                    torch.jit.jit_module_from_flatbuffer(path)
                    raise AssertionError(f"{name}: PyTorch rejects its own file but loads ours")
                except RuntimeError as e:
                    if str(e) != original_error:
                        raise
                note = " (jit_module_from_flatbuffer rejects PyTorch's own file the same way)"
        print(f"{name} ok{note}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
