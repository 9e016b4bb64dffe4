"""The function used in place of the logistic one, read back from the candidate and fitted.

The candidate's own nonlinearity g is read on a grid of logits: a sigmoid directly; the loss from
the logit as exp(-loss); a problem target on two identical examples whose logits are exactly z
(Xw = 0, b = z, lambda = 0), where dJ/db = g(z) - y and J = -log g(z) (y = 1) or -log(1 - g(z))
(y = 0).  The readings are fitted with the usual impostors, each with one parameter solved from
g(1): sigma(k z) (a base other than e, tanh forms), the normal CDF Phi(k z) (erf forms), tanh(k z),
the hard sigmoid, softsign and arctan forms, exp(k z), a linear k z.  A fit counts when it matches
every reading to 1e-9 and predicts the designed test cases; then the message names the function and
its parameter.  For a sigmoid nothing fits, the properties that fail are named instead (f(0),
symmetry, monotonicity, limits).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from verifier.diagnosis import cases as diagnose_cases
from verifier.diagnosis.evidence import Candidate, Seen, adapt, compare_model, observe, show_number
from verifier.spec.case import Case

GRID = np.array([-6.0, -4.0, -3.0, -2.0, -1.5, -1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0])
FIT_ABS = 1e-9  # a fit must match every reading to this (relative to max(1, |g|))
NEAR = 1e-6  # a fitted parameter "is" a named constant within this (relative)


@dataclass(frozen=True)
class Family:
    """One impostor: ``g(z, k)``, ``solve(curve) -> k`` and ``words(k) -> (catalog id, description)``."""

    name: str
    g: Callable[[np.ndarray, float], np.ndarray]
    solve: Callable[[dict[float, float]], float | None]
    words: Callable[[float], tuple[str, str] | None]


def _near(k: float, value: float) -> bool:
    return math.isclose(k, value, rel_tol=NEAR, abs_tol=NEAR)


def _at1(fn: Callable[[float], float], ok: Callable[[float], bool]) -> Callable[[dict[float, float]], float | None]:
    def solve(curve: dict[float, float]) -> float | None:
        g1 = curve.get(1.0)
        if g1 is None or not math.isfinite(g1) or not ok(g1):
            return None
        with np.errstate(all="ignore"):
            k = float(fn(g1))
        return k if math.isfinite(k) else None

    return solve


def _logistic_words(k: float) -> tuple[str, str] | None:
    if _near(k, 1.0):
        return None
    if _near(k, -1.0):
        return "sigmoid-formula", "1/(1 + e^z), which is sigma(-z)"
    named = {
        2.0: "(1 + tanh(z))/2, which is sigma(2z): tanh(z/2) belongs there",
        math.log(2): "1/(1 + 2^-z): base 2 in place of e, which is sigma(0.6931 z)",
        math.log(10): "1/(1 + 10^-z): base 10 in place of e, which is sigma(2.303 z)",
        0.5: "sigma(z/2)",
    }
    for value, text in named.items():
        if _near(k, value):
            return "wrong-nonlinearity", text
    return "wrong-nonlinearity", f"sigma({k:.4g} z), the logistic function with slope {k:.4g}"


def _probit_words(k: float) -> tuple[str, str]:
    if _near(k, 1.0):
        return "wrong-nonlinearity", "the normal CDF Phi(z) (the probit link) in place of the logistic function"
    if _near(k, math.sqrt(2)):
        return "wrong-nonlinearity", "(1 + erf(z))/2, which is the normal CDF Phi(1.414 z)"
    return "wrong-nonlinearity", f"the normal CDF Phi({k:.4g} z) in place of the logistic function"


def _tanh_words(k: float) -> tuple[str, str]:
    if _near(k, 1.0):
        return "wrong-nonlinearity", "tanh(z) in place of sigma(z) (it runs from -1 to 1, not from 0 to 1)"
    if _near(k, 0.5):
        return "wrong-nonlinearity", "tanh(z/2) without the (1 + ...)/2 around it"
    return "wrong-nonlinearity", f"tanh({k:.4g} z) in place of sigma(z)"


def _hard_words(k: float) -> tuple[str, str]:
    named = {
        0.2: "the hard sigmoid clip(0.2 z + 1/2, 0, 1) (as in Keras)",
        1 / 6: "the hard sigmoid clip(z/6 + 1/2, 0, 1) (as in PyTorch)",
        0.25: "the linear approximation z/4 + 1/2, clipped to [0, 1]",
    }
    for value, text in named.items():
        if _near(k, value):
            return "wrong-nonlinearity", text
    return "wrong-nonlinearity", f"the hard sigmoid clip({k:.4g} z + 1/2, 0, 1)"


def _simple(text: str, unit: str) -> Callable[[float], tuple[str, str]]:
    def words(k: float) -> tuple[str, str]:
        return "wrong-nonlinearity", text if _near(k, 1.0) else f"{text} with z scaled by {k:.4g} ({unit})"

    return words


def _shift_solve(curve: dict[float, float]) -> float | None:
    g0 = curve.get(0.0)
    if g0 is None or not 0 < g0 < 1 or g0 == 0.5:
        return None
    return float(special.logit(g0))


def _linear_words(k: float) -> tuple[str, str]:
    if _near(k, 1.0):
        return "wrong-nonlinearity", "z itself: the logit is returned without the sigmoid"
    return "wrong-nonlinearity", f"{k:.4g} z, a straight line"


LOGISTIC_IMPOSTORS: tuple[Family, ...] = (
    Family("logistic", lambda z, k: special.expit(k * z), _at1(special.logit, lambda g: 0 < g < 1), _logistic_words),
    Family("probit", lambda z, k: special.ndtr(k * z), _at1(special.ndtri, lambda g: 0.5 < g < 1), _probit_words),
    Family("tanh", lambda z, k: np.tanh(k * z), _at1(np.arctanh, lambda g: 0 < g < 1), _tanh_words),
    Family(
        "hard", lambda z, k: np.clip(k * z + 0.5, 0.0, 1.0), _at1(lambda g: g - 0.5, lambda g: 0.5 < g < 1), _hard_words
    ),
    Family(
        "softsign",
        lambda z, k: (1 + k * z / (1 + np.abs(k * z))) / 2,
        _at1(lambda g: (2 * g - 1) / (2 - 2 * g), lambda g: 0.5 < g < 1),
        _simple("(1 + z/(1 + |z|))/2, a softsign in place of the logistic function", "softsign slope"),
    ),
    Family(
        "arctan",
        lambda z, k: 0.5 + np.arctan(k * z) / np.pi,
        _at1(lambda g: math.tan(math.pi * (g - 0.5)), lambda g: 0.5 < g < 1),
        _simple("1/2 + arctan(z)/pi in place of the logistic function", "arctan slope"),
    ),
    Family(
        "softsign-unshifted",
        lambda z, k: k * z / (1 + np.abs(k * z)),
        _at1(lambda g: g / (1 - g), lambda g: 0 < g < 1),
        _simple("z/(1 + |z|) in place of the logistic function (it runs from -1 to 1)", "softsign slope"),
    ),
    Family(
        "exp",
        lambda z, k: np.exp(k * z),
        _at1(math.log, lambda g: g > 0),
        lambda k: (
            ("wrong-nonlinearity", "e^(-z) without the 1/(1 + ...) around it")
            if _near(k, -1.0)
            else ("wrong-nonlinearity", f"e^({k:.4g} z), an exponential in place of the logistic function")
        ),
    ),
    Family("linear", lambda z, k: k * z, _at1(lambda g: g, lambda g: g != 0), _linear_words),
    Family(
        "shifted",
        lambda z, k: special.expit(z + k),
        _shift_solve,
        lambda k: ("wrong-nonlinearity", f"sigma(z + {k:.4g}): the logistic function shifted by {k:.4g}"),
    ),
)


def _fixed(name: str, g: Callable[[np.ndarray], np.ndarray], text: str) -> Family:
    return Family(name, lambda z, k: g(z), lambda curve: 1.0, lambda k: ("wrong-nonlinearity", text))


DERIVATIVE_IMPOSTORS: tuple[Family, ...] = (
    _fixed("z(1-z)", lambda z: z * (1 - z), "z(1 - z): the derivative written for sigma(z) applied to z itself"),
    _fixed("s^2", lambda z: special.expit(z) ** 2, "sigma(z)^2"),
    _fixed("s(1+s)", lambda z: special.expit(z) * (1 + special.expit(z)), "sigma(z)(1 + sigma(z))"),
    _fixed("1-s^2", lambda z: 1 - special.expit(z) ** 2, "1 - sigma(z)^2 (the form of tanh's derivative)"),
    _fixed("1-tanh^2", lambda z: 1 - np.tanh(z) ** 2, "1 - tanh(z)^2, the derivative of tanh"),
    _fixed("s", special.expit, "sigma(z) itself, not its derivative"),
    _fixed("1-s", lambda z: special.expit(-z), "1 - sigma(z), without the factor sigma(z)"),
    _fixed("e^-z", lambda z: np.exp(-z), "e^(-z), without the denominator (1 + e^(-z))^2"),
)


# --------------------------------------------------------------------------- reading the candidate's g
def read_curve(cfg, probe) -> dict[float, float] | None:
    """g(z) on GRID as the candidate computes it, or None when this target cannot show it."""
    t = cfg.target
    if t.name in ("sigmoid", "sigmoid-derivative"):
        obs = observe(probe, Case(z=GRID.astype(cfg.fmt.dtype)))
        if obs.outputs is None or np.size(obs.outputs["value"]) != GRID.size:
            return None
        return dict(zip(GRID.tolist(), np.asarray(obs.outputs["value"], dtype=np.float64).reshape(-1).tolist()))
    if t.name == "loss-from-logit":
        out = {}
        for z in GRID.tolist():
            label = 1.0 if z <= 0 else 0.0
            obs = observe(probe, Case(z=np.array([z], dtype=cfg.fmt.dtype), y=np.array([label])))
            if obs.outputs is None:
                return None
            out[z] = _from_loss(float(np.asarray(obs.outputs["value"]).reshape(-1)[0]), label)
        return out
    if t.pointwise or not t.logistic or not (t.has_gradient or t.has_cost):
        return None
    return _read_problem(cfg, probe)


def _from_loss(loss: float, label: float) -> float:
    return math.exp(-loss) if label == 1.0 else -math.expm1(-loss)


def _read_problem(cfg, probe) -> dict[float, float] | None:
    t = cfg.target
    out = {}
    for z in GRID.tolist():
        label = 0.0 if t.has_gradient else (1.0 if z <= 0 else 0.0)
        case = adapt(cfg, diagnose_cases.at_logit(t, cfg.fmt, z, label, 0.0))
        obs = observe(probe, case)
        if obs.outputs is None:
            return None
        per_example = 1.0 / case.m if case.form.reduction == "sum" else 1.0
        if t.has_gradient and "dj_db" in obs.outputs and getattr(cfg, "bias", True):
            out[z] = float(np.asarray(obs.outputs["dj_db"]).reshape(-1)[0]) * per_example
        elif t.has_gradient:  # dJ/dw_0 = (g - y) x_0 (x_0 = 1 in the column of ones of a model without b)
            x0 = float(np.asarray(case.X, dtype=np.float64)[0, 0])
            out[z] = float(np.asarray(obs.outputs["dj_dw"]).reshape(-1)[0]) * per_example / x0
        else:
            out[z] = _from_loss(float(np.asarray(obs.outputs["cost"])) * per_example, label)
    return out


def fit(curve: dict[float, float], families: tuple[Family, ...]) -> tuple[Family, float] | None:
    """The first family (and its parameter) that matches every reading."""
    zs = np.array(sorted(curve))
    gs = np.array([curve[z] for z in zs])
    if not np.all(np.isfinite(gs)):
        return None
    for fam in families:
        k = fam.solve(curve)
        if k is None:
            continue
        with np.errstate(all="ignore"):
            pred = fam.g(zs, k)
        if np.all(np.abs(pred - gs) <= FIT_ABS * np.maximum(1.0, np.abs(gs))):
            return fam, k
    return None


# --------------------------------------------------------------------------- predictions with g
def _impostor(fam: Family, k: float, z: np.ndarray) -> np.ndarray:
    return fam.g(z, k)


def _predict(cfg, case: Case, g: Callable[[np.ndarray], np.ndarray]) -> dict[str, np.ndarray] | None:
    t = cfg.target
    with np.errstate(all="ignore"):
        if t.name in ("sigmoid", "sigmoid-derivative"):
            return {"value": g(np.asarray(case.z, dtype=np.float64))}
        if t.name == "loss-from-logit":
            p, y = g(np.asarray(case.z, dtype=np.float64)), np.asarray(case.y, dtype=np.float64)
            return {"value": -(y * np.log(p) + (1 - y) * np.log1p(-p))}
        X, w = np.asarray(case.X, dtype=np.float64), np.asarray(case.w, dtype=np.float64)
        y = np.asarray(case.y, dtype=np.float64)
        p = g(X @ w + float(case.b))
        k = 1.0 if case.form.reduction == "sum" else 1.0 / case.m
        out: dict[str, np.ndarray] = {}
        if t.has_gradient:
            out["dj_dw"] = X.T @ (p - y) * k
            out["dj_db"] = np.array(np.sum(p - y) * k)
        if t.has_cost:
            out["cost"] = np.array(-np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) * k)
    return {c: v for c, v in out.items() if c in t.components} or None


def findings(cfg, probe, looks: list[Seen], failing: dict, note: str) -> list[Candidate]:
    """wrong-nonlinearity (or sigmoid-formula) when a fitted impostor predicts every test case; for a
    sigmoid nothing fits, the failing properties."""
    t = cfg.target
    if t.pointwise and t.name not in ("sigmoid", "sigmoid-derivative", "loss-from-logit"):
        return []
    curve = read_curve(cfg, probe)
    if curve is None:
        return []
    families = DERIVATIVE_IMPOSTORS if t.name == "sigmoid-derivative" else LOGISTIC_IMPOSTORS
    found = fit(curve, families)
    checks = {cid for cid in failing if cid.startswith("correctness.")}
    if found is None:
        prop = _properties(curve) if t.name == "sigmoid" else None
        return [Candidate("wrong-nonlinearity", 0.6, prop, {"curve": curve}, checks)] if prop else []
    fam, k = found
    named = fam.words(k)
    if named is None:
        return []
    mid, text = named
    g = functools.partial(_impostor, fam, k)
    preds = [_predict(cfg, s.case, g) for s in looks]
    if any(p is None or not compare_model(cfg, s, p)[0] for s, p in zip(looks, preds)):
        return []
    z1 = 1.0 if 1.0 in curve else next(iter(curve))
    where = "the sigmoid" if t.pointwise else "the logistic function inside"
    message = (
        f"{where[0].upper() + where[1:]} is {text}{note}: read back at {len(curve)} logits from -6 to 6, it "
        f"matches that function to 1e-9 everywhere (at z = {z1:g} it gives {show_number(curve[z1])}, "
        f"sigma({z1:g}) = {show_number(float(special.expit(z1)))}), and it reproduces all {len(looks)} test cases."
    )
    evidence = {"function": fam.name, "parameter": k, "readings": len(curve)}
    return [Candidate(mid, 0.9, message, evidence, checks)]


def _properties(curve: dict[float, float]) -> str | None:
    """The logistic function's properties the readings break, in words (None when all hold)."""
    zs = sorted(curve)
    g = np.array([curve[z] for z in zs])
    if not np.all(np.isfinite(g)):
        return None
    fails = []
    g0 = curve.get(0.0)
    if g0 is not None and abs(g0 - 0.5) > FIT_ABS:
        fails.append(f"f(0) = {show_number(g0)} where sigma(0) = 1/2")
    sym = [(z, curve[z] + curve[-z] - 1) for z in zs if z > 0 and -z in curve]
    bad = [(z, d) for z, d in sym if abs(d) > FIT_ABS]
    if bad:
        z, d = max(bad, key=lambda t: abs(t[1]))
        fails.append(f"f(z) + f(-z) is not 1 (at z = {z:g} it is {show_number(1 + d)})")
    if np.any(np.diff(g) < 0):
        fails.append("it is not increasing")
    if np.any((g < 0) | (g > 1)):
        fails.append(f"it leaves [0, 1] (from {show_number(float(g.min()))} to {show_number(float(g.max()))})")
    if 0.25 in curve and -0.25 in curve:
        slope = (curve[0.25] - curve[-0.25]) / 0.5
        true_slope = float(special.expit(0.25) - special.expit(-0.25)) / 0.5
        if abs(slope - true_slope) > 0.01 * true_slope:
            fails.append(
                f"its slope at 0 is {show_number(slope)} where sigma's is {show_number(true_slope)} (about 1/4)"
            )
    hi = zs[-1]
    if abs(curve[hi] - float(special.expit(hi))) > 1e-3:
        fails.append(
            f"f({hi:g}) = {show_number(curve[hi])} where sigma({hi:g}) = {show_number(float(special.expit(hi)))}"
        )
    if not fails:
        return None
    return (
        "The function is not the logistic function, and none of the usual replacements fits it: "
        + "; ".join(fails)
        + "."
    )
