"""The optimizers of torch.optim (single-tensor formulas) on a flat list of weights.

One update here equals one ``optimizer.step()`` of torch to rounding (tested in
``tests/training/test_engines.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


class Optimizer:
    """Updates a list of weights in place from a gradient, like ``torch.optim``."""

    name = ""

    def step(self, w: list[float], grad: Sequence[float], lr: float) -> None:
        raise NotImplementedError


class Adam(Optimizer):
    """``torch.optim.Adam`` defaults: betas (0.9, 0.999), eps 1e-8, no decay."""

    name = "adam"

    def __init__(self, size: int = 12, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.exp_avg = [0.0] * size
        self.exp_avg_sq = [0.0] * size
        self.steps = 0.0

    def step(self, w: list[float], grad: Sequence[float], lr: float) -> None:
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        self.steps += 1.0
        step = self.steps
        # torch: exp_avg.lerp_(grad, 1 - beta1); weight < 0.5 -> a + wt * (b - a)
        one_minus_beta1 = 1 - beta1
        one_minus_beta2 = 1 - beta2
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        neg_step_size = -step_size
        bias_correction2_sqrt = bias_correction2**0.5
        m, v = self.exp_avg, self.exp_avg_sq
        sqrt = math.sqrt
        for k in range(len(w)):
            g = grad[k]
            mk = m[k]
            mk = mk + one_minus_beta1 * (g - mk)
            vk = v[k] * beta2 + one_minus_beta2 * g * g
            m[k] = mk
            v[k] = vk
            w[k] += neg_step_size * mk / (sqrt(vk) / bias_correction2_sqrt + eps)


class SGD(Optimizer):
    """``torch.optim.SGD`` with momentum (dampening 0, no Nesterov, no decay)."""

    name = "sgd"

    def __init__(self, size: int = 12, momentum: float = 0.0):
        self.momentum = momentum
        self.buffer: list[float] | None = None

    def step(self, w: list[float], grad: Sequence[float], lr: float) -> None:
        neg_lr = -lr
        momentum = self.momentum
        if momentum != 0.0:
            buf = self.buffer
            if buf is None:
                # torch: the first buffer is a copy of the gradient.
                buf = self.buffer = list(grad)
            else:
                for k in range(len(w)):
                    buf[k] = buf[k] * momentum + grad[k]
            grad = buf
        for k in range(len(w)):
            w[k] += neg_lr * grad[k]


class RMSprop(Optimizer):
    """``torch.optim.RMSprop`` defaults: alpha 0.99, eps 1e-8, not centered, momentum 0."""

    name = "rmsprop"

    def __init__(self, size: int = 12, alpha: float = 0.99, eps: float = 1e-8):
        self.alpha, self.eps = alpha, eps
        self.square_avg = [0.0] * size
        self.steps = 0

    def step(self, w: list[float], grad: Sequence[float], lr: float) -> None:
        self.steps += 1
        alpha, eps = self.alpha, self.eps
        one_minus_alpha = 1 - alpha
        neg_lr = -lr
        sq = self.square_avg
        sqrt = math.sqrt
        for k in range(len(w)):
            g = grad[k]
            s = sq[k] * alpha + one_minus_alpha * g * g
            sq[k] = s
            w[k] += neg_lr * g / (sqrt(s) + eps)


class Adagrad(Optimizer):
    """``torch.optim.Adagrad`` defaults: lr_decay 0, initial accumulator 0, eps 1e-10."""

    name = "adagrad"

    def __init__(self, size: int = 12, eps: float = 1e-10, lr_decay: float = 0.0):
        self.eps, self.lr_decay = eps, lr_decay
        self.sum = [0.0] * size
        self.steps = 0.0

    def step(self, w: list[float], grad: Sequence[float], lr: float) -> None:
        self.steps += 1.0
        eps = self.eps
        clr = lr / (1 + (self.steps - 1) * self.lr_decay)
        neg_clr = -clr
        acc = self.sum
        sqrt = math.sqrt
        for k in range(len(w)):
            g = grad[k]
            s = acc[k] + g * g
            acc[k] = s
            w[k] += neg_clr * g / (sqrt(s) + eps)


def make_optimizer(name: str, momentum: float = 0.0, size: int = 12) -> Optimizer:
    """A fresh optimizer state by name (``adam``, ``sgd``, ``rmsprop``, ``adagrad``)."""
    if name == "adam":
        return Adam(size)
    if name == "sgd":
        return SGD(size, momentum)
    if name == "rmsprop":
        return RMSprop(size)
    if name == "adagrad":
        return Adagrad(size)
    raise ValueError(f"unknown optimizer {name!r}; expected adam, sgd, rmsprop or adagrad")
