"""How a candidate's call maps to the canonical problem.

A convention turns a canonical case into the arguments of the candidate's function and reads the
candidate's return value back into canonical components.  Readings are lenient where unambiguous
((n,), (n, 1), (1, n), lists and 0-d arrays all read as a length-n vector); whether the documented
shapes were returned exactly is judged separately by ``shape_problems`` (check ``contract.shapes``).

Built in: ``mls`` (Coursera ML Specialization), ``wb`` (mls with (dj_dw, dj_db)), ``theta`` (Andrew
Ng's original course: X with a leading column of ones, theta[0] the intercept) and ``dlai``
(``propagate(w, b, X, Y)`` with X of shape (n, m)).  A custom convention is a ``Convention`` with
your own ``functions``, ``make_args`` and ``read`` (see docs/checks.md, "Conventions").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from verifier.spec.case import Case
from verifier.spec.formats import Format
from verifier.spec.targets import Target


class UnreadableOutput(Exception):
    """The candidate's return value cannot be read as the target's outputs (``mistake`` says why)."""

    def __init__(self, message: str, mistake: str = "wrong-shape"):
        super().__init__(message)
        self.mistake = mistake


def as_array(value: Any, what: str) -> np.ndarray:
    """A returned number, list or array as a float ndarray (keeping float32 as float32)."""
    if isinstance(value, dict):
        raise UnreadableOutput(f"{what} is a dict, not a number or array", "wrong-type")
    if value is None:
        raise UnreadableOutput(f"{what} is None (did the function forget to return it?)", "wrong-type")
    if isinstance(value, str):
        raise UnreadableOutput(f"{what} is a string ({value[:40]!r}), not a number", "wrong-type")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise UnreadableOutput(f"{what} cannot be read as an array ({exc})", "wrong-shape") from None
    if arr.dtype == object:
        raise UnreadableOutput(f"{what} is a ragged or mixed sequence, not an array of numbers", "wrong-shape")
    if arr.dtype.kind == "b" or arr.dtype.kind in "iu":
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
    if arr.size == size and (long_axes == want_long):
        return arr.reshape(shape)
    got = "a scalar" if arr.shape == () else f"shape {arr.shape}"
    want = "a scalar" if shape == () else f"shape {shape}"
    raise UnreadableOutput(f"{what} has {got}; expected {want}")


def _pair(raw: Any, what: str) -> tuple[Any, Any]:
    if not isinstance(raw, (tuple, list)) or len(raw) != 2:
        kind = type(raw).__name__
        n = f" of length {len(raw)}" if isinstance(raw, (tuple, list)) else ""
        raise UnreadableOutput(f"expected {what}, got a {kind}{n}", "wrong-type")
    return raw[0], raw[1]


def _y_for_call(case: Case, fmt: Format) -> np.ndarray:
    enc = case.y_encoding
    y = np.asarray(case.y, dtype=np.float64)
    if enc == "int":
        return y.astype(np.int64)
    if enc == "bool":
        return y.astype(bool)
    return y.astype(fmt.dtype)


def _pointwise_args(target: Target, case: Case, fmt: Format) -> tuple:
    args = []
    for k in target.inputs:
        if k == "y":
            args.append(_y_for_call(case, fmt))
        else:
            args.append(np.asarray(case[k], dtype=fmt.dtype))
    return tuple(args)


def _read_pointwise(target: Target, case: Case, raw: Any) -> dict[str, np.ndarray]:
    shape = target.expected_shapes(case)["value"]
    return {"value": fit_shape(as_array(raw, "the result"), shape, "the result")}


POINTWISE_NAMES = {
    "sigmoid": "sigmoid",
    "sigmoid-derivative": "sigmoid_derivative",
    "loss": "loss",
    "loss-from-logit": "loss_from_logit",
    "loss-derivative": "loss_derivative",
}


@dataclass(frozen=True)
class Convention:
    """A calling convention.

    - ``functions(target, lam)``: default function names to look for, in order of preference
    - ``make_args(target, case, fmt)``: the positional arguments of the call
    - ``read(target, case, raw)``: canonical components from the return value (raises UnreadableOutput)
    - ``shape_problems(target, case, raw)``: deviations from the documented return shapes
    """

    name: str
    description: str
    functions: Callable[[Target, float], list[str]]
    make_args: Callable[[Target, Case, Format], tuple]
    read: Callable[[Target, Case, Any], dict[str, np.ndarray]]
    shape_problems: Callable[[Target, Case, Any], list[str]] = field(default=lambda t, c, r: [])
    supports_lambda: bool = True


# --------------------------------------------------------------------------- mls and wb
_MLS_NAMES = {
    "cost": "compute_cost_logistic",
    "gradient": "compute_gradient_logistic",
    "cost-and-gradient": "compute_cost_and_gradient_logistic",
    "hessian": "compute_hessian_logistic",
    "linear-cost": "compute_cost_linear",
    "linear-gradient": "compute_gradient_linear",
}


def _names_from(table: dict[str, str]) -> Callable[[Target, float], list[str]]:
    """Function names from a target -> name table; with lambda, the ``_reg`` name comes first."""

    def functions(target: Target, lam: float) -> list[str]:
        if target.pointwise:
            return [POINTWISE_NAMES[target.name]]
        base = table[target.name]
        return [base + "_reg", base] if lam else [base, base + "_reg"]

    return functions


_mls_functions = _names_from(_MLS_NAMES)


def _mls_args(target: Target, case: Case, fmt: Format) -> tuple:
    if target.pointwise:
        return _pointwise_args(target, case, fmt)
    X = np.asarray(case.X, dtype=fmt.dtype)
    w = np.asarray(case.w, dtype=fmt.dtype)
    b = fmt.dtype.type(case.b) if fmt.name == "float32" else float(case.b)
    args = (X, _y_for_call(case, fmt), w, b)
    return args + (float(case.lam),) if case.lam else args


def _read_gradient_pair(case: Case, first, second, n: int) -> dict[str, np.ndarray]:
    return {
        "dj_dw": fit_shape(as_array(first, "dj_dw"), (n,), "dj_dw"),
        "dj_db": fit_shape(as_array(second, "dj_db"), (), "dj_db"),
    }


def _make_mls_read(bias_first: bool):
    order = "(dj_db, dj_dw)" if bias_first else "(dj_dw, dj_db)"

    def read(target: Target, case: Case, raw: Any) -> dict[str, np.ndarray]:
        if target.pointwise:
            return _read_pointwise(target, case, raw)
        n = case.n
        if target.components == ("cost",):
            return {"cost": fit_shape(as_array(raw, "the cost"), (), "the cost")}
        if target.components == ("hessian",):
            return {"hessian": fit_shape(as_array(raw, "the Hessian"), (n + 1, n + 1), "the Hessian")}
        if target.has_cost:
            if not isinstance(raw, (tuple, list)) or len(raw) != 3:
                raise UnreadableOutput(f"expected (cost, {order[1:-1]}), got {type(raw).__name__}", "wrong-type")
            cost = {"cost": fit_shape(as_array(raw[0], "the cost"), (), "the cost")}
            first, second = raw[1], raw[2]
        else:
            first, second = _pair(raw, f"a pair {order}")
            cost = {}
        dw, db = (second, first) if bias_first else (first, second)
        return {**cost, **_read_gradient_pair(case, dw, db, n)}

    return read


def _mls_shape_problems(target: Target, case: Case, raw: Any) -> list[str]:
    problems = []
    if target.pointwise:
        if np.shape(raw) != np.shape(case[target.inputs[0]]):
            problems.append(
                f"the result has shape {np.shape(raw)}, the input has shape {np.shape(case[target.inputs[0]])}"
            )
        return problems
    n = case.n
    if target.components == ("cost",):
        if np.ndim(raw) != 0:
            problems.append(f"the cost should be a scalar, got shape {np.shape(raw)}")
        return problems
    if target.components == ("hessian",):
        if np.shape(raw) != (n + 1, n + 1):
            problems.append(f"the Hessian should have shape {(n + 1, n + 1)}, got {np.shape(raw)}")
        return problems
    parts = list(raw) if isinstance(raw, (tuple, list)) else []
    if target.has_cost and parts:
        if np.ndim(parts[0]) != 0:
            problems.append(f"the cost should be a scalar, got shape {np.shape(parts[0])}")
        parts = parts[1:]
    for part in parts:
        shape = np.shape(part)
        if shape not in ((), (n,)):
            problems.append(f"a gradient part has shape {shape}; expected dj_dw of shape ({n},) and a scalar dj_db")
    return problems


MLS = Convention(
    "mls",
    "Coursera ML Specialization: compute_cost_logistic(X, y, w, b[, lambda_]) -> cost, "
    "compute_gradient_logistic(X, y, w, b[, lambda_]) -> (dj_db, dj_dw)",
    _mls_functions,
    _mls_args,
    _make_mls_read(bias_first=True),
    _mls_shape_problems,
)
WB = Convention(
    "wb",
    "as mls, but gradients return (dj_dw, dj_db)",
    _mls_functions,
    _mls_args,
    _make_mls_read(bias_first=False),
    _mls_shape_problems,
)


# --------------------------------------------------------------------------- theta
_THETA_NAMES = {
    "cost": "cost_function",
    "gradient": "cost_function",
    "cost-and-gradient": "cost_function",
    "hessian": "hessian",
    "linear-cost": "linear_cost_function",
    "linear-gradient": "linear_cost_function",
}


_theta_functions = _names_from(_THETA_NAMES)


def _theta_args(target: Target, case: Case, fmt: Format) -> tuple:
    if target.pointwise:
        return _pointwise_args(target, case, fmt)
    X = np.asarray(case.X, dtype=fmt.dtype)
    ones = np.ones((X.shape[0], 1), dtype=fmt.dtype)
    Xt = np.hstack([ones, X])
    theta = np.concatenate([np.asarray([case.b], dtype=fmt.dtype), np.asarray(case.w, dtype=fmt.dtype)])
    args = (theta, Xt, _y_for_call(case, fmt))
    return args + (float(case.lam),) if case.lam else args


def _theta_read(target: Target, case: Case, raw: Any) -> dict[str, np.ndarray]:
    if target.pointwise:
        return _read_pointwise(target, case, raw)
    n = case.n
    if target.components == ("hessian",):
        H = fit_shape(as_array(raw, "the Hessian"), (n + 1, n + 1), "the Hessian")
        order = list(range(1, n + 1)) + [0]  # theta order (b, w) -> canonical (w, b)
        return {"hessian": H[np.ix_(order, order)]}
    J, grad = _pair(raw, "a pair (J, grad)")
    grad = fit_shape(as_array(grad, "grad"), (n + 1,), "grad")
    out = {"cost": fit_shape(as_array(J, "J"), (), "J"), "dj_dw": grad[1:], "dj_db": grad[0].reshape(())}
    return {k: out[k] for k in target.components}


def _theta_shape_problems(target: Target, case: Case, raw: Any) -> list[str]:
    if target.pointwise:
        return _mls_shape_problems(target, case, raw)
    n = case.n
    if target.components == ("hessian",):
        return [] if np.shape(raw) == (n + 1, n + 1) else [f"the Hessian should have shape {(n + 1, n + 1)}"]
    problems = []
    if isinstance(raw, (tuple, list)) and len(raw) == 2:
        if np.ndim(raw[0]) != 0 and np.shape(raw[0]) != (1, 1):
            problems.append(f"J should be a scalar, got shape {np.shape(raw[0])}")
        if np.shape(raw[1]) not in ((n + 1,), (n + 1, 1)):
            problems.append(f"grad should have shape ({n + 1},) or ({n + 1}, 1), got {np.shape(raw[1])}")
    return problems


THETA = Convention(
    "theta",
    "Andrew Ng's original course: cost_function(theta, X, y[, lambda_]) -> (J, grad), X with a leading "
    "column of ones, theta[0] the unregularized intercept",
    _theta_functions,
    _theta_args,
    _theta_read,
    _theta_shape_problems,
)


# --------------------------------------------------------------------------- dlai
def _dlai_functions(target: Target, lam: float) -> list[str]:
    if target.pointwise:
        return [POINTWISE_NAMES[target.name]]
    if target.logistic and "hessian" not in target.components:
        return ["propagate"]
    raise ValueError(f"convention 'dlai' has no function for target {target.name!r}")


def _dlai_args(target: Target, case: Case, fmt: Format) -> tuple:
    if target.pointwise:
        return _pointwise_args(target, case, fmt)
    X = np.asarray(case.X, dtype=fmt.dtype).T.copy()
    w = np.asarray(case.w, dtype=fmt.dtype).reshape(-1, 1)
    Y = _y_for_call(case, fmt).reshape(1, -1)
    b = fmt.dtype.type(case.b) if fmt.name == "float32" else float(case.b)
    return (w, b, X, Y)


def _dlai_read(target: Target, case: Case, raw: Any) -> dict[str, np.ndarray]:
    if target.pointwise:
        return _read_pointwise(target, case, raw)
    n = case.n
    grads, cost = _pair(raw, 'a pair ({"dw": dw, "db": db}, cost)')
    if not isinstance(grads, dict) or "dw" not in grads or "db" not in grads:
        raise UnreadableOutput('the first result should be a dict with keys "dw" and "db"', "wrong-type")
    out = {
        "cost": fit_shape(as_array(cost, "cost"), (), "cost"),
        **_read_gradient_pair(case, grads["dw"], grads["db"], n),
    }
    return {k: out[k] for k in target.components}


def _dlai_shape_problems(target: Target, case: Case, raw: Any) -> list[str]:
    if target.pointwise:
        return _mls_shape_problems(target, case, raw)
    n = case.n
    problems = []
    if isinstance(raw, (tuple, list)) and len(raw) == 2 and isinstance(raw[0], dict):
        dw: Any = raw[0].get("dw")
        db: Any = raw[0].get("db")
        if np.shape(dw) != (n, 1):
            problems.append(f'grads["dw"] should have shape ({n}, 1), got {np.shape(dw)}')
        if np.ndim(db) != 0:
            problems.append(f'grads["db"] should be a scalar, got shape {np.shape(db)}')
    return problems


DLAI = Convention(
    "dlai",
    'deep learning course: propagate(w, b, X, Y) with X (n, m), Y (1, m), w (n, 1) -> ({"dw", "db"}, cost)',
    _dlai_functions,
    _dlai_args,
    _dlai_read,
    _dlai_shape_problems,
    supports_lambda=False,
)

CONVENTIONS: dict[str, Convention] = {c.name: c for c in (MLS, WB, THETA, DLAI)}


def get_convention(name: str | Convention) -> Convention:
    """The Convention called ``name`` (or ``name`` itself when it already is one)."""
    if isinstance(name, Convention):
        return name
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise ValueError(f"convention={name!r} is not known; use one of: {', '.join(CONVENTIONS)}") from None
