"""Signatures: how a candidate's arguments and return values map to the canonical problem.

A signature is written ``"INPUTS -> OUTPUTS"``, e.g. ``"theta, X1, y, lam -> J, grad"``:

inputs  ``X`` (m, n) features; ``X1`` (m, n+1) with a leading column of ones, then ``theta`` (n+1,)
        or ``thetacol`` (n+1, 1) holds the parameters, theta[0] the intercept; ``XT`` (n, m);
        ``y`` (m,), ``ycol`` (m, 1), ``yrow`` (1, m) labels; ``w`` (n,), ``wcol`` (n, 1), ``b``;
        ``lam`` the L2 strength; ``z`` logits and ``f`` probabilities for pointwise targets.
        The softmax family: ``W`` (n, K) or ``WT`` (K, n) weights, ``b`` (K,), class labels ``yidx``
        (m,) or one-hot ``Y`` (m, K), ``reg`` the strength of cs231n's penalty reg * sum(W^2), rows
        of logits ``z`` (m, K) or ``zrow`` (K,) (called once per row), probabilities ``p`` (m, K),
        ``smoothing`` the label smoothing eps.
outputs ``J`` the cost; ``grad`` shaped like theta (or like w in a model without bias); ``dj_dw``,
        ``dj_db`` (``dW``, ``db``); ``p`` predictions (probabilities for a function of logits);
        ``logp``, ``lse``, ``loss`` the softmax family's row results; ``H`` the Hessian (in theta's
        order when theta is used); ``value`` a pointwise result; a dict ``{dw, db}``; ``_`` an
        output to ignore.

A signature with neither ``b`` nor an intercept column is a model without bias: the verifier calls
it with b = 0 and judges only dj_dw.  Parsing validates everything and says what to write instead.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from verifier.spec.case import Case
from verifier.spec.formats import Format

INPUTS: dict[str, str] = {
    "X": "features, shape (m, n)",
    "X1": "features with a leading column of ones, shape (m, n+1)",
    "XT": "features transposed, shape (n, m)",
    "y": "labels, shape (m,)",
    "ycol": "labels as a column, shape (m, 1)",
    "yrow": "labels as a row, shape (1, m)",
    "w": "weights, shape (n,)",
    "wcol": "weights as a column, shape (n, 1)",
    "b": "the bias, a scalar ((K,) for a softmax model)",
    "theta": "parameters (n+1,), theta[0] the intercept (with X1)",
    "thetacol": "parameters as a column (n+1, 1), theta[0] the intercept (with X1)",
    "lam": "the L2 regularization strength lambda",
    "z": "logits (pointwise targets; rows of logits (m, K) for the softmax family)",
    "f": "probabilities (pointwise targets; rows (m, K) for the softmax family)",
    "W": "softmax weights, shape (n, K)",
    "WT": "softmax weights transposed, shape (K, n)",
    "Y": "class labels as one-hot rows, shape (m, K)",
    "yidx": "class labels as integers in [0, K), shape (m,)",
    "reg": "the L2 strength of cs231n's penalty reg * sum(W^2) (gradient 2 reg W)",
    "p": "class probabilities, shape (m, K)",
    "zrow": "one example's logits, shape (K,): the function is called once per row",
    "smoothing": "label smoothing eps in [0, 1]: the targets are (1 - eps) one_hot(y) + eps / K",
}
OUTPUTS: dict[str, str] = {
    "J": "the cost, a scalar",
    "grad": "the gradient, shaped like theta (or like w without a bias)",
    "dj_dw": "the gradient with respect to w",
    "dj_db": "the gradient with respect to b",
    "p": "predictions, 0/1 (ints, floats or bools); probabilities for a function of logits",
    "H": "the Hessian with respect to (w, b), or to theta in theta's order",
    "value": "the result of a pointwise function",
    "dW": "the gradient with respect to W, shape (n, K) ((K, n) with WT)",
    "db": "the gradient with respect to b, shape (K,) for a softmax model",
    "logp": "log-probabilities, one row per example",
    "lse": "log-sum-exp, one value per row",
    "loss": "per-example losses, one value per row",
    "_": "an output to ignore",
}
DICT_KEYS: dict[str, str] = {
    "dw": "dj_dw",
    "db": "dj_db",
    "dj_dw": "dj_dw",
    "dj_db": "dj_db",
    "dW": "dj_dw",
    "J": "cost",
    "cost": "cost",
}

_FEATURES = ("X", "X1", "XT")
_CLASS_LABELS = ("yidx", "Y")
_LABELS = ("y", "ycol", "yrow", *_CLASS_LABELS)
_MATRIX = ("W", "WT")
_WEIGHTS = ("w", "wcol", *_MATRIX)
_ROW_INPUTS = ("z", "f", "y", "p", "zrow", "smoothing", *_CLASS_LABELS)
_ROW_OUTPUTS = ("value", "p", "logp", "lse", "loss")  # one result per element or per row
# the canonical input each spelling of a row function's input stands for
_CANONICAL = {"p": "f", "zrow": "z", "Y": "yidx"}
_THETAS = ("theta", "thetacol")
_TOKEN = re.compile(r"\s*(\{[^{}]*\}|[^,{}]+)\s*(?:,|$)")


class SignatureError(ValueError):
    """A signature that cannot be parsed or does not fit the target; the message says what to write."""


class UnreadableOutput(Exception):
    """The candidate's return value cannot be read as the target's outputs (``mistake`` says why)."""

    def __init__(self, message: str, mistake: str = "wrong-shape"):
        super().__init__(message)
        self.mistake = mistake


@dataclass(frozen=True)
class Output:
    """One returned value: a name of OUTPUTS, or a dict whose ``keys`` map to components."""

    name: str
    keys: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "{" + ", ".join(self.keys) + "}" if self.name == "dict" else self.name


_SYNONYMS = {
    "cost": "J",
    "loss": "J",
    "gradient": "grad",
    "g": "grad",
    "dw": "dj_dw",
    "db": "dj_db",
    "hessian": "H",
    "pred": "p",
    "predictions": "p",
    "lambda": "lam",
    "lambda_": "lam",
    "label_smoothing": "smoothing",
    "eps": "smoothing",
    "epsilon": "smoothing",
    "Y": "y",
    "bias": "b",
    "weights": "w",
    "x": "X",
}


def _unknown(name: str, vocabulary: dict[str, str], what: str) -> SignatureError:
    if " " in name.strip():
        return SignatureError(f"{what} {name!r} is not known; separate the names with commas")
    synonym = _SYNONYMS.get(name)
    close = [synonym] if synonym in vocabulary else difflib.get_close_matches(name, list(vocabulary), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return SignatureError(f"{what} {name!r} is not known; {hint}use one of: {', '.join(vocabulary)}")


def _split(text: str) -> list[str]:
    parts, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise SignatureError(f"cannot read {text!r} after position {pos}; separate names with commas")
        parts.append(m.group(1).strip())
        pos = m.end()
    return [p for p in parts if p]


def _parse_output(token: str) -> Output:
    if token.startswith("{"):
        keys = tuple(k.strip() for k in token[1:-1].split(",") if k.strip())
        if not keys:
            raise SignatureError("an empty dict {} returns nothing; write e.g. {dw, db}")
        for k in keys:
            if k not in DICT_KEYS:
                raise _unknown(k, DICT_KEYS, "dict key")
        return Output("dict", keys)
    if token not in OUTPUTS:
        raise _unknown(token, OUTPUTS, "output")
    return Output(token)


@dataclass(frozen=True)
class Signature:
    """A parsed signature; ``text`` is its canonical spelling."""

    inputs: tuple[str, ...]
    outputs: tuple[Output, ...]
    text: str = field(default="", compare=False)

    # -- what it declares
    @property
    def features(self) -> str | None:
        return next((i for i in self.inputs if i in _FEATURES), None)

    @property
    def labels(self) -> str | None:
        return next((i for i in self.inputs if i in _LABELS), None)

    @property
    def weights(self) -> str | None:
        return next((i for i in self.inputs if i in _WEIGHTS + _THETAS), None)

    @property
    def intercept(self) -> bool:
        """theta holds the bias as theta[0]."""
        return self.weights in _THETAS

    @property
    def bias(self) -> bool:
        """The model has a bias (b, or theta[0]); without one the verifier calls it with b = 0."""
        return "b" in self.inputs or self.intercept

    @property
    def takes_lambda(self) -> bool:
        return "lam" in self.inputs or "reg" in self.inputs

    @property
    def penalty(self) -> str | None:
        """The penalty form the names imply: ``reg`` is cs231n's reg * sum(W^2) ("lam"), else None."""
        return "lam" if "reg" in self.inputs else None

    @property
    def per_row(self) -> bool:
        """The function takes one example's logits (``zrow``) and is called once per row."""
        return "zrow" in self.inputs

    @property
    def matrix(self) -> bool:
        """Softmax weights (W or WT)."""
        return self.weights in _MATRIX

    @property
    def pointwise(self) -> bool:
        return self.features is None

    def produces(self) -> tuple[str, ...]:
        """The canonical components the outputs hold, in output order."""
        out: list[str] = []
        for o in self.outputs:
            if o.name == "J":
                out.append("cost")
            elif o.name == "grad":
                out += ["dj_dw", "dj_db"] if self.intercept else ["dj_dw"]
            elif o.name in ("dj_dw", "dj_db", "dW", "db"):
                out.append(DICT_KEYS[o.name])
            elif o.name == "value" or (o.name in _ROW_OUTPUTS and self.pointwise):
                out.append("value")
            elif o.name == "p":
                out.append("p")
            elif o.name == "H":
                out.append("hessian")
            elif o.name == "dict":
                out += [DICT_KEYS[k] for k in o.keys]
        return tuple(dict.fromkeys(out))

    def with_lambda(self, name: str = "lam") -> Signature:
        """The same signature with ``name`` (lam or reg) appended to the inputs (the ``_reg`` functions
        of a course)."""
        if self.takes_lambda:
            return self
        return parse(", ".join([*self.inputs, name]) + " -> " + ", ".join(o.text for o in self.outputs))

    def call_text(self) -> str:
        return "(" + ", ".join(self.inputs) + ")"

    # -- calling
    def make_args(self, case: Case, fmt: Format) -> tuple[Any, ...]:
        """The positional arguments of the call for ``case``, in the format's dtype (for a per-row
        signature, those of its first row)."""
        return tuple(self._arg(name, case, fmt) for name in self.inputs)

    def calls(self, case: Case, fmt: Format) -> list[tuple[Any, ...]]:
        """The arguments of every call that ``case`` takes: one call, or one per row (``zrow``)."""
        if not self.per_row:
            return [self.make_args(case, fmt)]
        z = np.asarray(case.z, dtype=fmt.dtype)
        return [(z[i].copy(),) for i in range(z.shape[0])]

    def _arg(self, name: str, case: Case, fmt: Format) -> Any:
        dt = fmt.dtype
        if name in ("z", "f", "p"):
            return np.asarray(case[_CANONICAL.get(name, name)], dtype=dt)
        if name == "zrow":
            return np.asarray(case.z, dtype=dt)[0].copy()
        if name in _CLASS_LABELS:
            return class_labels_for_call(case, fmt, onehot=name == "Y")
        if name in _LABELS:
            y = labels_for_call(case, fmt)
            return {"y": y, "ycol": y.reshape(-1, 1), "yrow": y.reshape(1, -1)}[name]
        if name in ("lam", "reg"):
            return float(case.lam)
        if name == "smoothing":
            return float(case.smoothing)
        if name == "b":
            if case.W is not None:
                return np.asarray(case.b, dtype=dt).copy()
            return dt.type(case.b) if fmt.name == "float32" else float(case.b)
        if name in _MATRIX:
            W = np.asarray(case.W, dtype=dt)
            return W.copy() if name == "W" else W.T.copy()
        X = np.asarray(case.X, dtype=dt)
        if name == "X":
            return X
        if name == "XT":
            return X.T.copy()
        if name == "X1":
            return np.hstack([np.ones((X.shape[0], 1), dtype=dt), X])
        w = np.asarray(case.w, dtype=dt)
        if name == "w":
            return w
        if name == "wcol":
            return w.reshape(-1, 1)
        theta = np.concatenate([np.asarray([case.b], dtype=dt), w])
        return theta if name == "theta" else theta.reshape(-1, 1)

    # -- reading back
    def read(self, case: Case, raw: Any, shapes: dict[str, tuple[int, ...]] | None = None) -> dict[str, np.ndarray]:
        """Canonical components from the return value (for a per-row signature, the list of the rows'
        return values); UnreadableOutput when it does not fit.  ``shapes``: the target's output shapes."""
        if self.per_row:
            return self._read_rows(case, raw, shapes)
        values = self._split_outputs(raw)
        out: dict[str, np.ndarray] = {}
        for spec, value in zip(self.outputs, values):
            out.update(self._read_one(spec, value, case, shapes))
        return out

    def _read_rows(self, case: Case, raws: Any, shapes: dict[str, tuple[int, ...]] | None) -> dict[str, np.ndarray]:
        shape = (shapes or {}).get("value", np.shape(case.z))
        rows = [
            fit_shape(as_array(v, f"the result for row {i}"), shape[1:], f"the result for row {i}")
            for i, v in enumerate(raws)
        ]
        dtype = np.result_type(*rows) if rows else np.float64
        return {"value": np.asarray(rows, dtype=dtype).reshape(shape)}

    def _split_outputs(self, raw: Any) -> list[Any]:
        if len(self.outputs) == 1:
            return [raw]
        want = ", ".join(o.text for o in self.outputs)
        if not isinstance(raw, (tuple, list)):
            raise UnreadableOutput(
                f"expected {len(self.outputs)} values ({want}), got a {type(raw).__name__}", "wrong-type"
            )
        if len(raw) != len(self.outputs):
            raise UnreadableOutput(f"expected {len(self.outputs)} values ({want}), got {len(raw)}", "wrong-type")
        return list(raw)

    def _read_one(
        self, spec: Output, value: Any, case: Case, shapes: dict[str, tuple[int, ...]] | None = None
    ) -> dict[str, np.ndarray]:
        name = spec.name
        if name == "_":
            return {}
        if name == "J":
            return {"cost": fit_shape(as_array(value, "the cost"), (), "the cost")}
        if name == "value" or (name in _ROW_OUTPUTS and self.pointwise):
            shape = (shapes or {}).get("value", np.shape(case["z"] if case.z is not None else case["f"]))
            return {"value": fit_shape(as_array(value, "the result"), shape, "the result")}
        if name == "p":
            return {"p": fit_shape(as_array(value, "the predictions"), (case.m,), "the predictions")}
        n = case.n
        if name == "H":
            H = fit_shape(as_array(value, "the Hessian"), (n + 1, n + 1), "the Hessian")
            if self.intercept:  # theta order (b, w) -> canonical (w, b)
                order = [*range(1, n + 1), 0]
                H = H[np.ix_(order, order)]
            return {"hessian": H}
        if name == "grad":
            if not self.intercept:
                return {"dj_dw": fit_shape(as_array(value, "grad"), (n,), "grad")}
            g = fit_shape(as_array(value, "grad"), (n + 1,), "grad")
            return {"dj_dw": g[1:], "dj_db": g[0].reshape(())}
        if name in ("dj_dw", "dW"):
            return {"dj_dw": self._weights_part(as_array(value, name), case, name)}
        if name in ("dj_db", "db"):
            return {"dj_db": fit_shape(as_array(value, name), _bias_shape(case), name)}
        return self._read_dict(spec, value, case)

    def _weights_part(self, arr: np.ndarray, case: Case, what: str) -> np.ndarray:
        """dJ/dw (n,), or dJ/dW (n, K) (returned as (K, n) when the weights were given as WT)."""
        if case.W is None:
            return fit_shape(arr, (case.n,), what)
        n, K = np.shape(case.W)
        if self.weights == "WT":
            return fit_shape(arr, (K, n), what).T
        return fit_shape(arr, (n, K), what)

    def _read_dict(self, spec: Output, value: Any, case: Case) -> dict[str, np.ndarray]:
        wanted = "{" + ", ".join(f'"{k}"' for k in spec.keys) + "}"
        if not isinstance(value, dict) or any(k not in value for k in spec.keys):
            got = (
                f"a dict with keys {sorted(map(str, value))}"
                if isinstance(value, dict)
                else f"a {type(value).__name__}"
            )
            raise UnreadableOutput(f"expected a dict with keys {wanted}, got {got}", "wrong-type")
        out: dict[str, np.ndarray] = {}
        for key in spec.keys:
            comp = DICT_KEYS[key]
            arr = as_array(value[key], f'["{key}"]')
            if comp == "dj_dw":
                out[comp] = self._weights_part(arr, case, f'["{key}"]')
            else:
                out[comp] = fit_shape(arr, _bias_shape(case) if comp == "dj_db" else (), f'["{key}"]')
        return out

    # -- documented shapes (check contract.shapes)
    def shape_problems(self, case: Case, raw: Any, shapes: dict[str, tuple[int, ...]] | None = None) -> list[str]:
        """Deviations of ``raw`` from the shapes the signature documents (the readings are lenient)."""
        if self.per_row:
            want = (shapes or {}).get("value", np.shape(case.z))[1:]
            bad = [np.shape(v) for v in raw if np.shape(v) != want] if isinstance(raw, list) else []
            return [f"each row's result should be {_shape_text(want)}, got {_shape_text(bad[0])}"] if bad else []
        try:
            values = self._split_outputs(raw)
        except UnreadableOutput:
            return []
        problems: list[str] = []
        for spec, value in zip(self.outputs, values):
            problems += self._shape_of_one(spec, value, case, shapes)
        return problems

    def _documented(
        self, spec: Output, case: Case, shapes: dict[str, tuple[int, ...]] | None = None
    ) -> tuple[tuple[int, ...], ...]:
        column = any(i in ("ycol", "wcol", "thetacol") for i in self.inputs)
        n = case.n if case.is_problem else 0
        if spec.name == "J":
            return ((), (1, 1)) if column else ((),)
        if spec.name == "value" or (spec.name in _ROW_OUTPUTS and self.pointwise):
            return ((shapes or {}).get("value", np.shape(case["z"] if case.z is not None else case["f"])),)
        if case.W is not None and spec.name in ("dj_dw", "dW"):
            K = case.K
            return ((K, n),) if self.weights == "WT" else ((n, K),)
        if case.W is not None and spec.name in ("dj_db", "db"):
            return ((case.K,),)
        if spec.name == "p":
            return ((1, case.m),) if self.features == "XT" else ((case.m,),)
        if spec.name == "H":
            return ((n + 1, n + 1),)
        if spec.name == "grad":
            k = n + 1 if self.intercept else n
            return ((k,), (k, 1)) if self.weights in ("thetacol", "wcol", "theta") else ((k,),)
        if spec.name == "dj_dw":
            return ((n, 1),) if self.weights == "wcol" else ((n,),)
        return ((),)  # dj_db

    def _shape_of_one(
        self, spec: Output, value: Any, case: Case, shapes: dict[str, tuple[int, ...]] | None = None
    ) -> list[str]:
        if spec.name == "_":
            return []
        if spec.name == "dict":
            if not isinstance(value, dict):
                return []
            out = []
            for key in spec.keys:
                comp = DICT_KEYS[key]
                allowed: tuple[tuple[int, ...], ...] = ((),)
                if comp == "dj_dw":
                    allowed = ((case.n, 1),) if self.weights == "wcol" else ((case.n,),)
                    if case.W is not None:
                        allowed = self._documented(Output("dW"), case)
                elif case.W is not None:
                    allowed = ((case.K,),)
                got = np.shape(np.asarray(value.get(key)))
                if got not in allowed:
                    out.append(f'["{key}"] should have shape {_shape_text(allowed[0])}, got {_shape_text(got)}')
            return out
        want = self._documented(spec, case, shapes)
        got = np.shape(value)
        if got in want:
            return []
        return [f"{spec.name} should be {_shape_text(want[0])}, got {_shape_text(got)}"]


def _shape_text(shape: tuple[int, ...]) -> str:
    return "a scalar" if shape == () else f"shape {shape}"


def _bias_shape(case: Case) -> tuple[int, ...]:
    return (case.K,) if case.W is not None else ()


def class_labels_for_call(case: Case, fmt: Format, onehot: bool = False) -> np.ndarray:
    """Class labels as handed to the candidate: int64 integers (int32 for the "int" encoding), or
    one-hot rows of the format's floats (of int64 for "int")."""
    y = np.asarray(case.yidx, dtype=np.int64).reshape(-1)
    if not onehot:
        return y.astype(np.int32) if case.y_encoding == "int" else y
    Y = np.zeros((y.size, case.K), dtype=np.int64 if case.y_encoding == "int" else fmt.dtype)
    Y[np.arange(y.size), y] = 1
    return Y


def labels_for_call(case: Case, fmt: Format) -> np.ndarray:
    """The labels as handed to the candidate: floats of the format, ints or bools (``y_encoding``)."""
    y = np.asarray(case.y, dtype=np.float64)
    if case.y_encoding == "int":
        return y.astype(np.int64)
    if case.y_encoding == "bool":
        return y.astype(bool)
    return y.astype(fmt.dtype)


def as_array(value: Any, what: str) -> np.ndarray:
    """A returned number, list or array as a float ndarray (keeping float32 as float32)."""
    if isinstance(value, dict):
        raise UnreadableOutput(f"{what} is a dict, not a number or array", "wrong-type")
    if value is None:
        raise UnreadableOutput(f"{what} is None (did the function forget to return it?)", "returns-none")
    if isinstance(value, str):
        raise UnreadableOutput(f"{what} is a string ({value[:40]!r}), not a number", "wrong-type")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise UnreadableOutput(f"{what} cannot be read as an array ({exc})", "wrong-shape") from None
    if arr.dtype == object:
        raise UnreadableOutput(f"{what} is a ragged or mixed sequence, not an array of numbers", "wrong-shape")
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    if arr.dtype.kind == "c":
        raise UnreadableOutput(f"{what} is complex", "wrong-type")
    if arr.dtype.kind != "f":
        raise UnreadableOutput(f"{what} has dtype {arr.dtype}, not a floating-point number", "wrong-type")
    return arr


def fit_shape(arr: np.ndarray, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Read ``arr`` as ``shape`` when the reading is unambiguous (same number of elements, at most
    one axis longer than 1); raise UnreadableOutput otherwise."""
    if arr.shape == shape:
        return arr
    size = int(np.prod(shape)) if shape else 1
    long_axes = [d for d in arr.shape if d != 1]
    want_long = [d for d in shape if d != 1]
    if arr.size == size and long_axes == want_long:
        return arr.reshape(shape)
    raise UnreadableOutput(f"{what} has {_shape_text(arr.shape)}; expected {_shape_text(shape)}")


def parse(text: str) -> Signature:
    """Parse ``"INPUTS -> OUTPUTS"``; SignatureError (a ValueError) says what is wrong and what to write."""
    if not isinstance(text, str) or text.count("->") != 1:
        raise SignatureError(
            f"signature={text!r}: write the inputs, '->' and the outputs, e.g. \"theta, X1, y, lam -> J, grad\""
        )
    left, right = text.split("->")
    inputs = tuple(_split(left))
    outputs = tuple(_parse_output(t) for t in _split(right))
    for name in inputs:
        if name not in INPUTS:
            raise _unknown(name, INPUTS, "input")
    if len(set(inputs)) != len(inputs):
        raise SignatureError(f"signature={text!r} names an input twice")
    if not outputs:
        raise SignatureError(f"signature={text!r} has no outputs; name at least one after '->' (or _)")
    sig = Signature(inputs, outputs, ", ".join(inputs) + " -> " + ", ".join(o.text for o in outputs))
    _validate(sig)
    return sig


def _validate(sig: Signature) -> None:
    groups = {"features": _FEATURES, "labels": _LABELS, "parameters": _WEIGHTS + _THETAS}
    for what, names in groups.items():
        found = [i for i in sig.inputs if i in names]
        if len(found) > 1:
            raise SignatureError(f"signature {sig.text!r} gives the {what} twice ({', '.join(found)}); keep one")
    if sig.pointwise:
        extra = [i for i in sig.inputs if i not in _ROW_INPUTS]
        if extra:
            raise SignatureError(f"signature {sig.text!r}: {', '.join(extra)} need features (X, X1 or XT)")
        if sig.per_row and (len(sig.inputs) > 1 or len(sig.outputs) != 1):
            raise SignatureError(f"signature {sig.text!r}: zrow (one example's logits) goes alone, with one output")
        return
    if any(i in ("z", "f", "p", "zrow") for i in sig.inputs):
        raise SignatureError(f"signature {sig.text!r}: z and f belong to pointwise targets, not with features")
    if sig.intercept and sig.features != "X1":
        raise SignatureError(f"signature {sig.text!r}: theta comes with X1 (features with a leading column of ones)")
    if sig.features == "X1" and not sig.intercept:
        raise SignatureError(f"signature {sig.text!r}: X1 holds a column of ones for theta[0]; use theta or thetacol")
    if sig.intercept and "b" in sig.inputs:
        raise SignatureError(f"signature {sig.text!r}: theta[0] is the intercept already; drop b")
    if sig.weights is None:
        raise SignatureError(f"signature {sig.text!r} has no parameters; add w, wcol, theta, thetacol, W or WT")
    if "grad" in [o.name for o in sig.outputs] and sig.matrix:
        raise SignatureError(f"signature {sig.text!r}: with W the gradient is dW (and db); write dW, db")
    if "grad" in [o.name for o in sig.outputs] and "b" in sig.inputs:
        raise SignatureError(f"signature {sig.text!r}: with w and b the gradient has two parts; write dj_dw, dj_db")
    if "dj_db" in sig.produces() and not sig.bias:
        raise SignatureError(f"signature {sig.text!r}: a model without b has no dj_db")


def check_fits(
    sig: Signature, target_name: str, inputs: tuple[str, ...], components: tuple[str, ...]
) -> tuple[str, ...]:
    """The components of the target the signature lets the verifier judge; SignatureError when the
    signature cannot express the target (missing labels, the wrong outputs)."""
    pointwise = "X" not in inputs
    if pointwise != sig.pointwise:
        kind = "pointwise inputs (z, f, y)" if pointwise else "features and parameters (X, w, b, ...)"
        raise SignatureError(f"target {target_name!r} takes {kind}; signature {sig.text!r} does not")
    classes = "yidx" in inputs
    if pointwise:
        want = [i for i in inputs]
        if sorted(_CANONICAL.get(i, i) for i in sig.inputs) != sorted(want):
            raise SignatureError(f"target {target_name!r} takes ({', '.join(want)}); signature {sig.text!r} does not")
    elif sig.labels is not None and classes != (sig.labels in _CLASS_LABELS):
        want_labels = "class labels (yidx or Y)" if classes else "0/1 labels (y, ycol or yrow)"
        raise SignatureError(f"target {target_name!r} takes {want_labels}; signature {sig.text!r} gives {sig.labels}")
    elif ("W" in inputs) != sig.matrix:
        want_weights = "a weight matrix (W or WT)" if "W" in inputs else "a weight vector (w, wcol, theta or thetacol)"
        raise SignatureError(f"target {target_name!r} takes {want_weights}; signature {sig.text!r} does not")
    elif classes and sig.labels is None:
        raise SignatureError(f"target {target_name!r} needs the class labels; add yidx or Y to {sig.text!r}")
    elif "y" in inputs and sig.labels is None:
        raise SignatureError(f"target {target_name!r} needs the labels; add y, ycol or yrow to {sig.text!r}")
    elif "y" not in inputs and not classes and sig.labels is not None:
        raise SignatureError(f"target {target_name!r} does not take labels; remove {sig.labels} from {sig.text!r}")
    produced = sig.produces()
    judged = tuple(c for c in components if c in produced and (c != "dj_db" or sig.bias))
    if not judged:
        need = {"cost": "J", "dj_dw": "grad or dj_dw", "hessian": "H", "p": "p", "value": "value"}
        wanted = " and ".join(dict.fromkeys(need.get(c, c) for c in components if c != "dj_db"))
        raise SignatureError(f"target {target_name!r} returns {wanted}; signature {sig.text!r} returns none of it")
    missing = [c for c in components if c not in produced and not (c == "dj_db" and not sig.bias)]
    if missing and "cost" in components and "dj_dw" in components:
        raise SignatureError(
            f"target {target_name!r} returns the cost and the gradient; {sig.text!r} lacks {', '.join(missing)}"
        )
    return judged


_PARAMETER_WORDS: tuple[tuple[str, str], ...] = (
    ("lam", r"^(lam|lamb|lamda|lambd|lambda|mylambda|reglambda|reg|regularization|l|c|alpha)$"),
    ("theta", r"^(theta|thea|thetas|params|parameters|initialtheta|t)$"),
    ("features", r"^(x|xs|tx|xtrain|data|features|x1|xt|a)$"),
    ("labels", r"^(y|ys|ytrain|labels|target|targets|yt)$"),
    ("w", r"^(w|weights|ws|initialw)$"),
    ("b", r"^(b|bias|intercept|b0)$"),
)


def suggest(parameters: tuple[str, ...], sig: Signature) -> str:
    """A signature in the order of a function's ``parameters`` (read from their names) that says the
    same as ``sig``, or "" when the names do not tell."""
    if any(p.startswith("*") for p in parameters):
        return ""
    role_of = {
        "lam": "reg" if "reg" in sig.inputs else "lam",
        "b": "b",
        "features": sig.features,
        "labels": sig.labels,
        "theta": sig.weights if sig.intercept else None,
        "w": sig.weights if not sig.intercept else None,
    }
    mapped: list[str] = []
    for p in parameters:
        key = re.sub(r"[^a-z0-9]", "", p.lower())
        role = next((r for r, pattern in _PARAMETER_WORDS if re.match(pattern, key)), None)
        name = role_of.get(role) if role else None
        if name is None:
            return ""
        mapped.append(name)
    if sorted(mapped) != sorted(sig.inputs):
        return ""
    return ", ".join(mapped) + " -> " + ", ".join(o.text for o in sig.outputs)
