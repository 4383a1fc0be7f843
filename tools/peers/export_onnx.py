"""Exports each model fixture to ONNX (torch.onnx.export of the eager module with the fixture's
weights, traced on the fixture's inputs) for tools/peers/bench_ort.mjs. Writes, under OUT_DIR,
<model>.onnx and <model>.json: the tensor inputs (name, ONNX type, shape, values) and expected
outputs, or {"error": reason} where the export fails. Non-tensor inputs (ints) are traced in as
constants, as torch.onnx.export does.

Usage: /usr/bin/python3 tools/peers/export_onnx.py OUT_DIR [MODEL...]
"""
import json
import os
import sys
import warnings

import numpy as np
import torch

from fixtures import Fixture, names

OPSETS = [17, 16, 15, 14, 13]
ONNX_TYPES = {"float32": "float32", "float64": "float64", "int64": "int64", "int32": "int32", "bool": "bool"}


def tensor_json(a):
    a = np.asarray(a)
    return {"type": ONNX_TYPES[str(a.dtype)], "shape": list(a.shape), "data": a.reshape(-1).tolist()}


def export(f, path):
    tensor_idx = [i for i, k in enumerate(f.kinds) if k == "Tensor"]
    input_names = [f"input{i}" for i in tensor_idx]
    errors = []
    for opset in OPSETS:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                torch.onnx.export(f.eager, tuple(f.inputs), path, opset_version=opset,
                                  input_names=input_names, do_constant_folding=True)
            notes = []
            if len(tensor_idx) < len(f.kinds):
                notes.append("non-tensor inputs traced in as constants")
            if any(issubclass(w.category, torch.jit.TracerWarning) for w in caught):
                notes.append("traced: control flow/sizes specialized to the fixture's inputs")
            return opset, [{"name": n, **tensor_json(f.arrays[i])} for n, i in zip(input_names, tensor_idx)], notes
        except Exception as e:  # noqa: BLE001  try the next opset, then report
            errors.append(f"opset {opset}: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"[:200])
    raise RuntimeError(errors[0])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or names():
        f = Fixture(name)
        path = os.path.join(out, f"{name}.onnx")
        try:
            opset, inputs, notes = export(f, path)
            meta = {"model": name, "onnx": f"{name}.onnx", "opset": opset, "inputs": inputs, "notes": notes,
                    "outputs": [tensor_json(e) for e in f.expected]}
            print(f"{name}: opset {opset}", file=sys.stderr)
        except Exception as e:  # noqa: BLE001
            meta = {"model": name, "error": str(e)}
            print(f"{name}: export failed: {e}", file=sys.stderr)
        with open(os.path.join(out, f"{name}.json"), "w") as fp:
            json.dump(meta, fp)


if __name__ == "__main__":
    main()
