"""PyTorch: sigmoid, logsigmoid, binary_cross_entropy, binary_cross_entropy_with_logits, autograd.

Arrays become tensors of the judged dtype (float64 or float32) on the device, labels are cast to
that dtype (as the losses require), and results come back as numpy arrays.

- ``torch.sigmoid`` as sigmoid; autograd of ``torch.sigmoid`` as its derivative
- ``F.logsigmoid`` as the loss from a logit, -(y logsigmoid(z) + (1 - y) logsigmoid(-z))
- ``F.binary_cross_entropy(f, y, reduction="none")`` as the loss from a probability
- ``F.binary_cross_entropy_with_logits(z, y, reduction="none")`` as the loss from a logit
- the mean ``binary_cross_entropy_with_logits`` of Xw + b as the cost, and its autograd gradient
  with respect to (w, b) as the gradient
On CUDA (when a GPU is present) the same functions run again; those with a matrix product run with
TF32 matmul both on and off.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Any

import numpy as np

from verifier.audit.adapters import LibraryFunction

LIBRARY = "torch"


def version() -> str:
    import torch

    return torch.__version__


def _torch():
    import torch
    import torch.nn.functional as F

    return torch, F


def _tensor(a, device: str, dtype=None):
    torch, _ = _torch()
    arr = np.array(a, copy=True)  # keeps 0-d inputs 0-d
    t = torch.from_numpy(arr) if arr.dtype.kind == "f" else torch.from_numpy(arr.astype(np.float64))
    return t.to(device=device, dtype=dtype or t.dtype)


def _numpy(t) -> np.ndarray:
    return t.detach().cpu().numpy()


@contextmanager
def _tf32(flag: bool | None):
    torch, _ = _torch()
    if flag is None:
        yield
        return
    old = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = flag
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = old


def make_sigmoid(device: str):
    def sigmoid(z):
        torch, _ = _torch()
        return _numpy(torch.sigmoid(_tensor(z, device)))

    return sigmoid


def make_sigmoid_autograd(device: str):
    def sigmoid_derivative(z):
        torch, _ = _torch()
        zt = _tensor(z, device).requires_grad_(True)
        torch.sigmoid(zt).sum().backward()
        return _numpy(zt.grad)

    return sigmoid_derivative


def make_logsigmoid(device: str):
    def loss_from_logit(z, y):
        _, F = _torch()
        zt = _tensor(z, device)
        yt = _tensor(y, device, zt.dtype)
        return _numpy(-(yt * F.logsigmoid(zt) + (1 - yt) * F.logsigmoid(-zt)))

    return loss_from_logit


def make_bce(device: str):
    def loss(f, y):
        _, F = _torch()
        ft = _tensor(f, device)
        return _numpy(F.binary_cross_entropy(ft, _tensor(y, device, ft.dtype), reduction="none"))

    return loss


def make_bce_with_logits(device: str):
    def loss_from_logit(z, y):
        _, F = _torch()
        zt = _tensor(z, device)
        return _numpy(F.binary_cross_entropy_with_logits(zt, _tensor(y, device, zt.dtype), reduction="none"))

    return loss_from_logit


def _problem(X, y, w, b, device):
    torch, _ = _torch()
    Xt = _tensor(X, device)
    wt = _tensor(w, device).requires_grad_(True)
    bt = torch.tensor(float(b), dtype=Xt.dtype, device=device, requires_grad=True)
    return Xt, _tensor(y, device, Xt.dtype), wt, bt


def make_cost(device: str, tf32: bool | None):
    def compute_cost_logistic(X, y, w, b):
        _, F = _torch()
        with _tf32(tf32):
            Xt, yt, wt, bt = _problem(X, y, w, b, device)
            return _numpy(F.binary_cross_entropy_with_logits(Xt @ wt + bt, yt))

    return compute_cost_logistic


def make_gradient(device: str, tf32: bool | None):
    def compute_gradient_logistic(X, y, w, b):
        _, F = _torch()
        with _tf32(tf32):
            Xt, yt, wt, bt = _problem(X, y, w, b, device)
            F.binary_cross_entropy_with_logits(Xt @ wt + bt, yt).backward()
            return _numpy(bt.grad), _numpy(wt.grad)

    return compute_gradient_logistic


def _devices() -> list[str]:
    torch, _ = _torch()
    return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]


def _built(factory: Any, precision: str) -> Any:
    return factory()


def functions() -> list[LibraryFunction]:
    out = []
    for device in _devices():
        dev = "" if device == "cpu" else device

        def fn(name, target, factory, how, variant=dev):
            out.append(LibraryFunction(LIBRARY, name, target, functools.partial(_built, factory), how, variant))

        fn("torch.sigmoid", "sigmoid", lambda d=device: make_sigmoid(d), "torch.sigmoid(z)")
        fn(
            "autograd of torch.sigmoid",
            "sigmoid-derivative",
            lambda d=device: make_sigmoid_autograd(d),
            "z.grad after torch.sigmoid(z).sum().backward()",
        )
        fn(
            "F.logsigmoid",
            "loss-from-logit",
            lambda d=device: make_logsigmoid(d),
            "-(y logsigmoid(z) + (1 - y) logsigmoid(-z))",
        )
        fn(
            "F.binary_cross_entropy",
            "loss",
            lambda d=device: make_bce(d),
            'binary_cross_entropy(f, y, reduction="none")',
        )
        fn(
            "F.binary_cross_entropy_with_logits",
            "loss-from-logit",
            lambda d=device: make_bce_with_logits(d),
            'binary_cross_entropy_with_logits(z, y, reduction="none")',
        )
        tf32_modes = [None] if device == "cpu" else [False, True]
        for tf32 in tf32_modes:
            variant = dev if tf32 is None else f"{dev}, tf32 {'on' if tf32 else 'off'}"
            fn(
                "mean binary_cross_entropy_with_logits",
                "cost",
                lambda d=device, t=tf32: make_cost(d, t),
                "binary_cross_entropy_with_logits(X @ w + b, y) (mean)",
                variant,
            )
            fn(
                "autograd of mean binary_cross_entropy_with_logits",
                "gradient",
                lambda d=device, t=tf32: make_gradient(d, t),
                "(b.grad, w.grad) after the mean loss's backward()",
                variant,
            )
    return out
