"""Exports the model fixtures: each model scripted, saved as a PyTorch flatbuffer module
(torch.jit.save_jit_module_to_flatbuffer), with random inputs and PyTorch's outputs as .npy.

Run from the repository root with Debian's PyTorch 1.13:  /usr/bin/python3 tools/export_fixtures.py
Writes Jit.Tests/fixtures/models/<name>/{model.ptmf, input<i>.npy, output<i>.npy} and the example
under examples/. Outputs are computed in eval mode under torch.no_grad(), as our runtime runs.
"""
import os
import shutil
from typing import List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = "Jit.Tests/fixtures/models"
torch.manual_seed(0)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.gelu(self.fc2(x))
        return F.log_softmax(self.fc3(x), dim=-1)


class Elementwise(nn.Module):
    """Many transcendental elementwise ops in a chain: the fusion benchmark's model."""

    def forward(self, x, y):
        a = torch.tanh(x) * torch.sigmoid(y) + torch.exp(-x * x)
        b = torch.erf(a) + F.gelu(y, approximate="tanh") - F.silu(x)
        c = torch.log(torch.abs(b) + 1.0) * torch.sqrt(torch.abs(a) + 0.5)
        d = F.softplus(c) + torch.clamp(x, -0.5, 0.5) * F.leaky_relu(y, 0.1)
        return torch.rsqrt(d * d + 1.0) + torch.pow(torch.abs(a), 1.5) - torch.cos(b) * torch.sin(c)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = F.relu(self.bn2(self.conv2(x)))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.down is not None:
            identity = self.down(x)
        return F.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.layer1 = BasicBlock(8, 8, 1)
        self.layer2 = BasicBlock(8, 16, 2)
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        x = F.relu(self.bn(self.stem(x)))
        x = self.layer2(self.layer1(x))
        return self.head(torch.mean(x, dim=[2, 3]))


class Transformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, batch_first=True)

    def forward(self, x):
        return self.layer(x)


class ControlFlow(nn.Module):
    """if and for on sizes, a while loop, a list built in a loop."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x, n: int):
        if x.size(0) > 2:
            y = self.fc(x)
        else:
            y = x * 2.0
        for i in range(x.size(1) // 2):
            y = y + torch.tanh(y) * float(i)
        k = 0
        while k < n:
            y = y - 0.1 * y.mean()
            k += 1
        parts: List[torch.Tensor] = []
        for j in range(y.size(0)):
            parts.append(y[j] * (j + 1))
        return torch.stack(parts, dim=0)


class IntBool(nn.Module):
    """Integer and boolean tensors: masks, where, comparisons, integer arithmetic."""

    def forward(self, x, ids):
        mask = (x > 0.0) & (ids % 2 == 0)
        y = torch.where(mask, x, torch.zeros_like(x))
        y = y.masked_fill(ids > 5, -1.0)
        count = mask.sum(dim=1)
        idx = torch.argmax(x, dim=1)
        z = ids * 3 - idx.unsqueeze(1) + (ids // 2)
        return y, count, z, (ids != 3).all(dim=1)


class TupleOut(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 8)

    def forward(self, x) -> Tuple[torch.Tensor, torch.Tensor, int]:
        h = self.proj(x)
        a, b = h.chunk(2, dim=-1)
        return torch.softmax(a, dim=-1), b.transpose(0, 1).contiguous(), h.size(0)


class SharedSubmodule(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = nn.Sequential(nn.Linear(12, 12), nn.Tanh())
        self.out = nn.Linear(12, 3)

    def forward(self, x):
        return self.out(self.block(self.block(x)) + x)


class OptionalArgs(nn.Module):
    """forward with trailing defaults (as nn.TransformerEncoderLayer's masks): run with only x, they apply."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)

    def forward(self, x, mask: Optional[torch.Tensor] = None, scale: float = 2.0):
        y = self.fc(x) * scale
        if mask is not None:
            y = y.masked_fill(mask, 0.0)
        return torch.relu(y)


def models():
    yield "mlp", MLP(), [torch.randn(4, 16)]
    yield "elementwise", Elementwise(), [torch.randn(3, 37), torch.randn(3, 37)]
    yield "cnn", CNN(), [torch.randn(2, 3, 16, 16)]
    yield "resnet_block", ResNet(), [torch.randn(1, 3, 12, 12)]
    yield "transformer", Transformer(), [torch.randn(2, 5, 16)]
    yield "control_flow", ControlFlow(), [torch.randn(3, 6), 2]
    yield "int_bool", IntBool(), [torch.randn(4, 7), torch.randint(0, 9, (4, 7))]
    yield "tuple_out", TupleOut(), [torch.randn(5, 8)]
    yield "shared_submodule", SharedSubmodule(), [torch.randn(3, 12)]
    yield "optional_args", OptionalArgs(), [torch.randn(3, 6)]


def randomize_norm_stats(m):
    # Fresh BatchNorm layers have mean 0 / var 1, which would hide mistakes in how stats are used.
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 1.5)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.2, 0.2)


def to_numpy(v):
    if isinstance(v, torch.Tensor):
        return v.detach().numpy()
    if isinstance(v, bool):
        return np.array(v)
    if isinstance(v, int):
        return np.array(v, dtype=np.int64)
    if isinstance(v, float):
        return np.array(v, dtype=np.float64)
    raise TypeError(type(v))


def export(name, model, inputs):
    model.eval()
    randomize_norm_stats(model)
    scripted = torch.jit.script(model)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    torch.jit.save_jit_module_to_flatbuffer(scripted, os.path.join(d, "model.ptmf"))
    with torch.no_grad():
        out = scripted(*inputs)
    outs = list(out) if isinstance(out, tuple) else [out]
    for i, x in enumerate(inputs):
        np.save(os.path.join(d, f"input{i}.npy"), to_numpy(x))
    for i, y in enumerate(outs):
        a = to_numpy(y)
        # ascontiguousarray would turn a 0-dim array into shape (1,).
        np.save(os.path.join(d, f"output{i}.npy"), np.ascontiguousarray(a) if a.ndim else a)
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(f"{name}: {len(inputs)} inputs, {len(outs)} outputs, {size} bytes")


def main():
    for name, model, inputs in models():
        export(name, model, inputs)
    # The README's main-job example: the residual CNN.
    ex = "examples/resnet_block"
    os.makedirs(ex, exist_ok=True)
    for f in ["model.ptmf", "input0.npy", "output0.npy"]:
        shutil.copy(os.path.join(OUT, "resnet_block", f), os.path.join(ex, f))


if __name__ == "__main__":
    main()
