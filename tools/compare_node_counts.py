"""Tensor-op counts per model fixture: PyTorch's optimized graph next to ours.

PyTorch: torch.jit.freeze(torch.jit.script(m).eval()) then torch.jit.optimize_for_inference,
counting nodes that compute a tensor: aten:: and prim:: ones other than constants (PyTorch's optimized
graphs convolve with prim::mkldnn_convolution), nested blocks included. Ours: `jit inspect FILE
--passes default --count` (and, for the unoptimized baseline, without --passes), the same count.

Run from the repository root with Debian's PyTorch 1.13:
    /usr/bin/python3 tools/compare_node_counts.py [--jit "dotnet Jit.Cli/bin/Release/net10.0/jit.dll"]
Without --jit only PyTorch's column is printed.
"""
import argparse
import os
import shlex
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_fixtures  # noqa: E402  (the fixture models, rebuilt from their classes)

FIXTURES = "Jit.Tests/fixtures/models"


def count_tensor_ops(block):
    n = 0
    for node in block.nodes():
        kind = node.kind()
        computes = kind.startswith("aten::") or (kind.startswith("prim::") and not kind.startswith("prim::Constant"))
        if computes and any(isinstance(o.type(), torch._C.TensorType) for o in node.outputs()):
            n += 1
        for b in node.blocks():
            n += count_tensor_ops(b)
    return n


def pytorch_counts(model):
    model.eval()
    scripted = torch.jit.script(model)
    before = count_tensor_ops(scripted.graph)
    frozen = torch.jit.freeze(scripted.eval())
    optimized = torch.jit.optimize_for_inference(frozen)
    return before, count_tensor_ops(optimized.graph)


def ours(jit, name, passes):
    path = os.path.join(FIXTURES, name, "model.ptmf")
    args = shlex.split(jit) + ["inspect", path, "--count"] + (["--passes", passes] if passes else [])
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        return "error: " + (r.stderr.strip().splitlines() or ["?"])[-1][:60]
    return r.stdout.strip().split(":")[-1].strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jit", help="command that runs our CLI, e.g. 'dotnet Jit.Cli/bin/Release/net10.0/jit.dll'")
    a = ap.parse_args()
    torch.manual_seed(0)
    header = ["model", "torch scripted", "torch optimized"] + (["ours unoptimized", "ours default"] if a.jit else [])
    rows = []
    for name, model, _ in export_fixtures.models():
        try:
            before, after = pytorch_counts(model)
        except Exception as e:  # a model optimize_for_inference rejects: say so, keep going
            before, after = "?", f"error: {type(e).__name__}"
        row = [name, str(before), str(after)]
        if a.jit:
            row += [ours(a.jit, name, None), ours(a.jit, name, "default")]
        rows.append(row)
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")


if __name__ == "__main__":
    main()
