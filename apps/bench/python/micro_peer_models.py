"""Models, 8-bit float emulation and Bop for micro_peer.py, written to match @lowbit/models and
@lowbit/optim: LeNet-5 (conv1 6 5x5 padding 2, max pool, conv2 16 5x5, max pool, 120-84-10, ReLU),
ResNet-18 with the CIFAR stem (3x3 stem, no max pool, basic blocks, 1x1 stride-2 shortcuts), and
Larq's MNIST BNN (larqMnistBnn: binary stored weights, sign STE inputs except the first layer,
shift-only batch norms with eps 1e-3 and momentum 0.01)."""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class FloatFormat:
    mantissa_bits: int
    min_exponent: int  # exponent of the smallest normal
    max_value: float
    overflow: float  # what an overflow becomes (times the sign)


FORMATS = {
    "float8_e4m3fn": FloatFormat(3, -6, 448.0, float("nan")),
    "float8_e5m2": FloatFormat(2, -14, 57344.0, float("inf")),
}
E4M3, E5M2 = FORMATS["float8_e4m3fn"], FORMATS["float8_e5m2"]


def quantize_float(x, fmt, stochastic=False):
    """x rounded into fmt, returned as float32: the value's spacing is 2^(max(e, emin) - M)."""
    _, exponent = torch.frexp(x)  # x = m * 2^exponent, 0.5 <= |m| < 1, so floor(log2 |x|) = exponent - 1
    shift = torch.clamp(exponent - 1, min=fmt.min_exponent) - fmt.mantissa_bits
    scaled = torch.ldexp(x, -shift)  # exact: a power-of-two scale
    if stochastic:
        rounded = torch.sign(scaled) * torch.floor(scaled.abs() + torch.rand_like(scaled))
    else:
        rounded = torch.round(scaled)  # half to even
    y = torch.ldexp(rounded, shift)
    return torch.where(y.abs() > fmt.max_value, torch.sign(y) * fmt.overflow, y)


class RoundForward(torch.autograd.Function):
    """The `inputs` role: rounds forward, passes the gradient (the previous layer's errors round it)."""

    @staticmethod
    def forward(ctx, x, fmt):
        return quantize_float(x, fmt)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class RoundBoth(torch.autograd.Function):
    """The `weights` role with `weightGradients`: W rounded forward, its gradient G rounded backward."""

    @staticmethod
    def forward(ctx, x, forward_fmt, backward_fmt):
        ctx.backward_fmt = backward_fmt
        return quantize_float(x, forward_fmt)

    @staticmethod
    def backward(ctx, grad):
        return quantize_float(grad, ctx.backward_fmt), None, None


class RoundBackward(torch.autograd.Function):
    """The `errors` role on a layer's output: identity forward, the gradient rounded backward."""

    @staticmethod
    def forward(ctx, x, fmt):
        ctx.fmt = fmt
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return quantize_float(grad, ctx.fmt), None


def fp8_layer(op, x, weight, bias, **kwargs):
    """E4M3 weights and inputs forward, E5M2 errors and weight gradients backward (bias not rounded)."""
    y = op(RoundForward.apply(x, E4M3), RoundBoth.apply(weight, E4M3, E5M2), bias, **kwargs)
    return RoundBackward.apply(y, E5M2)


class LeNet5(nn.Module):
    def __init__(self, fp8=False):
        super().__init__()
        self.fp8 = fp8
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def layer(self, module, x):
        if isinstance(module, nn.Conv2d):
            if not self.fp8:
                return module(x)
            return fp8_layer(F.conv2d, x, module.weight, module.bias, padding=module.padding)
        return fp8_layer(F.linear, x, module.weight, module.bias) if self.fp8 else module(x)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.layer(self.conv1, x)), 2)
        x = F.max_pool2d(F.relu(self.layer(self.conv2, x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.layer(self.fc1, x))
        x = F.relu(self.layer(self.fc2, x))
        return self.layer(self.fc3, x)


class BasicBlock(nn.Module):
    def __init__(self, in_channels, channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, channels, 1, stride, bias=False), nn.BatchNorm2d(channels))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class ResNet18Cifar(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        layers, channels = [], 64
        for stage, width in enumerate([64, 128, 256, 512]):
            for block in range(2):
                layers.append(BasicBlock(channels, width, 2 if stage > 0 and block == 0 else 1))
                channels = width
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class SignSte(torch.autograd.Function):
    """Larq's ste_sign: +-1 forward (sign(0) = +1), the gradient passed where |x| <= 1."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.abs() <= 1).to(grad.dtype)


class ShiftOnlyBatchNorm(nn.Module):
    """Keras BatchNormalization(scale=False): normalize, then a learnable shift."""

    def __init__(self, channels, dims):
        super().__init__()
        norm = nn.BatchNorm2d if dims == 2 else nn.BatchNorm1d
        self.norm = norm(channels, eps=1e-3, momentum=0.01, affine=False)
        self.shift = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        y = self.norm(x)
        return y + (self.shift.view(1, -1, 1, 1) if y.dim() == 4 else self.shift)


def binary_parameter(shape, fan_in, fan_out):
    """Stored +-1 weights (Glorot-uniform latent values, then their sign)."""
    bound = (6.0 / (fan_in + fan_out)) ** 0.5
    latent = torch.empty(shape).uniform_(-bound, bound)
    return nn.Parameter(torch.where(latent >= 0, torch.ones_like(latent), -torch.ones_like(latent)))


class LarqMnistBnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = binary_parameter((32, 1, 3, 3), 9, 288)
        self.conv2 = binary_parameter((64, 32, 3, 3), 288, 576)
        self.conv3 = binary_parameter((64, 64, 3, 3), 576, 576)
        self.fc1 = binary_parameter((64, 576), 576, 64)
        self.fc2 = binary_parameter((10, 64), 64, 10)
        self.bn = nn.ModuleList([ShiftOnlyBatchNorm(32, 2), ShiftOnlyBatchNorm(64, 2), ShiftOnlyBatchNorm(64, 2), ShiftOnlyBatchNorm(64, 1), ShiftOnlyBatchNorm(10, 1)])

    def binary_parameters(self):
        return [self.conv1, self.conv2, self.conv3, self.fc1, self.fc2]

    def forward(self, x):
        x = self.bn[0](F.max_pool2d(F.conv2d(x, self.conv1), 2))  # real inputs, binary weights
        x = self.bn[1](F.max_pool2d(F.conv2d(SignSte.apply(x), self.conv2), 2))
        x = self.bn[2](F.conv2d(SignSte.apply(x), self.conv3))
        x = self.bn[3](F.linear(SignSte.apply(torch.flatten(x, 1)), self.fc1))
        return self.bn[4](F.linear(SignSte.apply(x), self.fc2))


class Bop:
    """Helwegen et al.'s Bop as @lowbit/optim computes it: m = m + gamma (g - m); flip w where |m| > tau and sign(m) = sign(w)."""

    def __init__(self, parameters, threshold=1e-8, adaptivity=1e-4):
        self.parameters = list(parameters)
        self.threshold, self.adaptivity = threshold, adaptivity
        self.momenta = [torch.zeros_like(p) for p in self.parameters]

    def zero_grad(self, set_to_none=True):
        for p in self.parameters:
            p.grad = None

    @torch.no_grad()
    def step(self):
        for w, m in zip(self.parameters, self.momenta):
            if w.grad is None:
                continue
            m.add_(w.grad - m, alpha=self.adaptivity)
            flip = (m.abs() > self.threshold) & ((m >= 0) == (w >= 0))
            w.copy_(torch.where(flip, -w, w))


def build_step_model(model, precision):
    """(module, input shape, optimizers factory) of a training-step workload."""
    sgd = lambda m: [torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9)]  # noqa: E731
    if model == "lenet5":
        return LeNet5(fp8=precision == "fp8"), (1, 28, 28), sgd
    if precision != "float32":
        raise ValueError(f"no {precision} variant of {model}")
    if model == "resnet18-cifar":
        return ResNet18Cifar(), (3, 32, 32), sgd
    if model == "bnn-larq-mnist":
        def optimizers(m):
            binary = set(id(p) for p in m.binary_parameters())
            return [Bop(m.binary_parameters()), torch.optim.Adam([p for p in m.parameters() if id(p) not in binary], lr=0.01)]
        return LarqMnistBnn(), (1, 28, 28), optimizers
    raise ValueError(f"unknown model {model}")
