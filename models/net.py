"""The network of deepinside's bundled default model, and its BatchNorm folding for export.

A small ConvNet in the spirit of Simonyan & Zisserman's VGG nets: stages of 3x3 convolutions (stride 1,
padding 1) each followed by ReLU, a 2x2 stride-2 max-pool after every stage, then global average pooling
and one fully connected layer that gives the unnormalised class scores. BatchNorm follows every
convolution while training; `fold_batchnorm` merges it into the convolution's weights and bias, so the
exported graph holds only Conv, Relu, MaxPool, GlobalAveragePool, Flatten and Gemm.

An architecture is written as a string: stages separated by '-', the convolutions of a stage by 'x',
e.g. "16-32-64x64-128x128-256x256" = a 16-channel conv, pool, a 32-channel conv, pool, two 64-channel
convs, pool, ...
"""
from __future__ import annotations

import torch
from torch import nn

# Named candidates (MODEL.md has the measured throughput of each). "v*x4": two convolutions in each of four
# stages, as in the brief; "lean*": one convolution in the two high-resolution stages, where a second one costs
# the most time for the least capacity. lean5 is the default.
ARCHS = {
    "v16x4": "16x16-32x32-64x64-128x128",
    "v24x4": "24x24-48x48-96x96-192x192",
    "v32x4": "32x32-64x64-128x128-256x256",
    "lean4": "16-32-64x64-128x128",
    "lean5": "16-32-64x64-128x128-256x256",
}


def parse_arch(arch: str) -> list[list[int]]:
    spec = ARCHS.get(arch, arch)
    try:
        stages = [[int(w) for w in stage.split("x")] for stage in spec.split("-")]
    except ValueError:
        raise ValueError(f"bad architecture '{arch}': want a name ({', '.join(ARCHS)}) or e.g. '16x16-32x32-64x64'")
    if not stages or any(not s or min(s) <= 0 for s in stages):
        raise ValueError(f"bad architecture '{arch}'")
    return stages


class Net(nn.Module):
    def __init__(self, arch: str, classes: int, batchnorm: bool = True):
        super().__init__()
        self.arch = ARCHS.get(arch, arch)
        layers: list[nn.Module] = []
        c_in = 3
        for stage in parse_arch(arch):
            for width in stage:
                layers.append(nn.Conv2d(c_in, width, 3, padding=1, bias=not batchnorm))
                if batchnorm:
                    layers.append(nn.BatchNorm2d(width))
                layers.append(nn.ReLU(inplace=True))
                c_in = width
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)  # exports as GlobalAveragePool
        self.flatten = nn.Flatten(1)
        self.fc = nn.Linear(c_in, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.flatten(self.pool(self.features(x))))


@torch.no_grad()
def fold_batchnorm(model: Net) -> Net:
    """A copy of `model` (in eval mode) with every Conv2d+BatchNorm2d pair merged into one biased Conv2d."""
    classes = model.fc.out_features
    folded = Net(model.arch, classes, batchnorm=False)
    src = list(model.features)
    dst_convs = [m for m in folded.features if isinstance(m, nn.Conv2d)]
    k = 0
    for i, m in enumerate(src):
        if not isinstance(m, nn.Conv2d):
            continue
        w = m.weight.detach().double()
        b = m.bias.detach().double() if m.bias is not None else torch.zeros(w.shape[0], dtype=torch.float64)
        nxt = src[i + 1] if i + 1 < len(src) else None
        if isinstance(nxt, nn.BatchNorm2d):
            scale = nxt.weight.double() / torch.sqrt(nxt.running_var.double() + nxt.eps)
            w = w * scale.view(-1, 1, 1, 1)
            b = (b - nxt.running_mean.double()) * scale + nxt.bias.double()
        dst_convs[k].weight.copy_(w.float())
        dst_convs[k].bias.copy_(b.float())
        k += 1
    assert k == len(dst_convs)
    folded.fc.load_state_dict(model.fc.state_dict())
    return folded.eval()


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def conv_macs(arch: str, classes: int, h: int, w: int) -> int:
    """Multiply-accumulates of one forward pass at h x w (convolutions and the final layer)."""
    macs, c_in = 0, 3
    for stage in parse_arch(arch):
        for width in stage:
            macs += h * w * 9 * c_in * width
            c_in = width
        h, w = h // 2, w // 2
    return macs + c_in * classes
