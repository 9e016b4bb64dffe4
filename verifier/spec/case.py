"""``Case``: the canonical inputs of one example, frozen, with its exact logits cached on itself.

Pointwise targets read ``z`` (logits) or ``f`` (probabilities) and maybe ``y``; problem targets read
``X`` (m, n), ``y`` (m,), ``w`` (n,), ``b`` and ``lam``.  The softmax family reads rows of logits ``z``
(m, K) or probabilities ``f`` (m, K) and class labels ``yidx`` (m,) (integers in [0, K)); its problem
reads ``X``, ``yidx``, ``W`` (n, K), ``b`` (K,) and ``lam``; the label-smoothed loss also reads
``smoothing``, the weight eps spread evenly over the K classes.  ``y_encoding`` says how the labels are
handed to the candidate ("float", "int" or "bool"); the values in ``y`` are always 0/1 floats (or soft
labels in [0, 1]).  A case never changes: ``replace`` makes a new one (without the cached logits).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import numpy as np

import reference
from verifier.spec.forms import DEFAULT_FORM, ProblemForm

INPUT_NAMES = ("X", "y", "w", "b", "lam", "z", "f", "W", "yidx", "smoothing")
ENCODINGS = ("float", "int", "bool")


@dataclasses.dataclass(frozen=True, eq=False)
class Case:
    """One example's canonical inputs (None where the target has no such input).

    The arrays are typed ``Any``: each is an ndarray, or None for a target without that input, and
    code reaches only the inputs its target declares (``Target.inputs``)."""

    X: Any = None  # (m, n) ndarray
    y: Any = None  # (m,) float ndarray of 0/1 (or soft) labels
    w: Any = None  # (n,) ndarray
    b: Any = None  # float; a (K,) ndarray for a softmax problem
    lam: float = 0.0
    z: Any = None  # ndarray of logits
    f: Any = None  # ndarray of probabilities
    y_encoding: str = "float"
    form: ProblemForm = DEFAULT_FORM  # mean or sum, the penalty's factor (verifier/spec/forms.py)
    W: Any = None  # (n, K) ndarray: the weights of a softmax problem
    yidx: Any = None  # (m,) int ndarray of class labels in [0, K)
    smoothing: Any = None  # a float: label smoothing eps in [0, 1]: targets (1 - eps) one_hot(y) + eps / K

    def __post_init__(self) -> None:
        if self.y_encoding not in ENCODINGS:
            raise ValueError(f"y_encoding={self.y_encoding!r}; use one of {ENCODINGS}")

    # -- access by input name (targets list their inputs by name)
    def __getitem__(self, name: str) -> Any:
        if name not in INPUT_NAMES:
            raise KeyError(name)
        value = getattr(self, name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        return name in INPUT_NAMES and getattr(self, str(name)) is not None

    def replace(self, **changes: Any) -> Case:
        """A new case with some inputs replaced (its logits computed afresh when asked for)."""
        return dataclasses.replace(self, **changes)

    def without_bias(self) -> Case:
        """The same logits with b = 0: a leading column of ones joins X and b becomes its weight, so
        a model without bias (a signature with neither b nor theta) sees the same problem."""
        if not self.is_problem:
            return self
        if self.W is not None:
            return self._without_bias_vector()
        if self.b == 0:
            return self
        X = np.asarray(self.X)
        ones = np.ones((X.shape[0], 1), dtype=X.dtype)
        w = np.concatenate([np.asarray([self.b], dtype=np.asarray(self.w).dtype), np.asarray(self.w)])
        return self.replace(X=np.hstack([ones, X]), w=w, b=0.0)

    def _without_bias_vector(self) -> Case:
        b = np.asarray(self.b)
        if not np.any(b):
            return self
        X = np.asarray(self.X)
        ones = np.ones((X.shape[0], 1), dtype=X.dtype)
        W = np.vstack([b.reshape(1, -1).astype(np.asarray(self.W).dtype), np.asarray(self.W)])
        return self.replace(X=np.hstack([ones, X]), W=W, b=np.zeros_like(b))

    @property
    def is_problem(self) -> bool:
        return self.X is not None

    @property
    def multiclass(self) -> bool:
        """A case of the softmax family (weights W or class labels yidx)."""
        return self.W is not None or self.yidx is not None

    @property
    def K(self) -> int:
        """Number of classes (columns of W, z or f)."""
        if self.W is not None:
            return int(np.shape(self.W)[1])
        return int(np.shape(self.z if self.z is not None else self.f)[-1])

    @property
    def m(self) -> int:
        """Number of examples (rows of X)."""
        return int(np.shape(self.X)[0])

    @property
    def n(self) -> int:
        """Number of features (columns of X)."""
        return int(np.shape(self.X)[1])

    @functools.cached_property
    def exact_logits(self) -> np.ndarray:
        """Exact z = Xw + b (object array of mpf; (m, K) for Z = XW + b), computed once per case."""
        if self.W is not None:
            return reference.softmax_logits(self.X, self.W, self.b)
        return reference.logits(self.X, self.w, self.b)

    @functools.cached_property
    def logits_float(self) -> np.ndarray:
        """The exact logits rounded to float64 (for plots and regions), computed once per case."""
        exact = np.asarray(self.exact_logits)
        z = np.array([float(v) for v in exact.reshape(-1)], dtype=np.float64).reshape(exact.shape)
        z.setflags(write=False)  # shared by every reader
        return z

    def plain(self) -> dict[str, Any]:
        """The inputs as plain data for reports (exact floats); ``y_encoding`` only when not "float"."""
        out: dict[str, Any] = {}
        for name in INPUT_NAMES:
            value = getattr(self, name)
            if value is None or (name == "lam" and not self.is_problem):
                continue
            out[name] = value.tolist() if isinstance(value, np.ndarray) else value
        if self.y_encoding != "float":
            out["y_encoding"] = self.y_encoding
        if not self.form.is_default:
            out["form"] = self.form.plain()
        return out

    @classmethod
    def from_plain(cls, inputs: dict[str, Any], dtype: Any = np.float64) -> Case:
        """Inverse of ``plain``: arrays of ``dtype`` for X, w, W, z, f and a bias vector; float labels,
        int class labels; floats b, lam and smoothing."""
        kw: dict[str, Any] = {}
        for k, v in inputs.items():
            if k in ("X", "w", "z", "f", "W") or (k == "b" and isinstance(v, list)):
                kw[k] = np.asarray(v, dtype=np.float64).astype(dtype)
            elif k == "y":
                kw[k] = np.asarray(v, dtype=np.float64)
            elif k == "yidx":
                kw[k] = np.asarray(v, dtype=np.int64)
            elif k in ("b", "lam", "smoothing"):
                kw[k] = float(v)  # "inf" and "nan" (JSON's stand-ins) read back as floats too
            elif k == "y_encoding":
                kw[k] = str(v)
            elif k == "form" and isinstance(v, dict):
                kw[k] = ProblemForm(**v)
        X = kw.get("X")
        if X is not None and X.ndim == 1:
            kw["X"] = X.reshape(len(kw.get("y", kw.get("yidx", X))), -1)
        return cls(**kw)
