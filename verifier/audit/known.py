"""Known, documented accuracy defects, and how to recognise them in a failed check.

Each ``KnownDefect`` names a defect that has a public reference (docs/library-defects.md lists them
with the oracle's evidence) and a matcher that reads a failed check's minimal counterexample: the
inputs, the exact values and what the library returned.  A failure no matcher explains is reported
as unexplained; the matchers never turn a failure into a pass.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import reference
from verifier.audit import counterexamples as cx
from verifier.audit.adapters import LibraryFunction
from verifier.spec.results import CheckResult

DOC = "docs/library-defects.md"
# why the softmax family returns 0 for a subnormal truth (the logistic functions: exp overflowing)
FLUSH_CAUSES = {
    "softmax": "exp(z - max) underflowed",
    "softmax-gradient": "p - y or a product with it underflowed",
    **dict.fromkeys(
        ("log-softmax", "logsumexp", "softmax-loss", "softmax-loss-smoothed", "softmax-cost"),
        "log(1 + r) rounded the subnormal r away",
    ),
    "softmax-loss-from-probs": "-log(p) of a p that rounds to 1",
}
SOFTMAX_FAMILY = frozenset(FLUSH_CAUSES)


@dataclass(frozen=True)
class KnownDefect:
    """A documented defect: ``standard`` is the weakest standard that reveals it."""

    id: str
    title: str
    standard: str
    references: tuple[str, ...]
    match: Callable[[LibraryFunction, str, CheckResult], str | None]

    @property
    def anchor(self) -> str:
        return f"{DOC}#{self.id}"


def _capped(caps: dict[str, float], floors: dict[str, float] | None = None):
    def match(fn: LibraryFunction, precision: str, check: CheckResult) -> str | None:
        for a, e in cx.pairs(check):
            for what, cap in caps.items():
                if cx.is_close(a, cap) and e > a * (1 + 1e-6):
                    return f"returned {a!r} = {what} where the exact loss is {e:.6g}"
            for what, floor in (floors or {}).items():
                if cx.is_close(a, floor) and e < a * (1 - 1e-6):
                    return f"returned {a!r} = {what} where the exact loss is {e:.6g}"
        return None

    return match


def _eps_cap(eps: float) -> float:
    return -math.log(eps)


def _sklearn_clip(fn, precision, check):
    if fn.library != "sklearn" or "log_loss" not in fn.function:
        return None
    eps, eps32 = float(np.finfo(np.float64).eps), float(np.finfo(np.float32).eps)
    floors = {"-log(1 - eps), the clip's floor": -math.log1p(-eps), "-log(1 - float32 eps)": -math.log1p(-eps32)}
    return _capped({"-log(float64 eps)": _eps_cap(eps), "-log(float32 eps)": _eps_cap(eps32)}, floors)(
        fn, precision, check
    )


def _keras_clip(fn, precision, check):
    if fn.library != "tensorflow" or fn.target not in ("loss", "softmax-loss-from-probs"):
        return None
    caps = {
        "-log(1e-7)": -math.log(1e-7),
        "-log(float32(1e-7))": -math.log(float(np.float32(1e-7))),
        "-log(1 - float32(1 - 1e-7))": -math.log(1.0 - float(np.float32(1 - 1e-7))),
    }
    floors = {
        "-log(1 - 1e-7), the clip's floor": -math.log1p(-1e-7),
        "-log(1 - float32(1e-7))": -math.log1p(-float(np.float32(1e-7))),
        "-log(float32(1 - 1e-7))": -math.log(float(np.float32(1 - 1e-7))),
    }
    return _capped(caps, floors)(fn, precision, check)


def _torch_clamp(fn, precision, check):
    if fn.library != "torch" or fn.target != "loss":
        return None
    return _capped({"the clamp log(.) >= -100": 100.0})(fn, precision, check)


def _float32_result(fn, precision, check):
    # judged where the values are ordinary numbers: in the tails a cancellation can leave a result
    # with so few significant bits that it is a float32 number by chance
    if precision != "float64" or check.tier != "correctness":
        return None
    shown = []
    for a, e in cx.pairs(check):
        if not math.isfinite(a) or a == 0.0:
            continue
        if float(np.float32(a)) != a:
            return None
        e64 = float(e)
        if e64 != 0.0 and float(np.float32(e64)) != e64:
            shown.append((a, e64))
    if not shown:
        return None
    a, e = shown[0]
    return f"every returned value is a float32 number ({a!r} where the float64 answer is {e!r})"


def _log_one_plus_tiny(fn, precision, check):
    w = cx.worst(check)
    ce = check.counterexample
    if w is None or ce is None:
        return None
    a, e, z, y = w
    if abs(e) < 64 * float(np.finfo(np.dtype(precision)).tiny):
        return None  # a subnormal truth returned as 0 is subnormal-flush
    if fn.target == "loss":
        f = cx.values({"f": ce.inputs.get("f", [])})
        ys = cx.values({"y": ce.inputs.get("y", [])})
        hits = [(fi, yi) for fi, yi in zip(f, ys) if yi == 0.0 and 0 < fi < 0.5]
        if hits and math.isfinite(a) and e > 0 and a != e:
            fi = hits[0][0]
            return (
                f"at f = {fi!r}, y = 0 returned {a!r} where the exact loss -log(1 - f) is {e:.6g}: "
                "log(1 - f) without log1p"
            )
        return None
    if fn.target == "loss-from-logit" and y == 0.0 and z < 0 and math.isfinite(a) and a != e:
        what = "rounds to 0" if a == 0.0 else "loses the relative accuracy of the small loss"
        return f"at z = {z!r}, y = 0 returned {a!r} where the exact loss log(1 + exp(z)) is {e:.6g}: {what}"
    if fn.target == "cost" and math.isfinite(a) and a != e:
        neg = [z for z, y in cx.examples(check) if z < 0 and y == 0.0]
        if neg and not any(z > 0 and y == 1.0 for z, y in cx.examples(check)):
            return (
                f"the examples are z < 0 with y = 0 (z = {neg[0]!r}): log(1 + exp(z)) without log1p; "
                f"cost {a!r}, exact {e:.6g}"
            )
    return None


def _softplus_minus_yz(fn, precision, check):
    w = cx.worst(check)
    if w is None:
        return None
    a, e, z, y = w
    if abs(e) < 64 * float(np.finfo(np.dtype(precision)).tiny):
        return None  # a subnormal truth returned as 0 is subnormal-flush, not cancellation
    if fn.target == "loss-from-logit" and z > 0 and y == 1.0 and a != e:
        rel = abs(a - e) / e if e else math.inf
        return f"at z = {z!r}, y = 1 returned {a!r} where the exact loss is {e:.6g} (relative error {rel:.3g})"
    if fn.target == "cost" and math.isfinite(a) and a != e:
        pos = [z for z, y in cx.examples(check) if z > 0 and y == 1.0]
        if pos and not any(z < 0 and y == 0.0 for z, y in cx.examples(check)):
            return (
                f"the examples are z > 0 with y = 1 (z = {pos[0]!r}), where softplus(z) - y z cancels; "
                f"cost {a!r}, exact {e:.6g}"
            )
    return None


def _residual(fn, precision, check):
    if fn.target not in ("gradient", "cost-and-gradient"):
        return None
    sat = cx.saturation(precision)
    ce = check.counterexample
    if ce is None:
        return None
    X = np.asarray(ce.inputs.get("X", []), dtype=np.float64)
    y = np.asarray(ce.inputs.get("y", []), dtype=np.float64).reshape(-1)
    z = np.asarray(ce.z, dtype=np.float64)
    hits = sorted((zi for zi, yi in zip(z, y) if zi > 0 and yi == 1.0), reverse=True)
    if hits and X.size:
        zi = hits[0]
        truth = -float(reference.sigmoid(-zi))
        if zi > sat:
            return (
                f"at z = {zi!r}, y = 1 sigmoid(z) rounds to 1 and sigmoid(z) - y = 0; the exact residual is {truth:.6g}"
            )
        return f"at z = {zi!r}, y = 1 sigmoid(z) - 1 cancels; the exact residual is -sigmoid(-z) = {truth:.6g}"
    return None


def _softplus_slope(x: np.ndarray) -> np.ndarray:
    """softplus'(x) as JAX's rule for logaddexp(x, 0) gives it, in x's dtype: exp(x - logaddexp(x, 0)),
    the log-add-exp rounded first (max(x, 0) + log1p(exp(-|x|)))."""
    with np.errstate(all="ignore"):
        lae = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
        return np.exp(x - lae)


def _logaddexp_jvp(fn, precision, check):
    ce = cx.with_inputs(check)
    if fn.library != "jax" or fn.target not in ("gradient", "cost-and-gradient") or ce is None:
        return None
    dtype = np.dtype(precision)
    try:
        X = np.atleast_2d(np.asarray(ce.inputs["X"], dtype=dtype))
        y = np.asarray(ce.inputs["y"], dtype=dtype).reshape(-1)
        w = np.asarray(ce.inputs["w"], dtype=dtype).reshape(-1)
        z = X @ w + dtype.type(ce.inputs.get("b", 0.0))
        # d/dz of -y log_sigmoid(z) - (1 - y) log_sigmoid(-z), log_sigmoid(t) = -softplus(-t)
        r = (1 - y) * _softplus_slope(z) - y * _softplus_slope(-z)
        formula = {"dj_dw": X.T @ r / dtype.type(len(y)), "dj_db": np.mean(r)}
    except (KeyError, ValueError, TypeError, IndexError):
        return None
    u = float(np.finfo(dtype).eps) / 2
    for comp, a, e, gv in cx.against(ce, formula):
        near = abs(a - gv) <= 4 * float(np.spacing(np.abs(dtype.type(gv))))
        if near and math.isfinite(e) and abs(a - e) > 16 * u * abs(e):
            return (
                f"{comp} is {a!r} where the exact value is {e:.17g}: JAX differentiates softplus through "
                "logaddexp's rule exp(x - logaddexp(x, 0)), whose logaddexp is rounded first (an absolute "
                "error of u |x|), so the residual sigma(z) - y keeps only that much relative accuracy; the "
                "formula gives the same value"
            )
    return None


def _derivative(fn, precision, check):
    w = cx.worst(check)
    if fn.target != "sigmoid-derivative" or w is None:
        return None
    a, e, z, _ = w
    if z > 0 and a != e:
        return f"at z = {z!r} returned {a!r} where the exact sigma'(z) is {e:.6g}: 1 - sigma(z) cancels"
    return None


def _log_one_minus_sigmoid(fn, precision, check):
    w = cx.worst(check)
    if w is None:
        return None
    a, e, z, y = w
    if fn.target == "cost":
        hits = [zz for zz, yy in cx.examples(check) if zz > 0 and yy == 0.0]
        z = hits[0] if hits and math.isfinite(a) and a != e else math.nan
        y = 0.0
    if fn.target in ("loss-from-logit", "cost") and z > 0 and y == 0.0 and math.isfinite(a) and a != e:
        return (
            f"at z = {z!r}, y = 0 returned {a!r} where the exact loss is {e!r}: "
            f"log(1 - sigma(z)) keeps only the bits of 1 - sigma(z) that survived rounding sigma(z)"
        )
    return None


def _subnormal_flush(fn, precision, check):
    tiny = float(np.finfo(np.dtype(precision)).tiny)
    cause = FLUSH_CAUSES.get(fn.target, "exp overflowed in 1 / (1 + exp(-z))")
    for a, e in cx.pairs(check):
        if a == 0.0 and 0.0 < abs(e) < 64 * tiny:
            return f"returned 0 where the exact value {e!r} is subnormal ({cause})"
    return None


def _bool_labels(fn, precision, check):
    if (
        check.id in ("correctness.labels", "contract.labels")
        and "boolean" in check.message
        and "not supported" in check.message
    ):
        return "bool labels: 1 - y raised TypeError (numpy has no boolean subtract or negative)"
    return None


def _nonfinite(fn, precision, check):
    for a, e in cx.pairs(check):
        if not math.isfinite(a) and math.isfinite(e):
            return f"returned {a!r} where the exact value is {e:.6g} (log(0), 0 * inf or exp overflow)"
    return None


def _shifted_log_sum(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(log-softmax, logsumexp) of rows z as (z - M) - log(sum e^(z - M)), in z's dtype: log, not log1p."""
    with np.errstate(all="ignore"):
        M = np.max(z, axis=-1, keepdims=True)
        log_s = np.log(np.sum(np.exp(z - M), axis=-1, keepdims=True))
        return (z - M) - log_s, (M + log_s)[..., 0]


def _order_slack(z: np.ndarray, u: float) -> np.ndarray:
    """Per row, how far another order of adding the K - 1 small terms r_k of the shifted sum 1 + r may
    move log(1 + r): 2 u per addition after the first, and nothing when r < u / 2 (1 + r is then 1 in
    every order)."""
    with np.errstate(all="ignore"):
        rest = np.sum(np.exp(z - np.max(z, axis=-1, keepdims=True)), axis=-1) - 1.0
    return np.where(rest >= u / 2, 2 * u * max(z.shape[-1] - 2, 0), 0.0)


def _log_sum_formula(fn: LibraryFunction, precision: str, inputs: dict) -> list[tuple[np.ndarray, np.ndarray]]:
    """What the shifted log(sum) formula gives for ``fn``'s target on a counterexample's inputs, in
    the judged precision (each way a library may assemble it), each with the slack of the summation
    order per value; [] when the inputs are not there."""
    dtype = np.dtype(precision)
    u = float(np.finfo(dtype).eps) / 2
    try:
        if fn.target == "softmax-cost":
            X, W = (np.asarray(inputs[k], dtype=dtype) for k in ("X", "W"))
            b = np.asarray(inputs.get("b", np.zeros(W.shape[1])), dtype=dtype)
            z = np.atleast_2d(X @ W + b)
        else:
            z = np.atleast_2d(np.asarray(inputs["z"], dtype=dtype))
        slack = _order_slack(z.astype(np.float64), u)
        logp, lse = _shifted_log_sum(z)
        if fn.target == "log-softmax":
            return [(logp, np.repeat(slack, z.shape[-1]))]
        if fn.target == "logsumexp":
            return [(lse, slack)]
        y = np.asarray(inputs["yidx"], dtype=np.int64).reshape(-1)
        rows = np.arange(len(y))
        losses = [-logp[rows, y], lse - z[rows, y]]
        if fn.target == "softmax-loss-smoothed":  # (1 - eps) nll + eps mean(-log p), or -sum q log p
            eps = dtype.type(inputs["smoothing"])
            q = np.full(logp.shape, eps / dtype.type(z.shape[-1]), dtype=dtype)
            q[rows, y] += dtype.type(1) - eps
            losses = [(1 - eps) * losses[0] + eps * np.mean(-logp, axis=-1), -np.sum(q * logp, axis=-1)]
    except (KeyError, ValueError, TypeError, IndexError):
        return []
    if fn.target == "softmax-cost":
        return [(np.asarray(np.mean(loss)), np.max(slack, keepdims=True)) for loss in losses]
    return [(loss, slack) for loss in losses]


def _log_sum_not_log1p(fn, precision, check):
    ce = cx.with_inputs(check)
    if ce is None or fn.target not in (
        "log-softmax",
        "logsumexp",
        "softmax-loss",
        "softmax-loss-smoothed",
        "softmax-cost",
    ):
        return None
    tiny = float(np.finfo(np.dtype(precision)).tiny)
    u = float(np.finfo(np.dtype(precision)).eps) / 2
    actual = cx.values({"a": next(iter((ce.actual or {}).values()), [])})
    exact = cx.values({"e": next(iter((ce.expected or {}).values()), [])})
    for formula, slack in _log_sum_formula(fn, precision, ce.inputs):
        f = [float(v) for v in np.asarray(formula).reshape(-1)]
        if len(f) != len(actual) or len(f) != len(exact) or len(f) != np.size(slack):
            continue
        for a, e, g, order in zip(actual, exact, f, np.reshape(slack, -1)):
            # a log of 1 + r with r < e - 1, far from the truth, and the formula's value to 2 ulps plus the
            # summation order's slack (a library's own exp, log and reduction order round differently)
            near = abs(a - g) <= 2 * float(np.spacing(np.abs(np.dtype(precision).type(g)))) + float(order)
            flushed = a == 0.0 and abs(e) < 64 * tiny  # a subnormal truth returned as 0: subnormal-flush
            if flushed or not abs(e) < 1.0 or not math.isfinite(a) or not near or abs(a - e) <= 16 * u * abs(e):
                continue
            what = "0" if a == 0.0 else f"{-math.log2(abs(a - e) / abs(e)):.0f} correct bits"
            return (
                f"returned {a!r} ({what}) where the exact value is {e:.6g}, what (z - max) - log(sum exp(z - max)) "
                f"gives in {precision}: log(1 + r) for a small r keeps only the bits of r above 1's last bit; "
                "log1p(r) keeps them all"
            )
    return None


def _softmax_residual(fn, precision, check):
    ce = cx.with_inputs(check)
    if fn.target != "softmax-gradient" or ce is None:
        return None
    dtype = np.dtype(precision)
    try:
        X, W = (np.atleast_2d(np.asarray(ce.inputs[k], dtype=dtype)) for k in ("X", "W"))
        b = np.asarray(ce.inputs.get("b", np.zeros(W.shape[1])), dtype=dtype)
        y = np.asarray(ce.inputs["yidx"], dtype=np.int64).reshape(-1)
        with np.errstate(all="ignore"):
            z = X @ W + b
            e = np.exp(z - np.max(z, axis=1, keepdims=True))
            R = e / np.sum(e, axis=1, keepdims=True)
            R[np.arange(len(y)), y] -= 1
            m = dtype.type(len(y))
            formula = {"dj_db": R.sum(axis=0) / m, "dj_dw": X.T @ R / m}
    except (KeyError, ValueError, TypeError, IndexError):
        return None
    for comp, a, ex, gv in cx.against(ce, formula):
        if a == 0.0 and gv == 0.0 and ex != 0.0:
            return (
                f"{comp} is 0 where the exact value is {ex!r}: p - y for the class that leads rounds to 1 - 1, "
                "while the exact residual is minus the sum of the other probabilities"
            )
    return None


def _one_class(fn, precision, check):
    if fn.library != "sklearn" or fn.target not in SOFTMAX_FAMILY or check.id != "correctness.shapes":
        return None
    ce = check.counterexample
    if ce is None or "raised" not in check.message:
        return None
    inputs = ce.inputs or {}
    rows = np.asarray(inputs.get("z", inputs.get("W", [[0.0, 0.0]])), dtype=np.float64)
    if rows.ndim < 1 or rows.shape[-1] != 1:
        return None
    return "raised for K = 1 class: " + check.message.splitlines()[0].removeprefix("the function ")


SKLEARN_CLIP = (
    "https://github.com/scikit-learn/scikit-learn/pull/24354",
    "https://github.com/scikit-learn/scikit-learn/issues/24315",
    "https://github.com/scikit-learn/scikit-learn/pull/28851",
)
DEFECTS: tuple[KnownDefect, ...] = (
    KnownDefect(
        "sklearn-log-loss-clip",
        "sklearn metrics.log_loss clips probabilities to [eps, 1 - eps]: "
        "a per-example loss is capped near 36.04 (float64)",
        "robust",
        SKLEARN_CLIP,
        _sklearn_clip,
    ),
    KnownDefect(
        "keras-bce-epsilon-clip",
        "Keras binary and categorical cross-entropy from probabilities clip them to [1e-7, 1 - 1e-7]: a "
        "per-example loss is capped near 16.12 and never below about 1e-7",
        "robust",
        (
            "https://tensorflow.org/api_docs/python/tf/keras/backend/set_epsilon",
            "https://github.com/tensorflow/tensorflow/issues/41595",
        ),
        _keras_clip,
    ),
    KnownDefect(
        "torch-bce-log-clamp",
        "torch binary_cross_entropy clamps log(.) at -100: a per-example loss is capped at 100",
        "robust",
        (
            "https://docs.pytorch.org/docs/stable/generated/torch.nn.BCELoss.html",
            "https://github.com/pytorch/pytorch/issues/103316",
        ),
        _torch_clamp,
    ),
    KnownDefect(
        "float32-default",
        "computed in float32 where float64 was asked (JAX without x64 truncates float64 arrays to float32)",
        "robust",
        ("https://docs.jax.dev/en/latest/default_dtypes.html",),
        _float32_result,
    ),
    KnownDefect(
        "log-one-plus-tiny",
        "log(1 + x) evaluated without log1p: the loss rounds to 0 for "
        "z < -36.7, y = 0 (or f < eps, y = 0) where the truth is about exp(z) (or f)",
        "robust",
        ("https://github.com/pytorch/pytorch/issues/195529", "https://github.com/pytorch/pytorch/pull/1792"),
        _log_one_plus_tiny,
    ),
    KnownDefect(
        "log-sum-not-log1p",
        "log-sum-exp as max + log(sum exp(z - max)): when one class leads, the sum is 1 + r with r tiny and "
        "log(1 + r) rounds r away, so log-softmax, the cross-entropy and logsumexp are 0 (or lose their "
        "relative accuracy) where the truth is about r",
        "strict",
        (
            "https://github.com/scipy/scipy/issues/19521",
            "https://github.com/scipy/scipy/issues/18295",
            "https://github.com/scipy/scipy/pull/21597",
        ),
        _log_sum_not_log1p,
    ),
    KnownDefect(
        "softmax-residual-cancellation",
        "the multinomial gradient's residual p - y cancels for the class that leads: p rounds to 1 once the "
        "other probabilities sum below u, so dJ/db and dJ/dW are 0 where the truth is minus their sum",
        "strict",
        ("https://github.com/pytorch/pytorch/issues/195677",),
        _softmax_residual,
    ),
    KnownDefect(
        "sklearn-one-class",
        "sklearn's multinomial loss refuses one class (n_classes=1): its estimators need at least two",
        "robust",
        ("https://scikit-learn.org/stable/modules/generated/sklearn.linear_model.LogisticRegression.html",),
        _one_class,
    ),
    KnownDefect(
        "nonfinite",
        "inf or NaN where the true value is finite (log of a probability that rounded to 0 or 1, exp overflow)",
        "robust",
        ("https://docs.pytorch.org/docs/stable/generated/torch.nn.BCELoss.html",),
        _nonfinite,
    ),
    KnownDefect(
        "log-one-minus-sigmoid",
        "the loss from a logit as -log(1 - sigma(z)): for y = 0, z > 0 the bits "
        "lost rounding sigma(z) near 1 are lost for good (21 bits at z = 19)",
        "robust",
        ("https://github.com/pytorch/pytorch/issues/39435", "https://github.com/pytorch/pytorch/issues/103316"),
        _log_one_minus_sigmoid,
    ),
    KnownDefect(
        "bool-labels",
        "bool label arrays are rejected: numpy has no boolean subtract (1 - y)",
        "robust",
        ("https://github.com/numpy/numpy/pull/14725", "https://github.com/numpy/numpy/issues/15856"),
        _bool_labels,
    ),
    KnownDefect(
        "subnormal-flush",
        "a subnormal result returned as 0: exp(-z) overflows for z < -709.78, so "
        "1 / (1 + exp(-z)) is 0 where the truth is down to 4.9e-324",
        "strict",
        ("https://github.com/scipy/scipy/issues/6145",),
        _subnormal_flush,
    ),
    KnownDefect(
        "residual-cancellation",
        "sigmoid(z) - y cancels for z > 36.7, y = 1: the residual, and a "
        "gradient made of it, is 0 where the truth is -exp(-z)",
        "strict",
        ("https://github.com/pytorch/pytorch/issues/195677",),
        _residual,
    ),
    KnownDefect(
        "logaddexp-jvp-rounding",
        "JAX differentiates logaddexp (and so softplus, log_sigmoid and optax's sigmoid cross-entropy) as "
        "exp(x - logaddexp(x, 0)) with the logaddexp already rounded: the derivative sigma(x) loses about "
        "log2 |x| bits (26 ulps in the gradient at z = -32.2, y = 1)",
        "strict",
        (
            "https://github.com/jax-ml/jax/blob/main/jax/_src/lax/other.py",
            "https://github.com/jax-ml/jax/pull/29483",
        ),
        _logaddexp_jvp,
    ),
    KnownDefect(
        "sigmoid-derivative-cancellation",
        "sigma (1 - sigma) loses the relative accuracy of 1 - sigma for z > 0 and is 0 for z > 36.7",
        "strict",
        ("https://github.com/pytorch/pytorch/issues/195681", "https://github.com/tensorflow/tensorflow/issues/126060"),
        _derivative,
    ),
    KnownDefect(
        "softplus-minus-yz",
        "the loss as softplus(z) - y z cancels for y = 1, z > 0 (about 127 ulps at z = 5, 0 for z > 37.4)",
        "strict",
        ("https://github.com/scikit-learn/scikit-learn/pull/21814",),
        _softplus_minus_yz,
    ),
)
KNOWN = {d.id: d for d in DEFECTS}


def explain(fn: LibraryFunction, precision: str, check: CheckResult) -> list[tuple[KnownDefect, str]]:
    """The known defects that explain the failed ``check`` of ``fn``, each with its evidence."""
    if check.passed:
        return []
    found = []
    for defect in DEFECTS:
        evidence = defect.match(fn, precision, check)
        if evidence:
            found.append((defect, evidence))
    return found
