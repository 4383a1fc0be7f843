"""Shared by the PyTorch and ONNX helpers of tools/compare_peers.sh: the model fixtures as eager
modules carrying exactly the weights of their model.ptmf, with their inputs and expected outputs.

Each eager module is rebuilt the way tools/export_fixtures.py built it: the same seed, the same
construction order, the same BatchNorm randomization, so it carries the weights of model.ptmf (its
outputs are checked against the fixture's; torch.jit.load of a .ptmf is no way in: PyTorch 1.13
fails to recompile some of its own flatbuffers, e.g. gelu(approximate=...)).
"""
import glob
import os
import sys

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "Jit.Tests", "fixtures", "models")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_fixtures  # noqa: E402  (its model classes; importing runs nothing but a seed)


def names():
    return sorted(n for n in os.listdir(MODELS) if os.path.exists(os.path.join(MODELS, n, "model.ptmf")))


def _arrays(d, prefix):
    files = sorted(glob.glob(os.path.join(d, f"{prefix}*.npy")), key=lambda p: int(os.path.basename(p)[len(prefix):-4]))
    return [np.load(p) for p in files]


def _argument(a, kind):
    if kind == "int":
        return int(a)
    if kind == "float":
        return float(a)
    if kind == "bool":
        return bool(a)
    return torch.from_numpy(np.ascontiguousarray(a))


def _rebuild(name):
    """Replays export_fixtures: torch.manual_seed(0), then per model: construct, draw inputs, eval, randomize BatchNorm."""
    torch.manual_seed(0)
    for n, model, _ in export_fixtures.models():
        model.eval()
        export_fixtures.randomize_norm_stats(model)
        if n == name:
            return model
    raise KeyError(f"no model {name!r} in tools/export_fixtures.py")


class Fixture:
    def __init__(self, name):
        self.name = name
        d = os.path.join(MODELS, name)
        self.ptmf = os.path.join(d, "model.ptmf")
        self.input_files = sorted(glob.glob(os.path.join(d, "input*.npy")), key=lambda p: int(os.path.basename(p)[5:-4]))
        self.eager = _rebuild(name)
        kinds = [str(a.type) for a in torch.jit.script(self.eager).forward.schema.arguments[1:]]
        self.arrays = _arrays(d, "input")
        self.kinds = kinds
        self.inputs = [_argument(a, k) for a, k in zip(self.arrays, kinds)]
        self.expected = _arrays(d, "output")
        with torch.no_grad():
            bad = self.check(self.eager(*self.inputs))
        if bad is not None:
            raise RuntimeError(f"{name}: the rebuilt model does not reproduce the fixture ({bad}); re-run tools/export_fixtures.py?")

    def check(self, outputs, rtol=1e-4, atol=1e-4):
        """None when outputs match the fixture's, else a one-line reason."""
        outs = list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]
        if len(outs) != len(self.expected):
            return f"{len(outs)} outputs, expected {len(self.expected)}"
        for i, (o, e) in enumerate(zip(outs, self.expected)):
            o = o.detach().numpy() if isinstance(o, torch.Tensor) else np.asarray(o)
            if o.shape != e.shape or not np.allclose(o.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=atol):
                return f"output {i} differs from the fixture's"
        return None
