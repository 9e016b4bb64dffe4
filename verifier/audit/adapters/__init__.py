"""Adapters: library functions presented in the ``mls`` calling convention, one module per library and
family (the logistic functions, the softmax family).

Each adapter module defines ``LIBRARY`` (the name a user passes to ``verifier audit``), ``version()``
(raises ImportError when the library is not installed) and ``functions()``, the list of
``LibraryFunction`` it offers.  A ``LibraryFunction`` builds, for one precision, a plain Python
callable that takes numpy arrays in that precision (``fn(z)``, ``fn(f, y)``, ``fn(z, y)`` or
``fn(X, y, w, b[, lambda_])``), calls the library in that precision and returns numpy arrays.  The
callables are trusted library code: ``verifier.check`` runs them in this process.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

ADAPTERS: dict[str, tuple[str, ...]] = {
    "numpy": ("verifier.audit.adapters.numpy_textbook",),
    "scipy": ("verifier.audit.adapters.scipy_special", "verifier.audit.adapters.scipy_softmax"),
    "sklearn": ("verifier.audit.adapters.sklearn_loss", "verifier.audit.adapters.sklearn_softmax"),
    "statsmodels": ("verifier.audit.adapters.statsmodels_logit",),
    "torch": ("verifier.audit.adapters.torch_nn", "verifier.audit.adapters.torch_softmax"),
    "jax": ("verifier.audit.adapters.jax_nn", "verifier.audit.adapters.jax_softmax"),
    "tensorflow": ("verifier.audit.adapters.tensorflow_keras", "verifier.audit.adapters.tensorflow_softmax"),
}
ALIASES = {"scikit-learn": "sklearn", "pytorch": "torch", "tf": "tensorflow", "keras": "tensorflow"}


@dataclass(frozen=True)
class LibraryFunction:
    """One library function as a checkable candidate.

    - ``function``: its public name (``scipy.special.expit``); ``variant``: how it was run when one
      function is audited several ways ("x64 off", "cuda, tf32 on"), else ""
    - ``target``: the verifier target it computes; ``lam``: the lambda it is judged with
    - ``build(precision)``: the callable in the ``mls`` convention for "float64" or "float32"
    - ``how``: one line saying how the adapter maps the library's call onto the target
    """

    library: str
    function: str
    target: str
    build: Callable[[str], Callable[..., Any]]
    how: str = ""
    variant: str = ""
    lam: float = 0.0
    precisions: tuple[str, ...] = ("float64", "float32")

    @property
    def label(self) -> str:
        return f"{self.function} [{self.variant}]" if self.variant else self.function


@dataclass(frozen=True)
class Adapter:
    """A loaded adapter module: the library's name, its installed version and its functions."""

    library: str
    version: str
    functions: tuple[LibraryFunction, ...]


def canonical(name: str) -> str:
    """The adapter name for ``name`` (accepts aliases such as "scikit-learn"); ValueError if unknown."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in ADAPTERS:
        raise ValueError(f"library={name!r} has no adapter; use one of: {', '.join(ADAPTERS)}")
    return key


def load(names: list[str] | None = None) -> tuple[list[Adapter], list[str]]:
    """Import the adapters for ``names`` (default: all).  Returns the adapters whose library is
    installed and one note per library that was skipped."""
    keys = [canonical(n) for n in names] if names else list(ADAPTERS)
    adapters, notes = [], []
    for key in dict.fromkeys(keys):
        try:
            modules = [importlib.import_module(name) for name in ADAPTERS[key]]
            version = modules[0].version()
            functions = tuple(f for module in modules for f in module.functions())
        except ImportError as exc:
            notes.append(f"{key}: skipped, not installed ({exc})")
            continue
        adapters.append(Adapter(modules[0].LIBRARY, version, functions))
    return adapters, notes


def dtype_of(precision: str) -> np.dtype:
    return np.dtype(precision)


def labels_as(y: Any, like: np.ndarray) -> np.ndarray:
    """Labels (float, int or bool arrays) as floats of ``like``'s dtype, as a library expects them."""
    like = np.asarray(like)
    return np.asarray(y).astype(like.dtype if like.dtype.kind == "f" else np.float64)


def one_hot(y: Any, like: np.ndarray) -> np.ndarray:
    """Class labels (m,) as one-hot rows (m, K) in ``like``'s dtype, K the last axis of ``like``."""
    like = np.asarray(like)
    labels = np.asarray(y).astype(np.int64)
    out = np.zeros((labels.size, like.shape[-1]), dtype=like.dtype)
    out[np.arange(labels.size), labels] = 1
    return out


def picked(rows: np.ndarray, y: Any) -> np.ndarray:
    """``rows[i, y_i]`` for each example i: the entry of each row at its class label."""
    labels = np.asarray(y).astype(np.int64)
    return np.take_along_axis(np.asarray(rows), labels.reshape(-1, 1), axis=-1).reshape(-1)


def mean_gradient(residual: np.ndarray, X: np.ndarray) -> tuple[Any, np.ndarray]:
    """(dJ/db, dJ/dw) of the mean loss from per-example residuals dL/dz, in the residual's dtype."""
    m = X.shape[0]
    r = np.asarray(residual)
    return r.sum() / r.dtype.type(m), X.T @ r / r.dtype.type(m)
