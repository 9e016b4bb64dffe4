"""PyTorch for the softmax family: softmax, log_softmax, logsumexp, cross_entropy, nll_loss, autograd.

Arrays become CPU tensors of the judged dtype; class labels become int64 tensors (as the losses
require) and results come back as numpy arrays.

- ``torch.softmax(z, dim=-1)``, ``torch.log_softmax(z, dim=-1)``, ``torch.logsumexp(z, dim=-1)``
- ``F.cross_entropy(z, y, reduction="none")`` as the per-example cross-entropy from logits, with
  class labels and again with one-hot class probabilities as the target (another code path)
- ``F.cross_entropy(z, y, label_smoothing=eps, reduction="none")``, with class labels and with
  one-hot targets (which PyTorch smooths by another code path), as the label-smoothed cross-entropy
- ``F.nll_loss(torch.log(p), y, reduction="none")`` as the per-example loss from probabilities
- the mean ``F.cross_entropy`` at X W + b as the multinomial cost, and its autograd gradient with
  respect to (W, b) as the gradient
"""

from __future__ import annotations

import numpy as np

from verifier.audit.adapters import LibraryFunction, one_hot

LIBRARY = "torch"


def version() -> str:
    import torch

    return torch.__version__


def _torch():
    import torch
    import torch.nn.functional as F

    return torch, F


def _tensor(a):
    torch, _ = _torch()
    return torch.from_numpy(np.array(a, copy=True))


def _labels(y):
    torch, _ = _torch()
    return torch.from_numpy(np.asarray(y).astype(np.int64))


def _numpy(t) -> np.ndarray:
    return t.detach().cpu().numpy()


def softmax(z):
    torch, _ = _torch()
    return _numpy(torch.softmax(_tensor(z), dim=-1))


def log_softmax(z):
    torch, _ = _torch()
    return _numpy(torch.log_softmax(_tensor(z), dim=-1))


def logsumexp(z):
    torch, _ = _torch()
    return _numpy(torch.logsumexp(_tensor(z), dim=-1))


def cross_entropy(z, y):
    _, F = _torch()
    return _numpy(F.cross_entropy(_tensor(z), _labels(y), reduction="none"))


def cross_entropy_probability_targets(z, y):
    _, F = _torch()
    z = np.asarray(z)
    return _numpy(F.cross_entropy(_tensor(z), _tensor(one_hot(y, z)), reduction="none"))


def smoothed_cross_entropy(z, y, eps):
    _, F = _torch()
    return _numpy(F.cross_entropy(_tensor(z), _labels(y), reduction="none", label_smoothing=float(eps)))


def smoothed_cross_entropy_probability_targets(z, y, eps):
    _, F = _torch()
    z = np.asarray(z)
    target = _tensor(one_hot(y, z))
    return _numpy(F.cross_entropy(_tensor(z), target, reduction="none", label_smoothing=float(eps)))


def nll_of_log(p, y):
    torch, F = _torch()
    return _numpy(F.nll_loss(torch.log(_tensor(p)), _labels(y), reduction="none"))


def _mean_loss(X, y, W, b, grad: bool):
    torch, F = _torch()
    Wt = _tensor(W).requires_grad_(grad)
    bt = _tensor(np.asarray(b, dtype=np.asarray(W).dtype)).requires_grad_(grad)
    loss = F.cross_entropy(_tensor(X) @ Wt + bt, _labels(y))
    return loss, Wt, bt


def cost(X, y, W, b):
    loss, _, _ = _mean_loss(X, y, W, b, False)
    return _numpy(loss)


def gradient(X, y, W, b):
    loss, Wt, bt = _mean_loss(X, y, W, b, True)
    loss.backward()
    return _numpy(bt.grad), _numpy(Wt.grad)


def _fixed(fn):
    return lambda precision: fn


def functions() -> list[LibraryFunction]:
    table = [
        ("torch.softmax", "softmax", softmax, "torch.softmax(z, dim=-1)"),
        ("torch.log_softmax", "log-softmax", log_softmax, "torch.log_softmax(z, dim=-1)"),
        ("torch.logsumexp", "logsumexp", logsumexp, "torch.logsumexp(z, dim=-1)"),
        ("F.cross_entropy", "softmax-loss", cross_entropy, 'cross_entropy(z, y, reduction="none")'),
        (
            "F.cross_entropy with probability targets",
            "softmax-loss",
            cross_entropy_probability_targets,
            'cross_entropy(z, one_hot(y), reduction="none")',
        ),
        (
            "F.cross_entropy with label_smoothing",
            "softmax-loss-smoothed",
            smoothed_cross_entropy,
            'cross_entropy(z, y, label_smoothing=eps, reduction="none")',
        ),
        (
            "F.cross_entropy with label_smoothing and probability targets",
            "softmax-loss-smoothed",
            smoothed_cross_entropy_probability_targets,
            'cross_entropy(z, one_hot(y), label_smoothing=eps, reduction="none")',
        ),
        ("F.nll_loss of torch.log", "softmax-loss-from-probs", nll_of_log, 'nll_loss(log(p), y, reduction="none")'),
        ("mean F.cross_entropy", "softmax-cost", cost, "cross_entropy(X @ W + b, y) (mean)"),
        (
            "autograd of mean F.cross_entropy",
            "softmax-gradient",
            gradient,
            "(b.grad, W.grad) after the mean loss's backward()",
        ),
    ]
    return [LibraryFunction(LIBRARY, name, target, _fixed(fn), how) for name, target, fn, how in table]
