"""The model zoo: real PyTorch models nobody here tuned for, built the way a new user would build
them (torchvision 0.14 and torch.nn, random weights from fixed seeds, eval mode). Shared by
tools/zoo/export.py (which writes them out) and tools/zoo/bench_torch.py (which rebuilds the same
weights to time PyTorch itself).
"""
from typing import Optional

import os
import sys

import torch
import torchvision.models as tvm
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from export_fixtures import randomize_norm_stats  # noqa: E402  (importing runs nothing but a seed)

IMAGE = (1, 3, 224, 224)


class TextClassifier(nn.Module):
    """Token ids -> embedding -> 2-layer nn.TransformerEncoder -> mean over tokens -> linear head.
    forward's Optional padding mask defaults to None, as nn.TransformerEncoder's own does."""

    def __init__(self, vocab=1000, width=256, heads=4, ff=1024, layers=2, classes=10):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        layer = nn.TransformerEncoderLayer(width, heads, ff, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.head = nn.Linear(width, classes)

    def forward(self, tokens, padding_mask: Optional[torch.Tensor] = None):
        h = self.encoder(self.embed(tokens), src_key_padding_mask=padding_mask)
        return self.head(h.mean(dim=1))


def small_vit():
    # ViT-Tiny's width (192, 3 heads) at half its depth: a small VisionTransformer at 224x224.
    vit = tvm.VisionTransformer(image_size=224, patch_size=16, num_layers=6, num_heads=3,
                                hidden_dim=192, mlp_dim=768, num_classes=1000)
    # torchvision zero-initializes the head, which would make every output 0 and its check empty.
    nn.init.normal_(vit.heads.head.weight, std=0.02)
    nn.init.normal_(vit.heads.head.bias, std=0.02)
    return vit


class GoogLeNetLogits(nn.Module):
    """Scripted GoogLeNet's forward returns a NamedTuple (logits, aux2, aux1), a class type the
    flatbuffer format cannot save; a user exporting it wraps it like this: GoogLeNet's own steps,
    returning the logits."""

    def __init__(self):
        super().__init__()
        # As torchvision builds it for pretrained weights: no auxiliary heads, transform_input on.
        self.net = tvm.googlenet(aux_logits=False, transform_input=True, init_weights=True)

    def forward(self, x):
        x, _, _ = self.net._forward(self.net._transform_input(x))
        return x


# name -> (builder, input maker)
def _image():
    return [torch.randn(*IMAGE)]


def _tokens():
    return [torch.randint(0, 1000, (2, 64), dtype=torch.int64)]


MODELS = {
    "resnet18": (tvm.resnet18, _image),
    "mobilenet_v2": (tvm.mobilenet_v2, _image),
    "mobilenet_v3_small": (tvm.mobilenet_v3_small, _image),
    "squeezenet1_1": (tvm.squeezenet1_1, _image),
    "shufflenet_v2_x1_0": (tvm.shufflenet_v2_x1_0, _image),
    "efficientnet_b0": (tvm.efficientnet_b0, _image),
    "densenet121": (tvm.densenet121, _image),
    "googlenet": (GoogLeNetLogits, _image),
    "mnasnet0_5": (tvm.mnasnet0_5, _image),
    "regnet_y_400mf": (tvm.regnet_y_400mf, _image),
    "convnext_tiny": (tvm.convnext_tiny, _image),
    "vit_small": (small_vit, _image),
    "text_transformer": (TextClassifier, _tokens),
}


def build(name):
    """(eager module in eval mode, inputs): the same weights and inputs on every call."""
    make, inputs = MODELS[name]
    torch.manual_seed(sum(map(ord, name)))
    model = make().eval()
    with torch.no_grad():
        randomize_norm_stats(model)
    return model, inputs()
