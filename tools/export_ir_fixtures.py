"""Exports PyTorch 1.13's printed TorchScript graphs as IR text fixtures.

Run with the interpreter that has torch (on Debian: /usr/bin/python3 tools/export_ir_fixtures.py).
Writes Jit.Tests/fixtures/ir/<name>.ir (printed graphs) and Jit.Tests/fixtures/run/<name>/
(graph.ir, inputN.npy, outputN.npy) for `jit run`.

The model code is written to a temporary directory as `models.py` and imported from there; the
directory prefix (and the directory torch is installed in) is cut from the `# file:line:col`
comments, so they read `models.py:15:35` or `torch/nn/modules/linear.py:114:15` and name no
machine-specific path.
"""
import importlib
import os
import shutil
import sys
import tempfile
import textwrap

import numpy as np
import torch

MODELS = textwrap.dedent('''
from typing import Dict, List, Optional, Tuple
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        return self.pool(F.relu(self.bn(self.conv(x))))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(4)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + x)


class ControlFlow(nn.Module):
    def forward(self, x):
        if x.size(0) > 2:
            y = x * 2.5
        else:
            y = x - 1
        for i in range(x.size(1)):
            y = y + i
        return y


class WhileLoop(nn.Module):
    def forward(self, x, n: int):
        i = 0
        while i < n and bool(x.sum() < 100.0):
            x = x * 2
            i += 1
        return x, i


class Containers(nn.Module):
    def forward(self, x):
        parts: List[torch.Tensor] = [x, x + 1]
        parts.append(x * 3)
        t = (x, parts[1])
        d: Dict[str, torch.Tensor] = {"a": t[0], "b": t[1]}
        total = torch.cat(parts, 0)
        return total, d["a"] + d["b"], len(parts)


class Strings(nn.Module):
    def forward(self, x, name: str):
        s = name + "_out\\t\\"q\\""
        if s.startswith("a"):
            x = x + 1
        return x, s.upper(), f"{name}:{len(s)}"


class Shared(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 4)

    def forward(self, x):
        return self.lin(self.lin(x))


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0)

    def forward(self, x):
        return self.layer(x)


class WithParamAttr(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.tensor([[1.5, -2.0], [0.25, 3.0]]))
        self.scale = 0.1
        self.ids = [1, 2, 3]

    def forward(self, x):
        return torch.matmul(x, self.weight) * self.scale + self.ids[0]


def int_bool_ops(a: int, b: int, flag: bool) -> Tuple[int, bool, float]:
    c = a * b + a // (b + 1) - a % 3
    d = (c > 10) and not flag or (a == b)
    e = float(c) / 3.0 + 1e-5
    return c, d, e


def optional_arg(x: torch.Tensor, bias: Optional[torch.Tensor] = None, k: Optional[int] = None) -> torch.Tensor:
    if bias is not None:
        x = x + bias
    if k is None:
        k = 2
    return x * k


def constants(x: torch.Tensor) -> List[float]:
    a = [1.0, 2.5, -3.0e-8, 1e20, float("inf")]
    b = x.new_full([2], 0.1)
    return [a[0] + 1.0 / 3.0, float(b.sum()), -0.0]


def tensor_constants(x: torch.Tensor):
    a = torch.tensor(2.5)
    b = torch.tensor([1, 2, 3])
    c = torch.tensor(7)
    d = torch.tensor([1e-4, 2e-4, 123.0])
    e = torch.zeros(4, 4)
    t = ("a", 1, 2.0, None, [1, 2], True)
    s: List[str] = ["x", "y"]
    return x + a + b + c + d + e, t, s, torch.device("cpu"), torch.float32, (1,)


def fusible(x, y):
    return torch.relu(x * y + 1.0).sigmoid()


# ---- runnable functions (no self, tensor/int inputs) ----

def run_if_size(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if x.size(0) > 3:
        z = torch.relu(x + y)
    else:
        z = torch.tanh(x * y)
    return z.sum(1)


def run_for_loop(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    h = x
    for i in range(x.size(0)):
        h = torch.tanh(torch.matmul(h, w)) + i
    return h


def run_while(x: torch.Tensor, n: int) -> Tuple[torch.Tensor, int]:
    i = 0
    while i < n:
        x = x * 0.5 + 1.0
        i += 1
    return x, i


def run_lists(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    parts: List[torch.Tensor] = []
    for i in range(3):
        parts.append(x[i:i + 2] * y[i])
    return torch.cat(parts, 0).reshape(-1, 2).transpose(0, 1)


def run_softmax_where(x: torch.Tensor, y: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    p = torch.softmax(x, -1)
    m = torch.where(p > 0.3, p, y)
    return m, m.view(-1).sum(0)
''')


def export(out_root):
    ir_dir = os.path.join(out_root, "ir")
    run_dir = os.path.join(out_root, "run")
    for d in (ir_dir, run_dir):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)

    tmp = tempfile.mkdtemp()
    PREFIXES[:] = [tmp + os.sep, os.path.dirname(os.path.dirname(torch.__file__)) + os.sep]
    cwd = os.getcwd()
    try:
        with open(os.path.join(tmp, "models.py"), "w") as f:
            f.write(MODELS)
        # Compile from the temp dir with a relative path so source ranges read `models.py:L:C`.
        os.chdir(tmp)
        sys.path.insert(0, "")
        m = importlib.import_module("models")
        write_ir_fixtures(m, ir_dir)
        write_run_fixtures(m, run_dir)
    finally:
        os.chdir(cwd)
        shutil.rmtree(tmp)


PREFIXES = []


def relative_paths(text):
    for prefix in PREFIXES:
        text = text.replace("# " + prefix, "# ")
    return text


def save(ir_dir, name, graph):
    text = relative_paths(str(graph))
    with open(os.path.join(ir_dir, name + ".ir"), "w") as f:
        f.write(text)


def write_ir_fixtures(m, ir_dir):
    torch.manual_seed(0)
    modules = {
        "mlp": (m.MLP(), (torch.randn(2, 4),)),
        "cnn": (m.CNN(), (torch.randn(1, 3, 8, 8),)),
        "residual": (m.Residual(), (torch.randn(1, 4, 6, 6),)),
        "control_flow": (m.ControlFlow(), (torch.randn(3, 4),)),
        "while_loop": (m.WhileLoop(), (torch.randn(3), 4)),
        "containers": (m.Containers(), (torch.randn(2, 3),)),
        "strings": (m.Strings(), (torch.randn(2), "abc")),
        "shared_submodule": (m.Shared(), (torch.randn(2, 4),)),
        "transformer": (m.Transformer(), (torch.randn(5, 1, 8),)),
        "param_attr": (m.WithParamAttr(), (torch.randn(3, 2),)),
    }
    for name, (mod, inputs) in modules.items():
        scripted = torch.jit.script(mod)
        save(ir_dir, name, scripted.graph)
        # The inlined transformer is ~160 KB; the scripted one is enough.
        if name in ("mlp", "cnn", "residual", "shared_submodule", "param_attr"):
            g = scripted.graph.copy()
            torch._C._jit_pass_inline(g)
            save(ir_dir, name + "_inlined", g)
        if name in ("mlp", "cnn", "residual", "param_attr", "control_flow"):
            frozen = torch.jit.freeze(torch.jit.script(mod).eval())
            save(ir_dir, name + "_frozen", frozen.graph)
    # Complete shapes: run shape analysis on a copy of the inlined graph with example inputs.
    for name in ("mlp", "cnn", "control_flow"):
        mod, inputs = modules[name]
        scripted = torch.jit.script(mod)
        g = scripted.graph.copy()
        torch._C._jit_pass_inline(g)
        torch._C._jit_pass_complete_shape_analysis(g, (scripted._c,) + inputs, False)
        save(ir_dir, name + "_shapes", g)
    traced = torch.jit.trace(m.Residual().eval(), (torch.randn(1, 4, 6, 6),))
    save(ir_dir, "residual_traced", traced.graph)
    for fn in (m.int_bool_ops, m.optional_arg, m.constants):
        save(ir_dir, fn.__name__, torch.jit.script(fn).graph)
    save(ir_dir, "constant_values", constant_values_graph(m))
    save(ir_dir, "attribute_kinds", attribute_kinds_graph())
    save(ir_dir, "fusion_group", fusion_group_graph(m))


def constant_values_graph(m):
    """Constants of every kind PyTorch prints: tensors of 1, a few and many elements, tuples, lists."""
    g = torch.jit.script(m.tensor_constants).graph
    torch._C._jit_pass_constant_propagation(g)
    return g


def attribute_kinds_graph():
    """A node carrying one attribute of each kind, plus strings that need escapes."""
    g = torch._C.parse_ir('''
graph(%x : Tensor):
  %a : str = prim::Constant[value="\u00e9\\n\\001z\\\\"]()
  %c : float[] = prim::Constant[value=[1., 2.5]]()
  %e : Device = prim::Constant[value="cpu"]()
  %f : bool = prim::Constant[value=1]()
  %q : Tensor = aten::add(%x, %x, %f)
  return (%q)
''')
    n = g.create("foo::bar")
    n.f_("alpha", 1.0)
    n.f_("beta", 0.1)
    n.f_("gamma", -1.5e-12)
    n.i_("k", -3)
    n.s_("str", "a\"b")
    n.is_("ints", [1, 2])
    n.fs_("floats", [1.0, 0.5])
    n.ss_("strs", ["a", "b"])
    n.t_("scalar", torch.tensor([3.0]))
    n.t_("big", torch.zeros(20))
    n.t_("matrix", torch.tensor([[1, 2], [3, 4]]))
    n.t_("wide", torch.tensor([1.5, 1e9]))
    n.t_("scaled", torch.tensor([0.001, 0.002]))
    n.t_("cube", torch.tensor([[[1.25, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]))
    n.ts_("tensors", [torch.zeros(1)])
    g.appendNode(n)
    return g


def fusion_group_graph(m):
    """A traced graph after the tensor-expression fuser: TypeCheck, groups printed as `with ... = graph`."""
    inputs = (torch.randn(2, 3), torch.randn(2, 3))
    g = torch.jit.trace(m.fusible, inputs).graph.copy()
    torch._C._jit_pass_complete_shape_analysis(g, inputs, False)
    torch._C._jit_override_can_fuse_on_cpu(True)
    torch._C._jit_set_texpr_fuser_enabled(True)
    torch._C._jit_pass_fuse_tensorexprs(g)
    return g


def write_run_fixtures(m, run_dir):
    torch.manual_seed(1)
    cases = {
        "if_size": (m.run_if_size, [torch.randn(4, 3), torch.randn(4, 3)]),
        "for_loop": (m.run_for_loop, [torch.randn(3, 4), torch.randn(4, 4)]),
        "while": (m.run_while, [torch.randn(2, 3), 5]),
        "lists": (m.run_lists, [torch.randn(5, 2), torch.randn(4)]),
        "softmax_where": (m.run_softmax_where, [torch.randn(3, 4), torch.randn(3, 4)]),
    }
    for name, (fn, inputs) in cases.items():
        scripted = torch.jit.script(fn)
        out = scripted(*inputs)
        d = os.path.join(run_dir, name)
        os.makedirs(d)
        with open(os.path.join(d, "graph.ir"), "w") as f:
            f.write(relative_paths(str(scripted.graph)))
        for i, v in enumerate(inputs):
            np.save(os.path.join(d, "input%d.npy" % i), to_numpy(v))
        outs = out if isinstance(out, tuple) else (out,)
        for i, v in enumerate(outs):
            np.save(os.path.join(d, "output%d.npy" % i), to_numpy(v))


def to_numpy(v):
    if isinstance(v, torch.Tensor):
        return v.detach().numpy()
    return np.array(v, dtype=np.int64)


if __name__ == "__main__":
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Jit.Tests", "fixtures")
    export(os.path.normpath(root))
