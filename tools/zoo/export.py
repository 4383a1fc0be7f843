"""Exports the model zoo (tools/zoo/models.py) for tools/compare_zoo.sh. Per model, under OUT_DIR
(default out/zoo; regenerated, never committed: the files are tens of MB):
  <name>/model.ptmf        torch.jit.script'ed, saved with torch.jit.save_jit_module_to_flatbuffer
  <name>/input*.npy        the inputs (random, from a fixed seed)
  <name>/output*.npy       PyTorch's outputs (tensors only; a None in an output tuple is skipped)
  onnx/<name>.onnx, .json  torch.onnx.export of the eager module, opset 13, with inputs and
                           outputs as tools/peers/bench_ort.mjs reads them
Usage: /usr/bin/python3 tools/zoo/export.py [--out DIR] [MODEL...]
"""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np
import torch

from models import MODELS, build

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OPSET = 13


def tensors(out):
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    return [o for o in outs if o is not None]


def tensor_json(a):
    return {"type": str(a.dtype), "shape": list(a.shape), "data": a.reshape(-1).tolist()}


def export(name, out):
    model, inputs = build(name)
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    scripted = torch.jit.script(model)
    torch.jit.save_jit_module_to_flatbuffer(scripted, os.path.join(d, "model.ptmf"))
    with torch.no_grad():
        expected = [t.numpy() for t in tensors(scripted(*inputs))]
        eager = [t.numpy() for t in tensors(model(*inputs))]
    for i, (s, e) in enumerate(zip(expected, eager)):
        if not np.allclose(s, e, rtol=1e-4, atol=1e-4 * float(np.abs(e).max())):
            raise RuntimeError(f"output {i}: scripted and eager disagree")
    for i, x in enumerate(inputs):
        np.save(os.path.join(d, f"input{i}.npy"), x.numpy())
    for i, y in enumerate(expected):
        np.save(os.path.join(d, f"output{i}.npy"), y)

    onnx_dir = os.path.join(out, "onnx")
    os.makedirs(onnx_dir, exist_ok=True)
    names = [f"input{i}" for i in range(len(inputs))]
    meta = {"model": name, "onnx": f"{name}.onnx", "opset": OPSET, "notes": []}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, tuple(inputs), os.path.join(onnx_dir, f"{name}.onnx"),
                              opset_version=OPSET, input_names=names, do_constant_folding=True)
        meta["inputs"] = [{"name": n, **tensor_json(x.numpy())} for n, x in zip(names, inputs)]
        meta["outputs"] = [tensor_json(e) for e in expected]
    except Exception as e:  # noqa: BLE001  reported by bench_ort.mjs as the reason ONNX Runtime is n/a
        meta = {"model": name, "error": f"{type(e).__name__}: {str(e).strip().splitlines()[0]}"[:200]}
    with open(os.path.join(onnx_dir, f"{name}.json"), "w") as fp:
        json.dump(meta, fp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "zoo"))
    ap.add_argument("models", nargs="*")
    a = ap.parse_args()
    torch.set_num_threads(1)
    for name in a.models or MODELS:
        t0 = time.time()
        export(name, a.out)
        print(f"{name}: {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
