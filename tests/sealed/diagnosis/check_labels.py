"""Confirm the labels of the sealed diagnosis set with the exact oracle (``reference``).

Run from the repository root:  .venv/bin/python tests/sealed/diagnosis/check_labels.py [-v]

For every manifest entry and every function listed, on ordinary inputs (m = 5..40, n = 1..3,
|z| < 3, both labels):

- wrong:   a broken function differs from the oracle (relative error > 1e-6; > 1e-9 for
           reduced-precision), or shows the contract fault of its label (wrong shape, raises,
           mutated input, two calls differ, swapped outputs); the functions not listed as broken
           match the oracle.  Where a simple model of the labelled mistake exists (-exact, m exact,
           the oracle at b = 0, at -w, with 1 - y, ...), the model is checked too.
- fragile: right on ordinary inputs (error within 1e-12 relative plus a rounding envelope) and
           wrong somewhere on a tail ladder (|z| from 8 to 1001, both signs, labels 0/1), with the
           kind of failure compared to the label.
- correct: right on ordinary inputs, odd shapes (m = 1, n = 1, int labels) and the whole ladder.

The envelope used for "right" follows docs/envelopes.md (robust standard, 16 u instead of 4-8 u).
Uses only numpy, the standard library and ``reference`` (never ``verifier``).
"""

from __future__ import annotations

import copy
import importlib.util
import math
import sys
import tomllib
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

import reference as ref  # noqa: E402

U = 2.0**-53
TINY = np.finfo(float).tiny
LN2, LN10 = math.log(2.0), math.log(10.0)
POINTWISE = {"sigmoid", "sigmoid-derivative", "loss", "loss-from-logit"}
LADDER = [8, 15, 25, 29.9, 38.6, 40.4, 52.4, 101, 390, 703, 720, 740, 802, 1001]
CONTRACT = {"wrong-shape", "raises", "mutates-input", "nondeterministic", "outputs-swapped"}
VERBOSE = "-v" in sys.argv


class Unreadable(Exception):
    """The output cannot be read under the convention (shape or structure)."""


# ------------------------------------------------------------------ float helpers (envelopes)


def _sig(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(z):
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _f(v):
    return np.array([float(x) for x in np.ravel(v)]).reshape(np.shape(v))


# ------------------------------------------------------------------ cases


def problem_case(rng, m, n, int_labels=False):
    while True:
        X = rng.integers(-128, 129, size=(m, n)) / 64.0
        w = rng.integers(-64, 65, size=n) / 64.0
        w[w == 0] = 0.5
        b = float(rng.integers(-48, 49) / 64.0) or 0.25
        z = X @ w + b
        if np.max(np.abs(z)) < 3:
            break
    y = (rng.random(m) < 0.5).astype(float)
    if m > 1:
        y[0], y[1] = 0.0, 1.0
        rng.shuffle(y)
    if int_labels:
        y = y.astype(int)
    return {"X": X, "y": y, "w": w, "b": b}


def pointwise_case(rng, k=6, int_labels=False, scalar=False):
    z = rng.integers(-180, 181, size=k) / 64.0
    z[z == 0] = 0.75
    y = np.array([0.0, 1.0] * (k // 2) + [1.0] * (k % 2))
    if int_labels:
        y = y.astype(int)
    if scalar:
        return {"z": np.float64(z[0]), "y": np.float64(1.0)}
    return {"z": z, "y": y}


def ladder_problem_cases():
    X = np.array([[0.5, 0.25], [0.5, 0.25]])
    w = np.array([0.5, -1.0])  # X w = 0 exactly, so every logit is b
    out = []
    for t in LADDER:
        for z in (t, -t):
            for y in ([0.0, 1.0], [0.0, 0.0], [1.0, 1.0]):
                out.append(({"X": X, "y": np.array(y), "w": w, "b": float(z)}, z))
    return out


def ladder_pointwise_cases():
    out = []
    for t in LADDER:
        for z in (t, -t):
            for y in (0.0, 1.0):
                out.append(({"z": np.array([float(z)]), "y": np.array([y])}, z))
    return out


# ------------------------------------------------------------------ exact values and envelopes


def exact(target, case, lam):
    if target in POINTWISE:
        z, y = case["z"], case["y"]
        if target == "sigmoid":
            return {"value": _f(ref.sigmoid(z))}
        if target == "sigmoid-derivative":
            return {"value": _f(ref.sigmoid_derivative(z))}
        if target == "loss-from-logit":
            return {"value": _f(ref.loss_from_logit(z, y))}
        if target == "loss":
            return {"value": _f(ref.loss(f_of(z), y))}
    X, y, w, b = case["X"], case["y"], case["w"], case["b"]
    out = {}
    if target in ("cost", "cost-and-gradient"):
        out["cost"] = float(ref.cost(X, y, w, b, lam))
    if target in ("gradient", "cost-and-gradient"):
        g = ref.gradient(X, y, w, b, lam)
        out["dw"] = _f(g.w)
        out["db"] = float(g.b)
    return out


def f_of(z):
    """The probability handed to loss(f, y): sigma(z) correctly rounded."""
    return _f(ref.sigmoid(z))


def envelope(target, case, lam, comp, e):
    """A robust-standard-like error bound (docs/envelopes.md), 16 u in place of 4..8 u."""
    e = np.abs(np.asarray(e, dtype=float))
    if target in POINTWISE:
        z = np.asarray(case["z"], dtype=float)
        y = np.asarray(case["y"], dtype=float)
        s = _sig(z)
        d = s * _sig(-z)
        if target == "sigmoid":
            k = np.abs(z) * d
        elif target == "sigmoid-derivative":
            k = np.abs(z) * d * np.abs(1 - 2 * s) + s
        elif target == "loss-from-logit":
            k = np.abs(z) * np.abs(s - y) + _softplus(z) + np.abs(y * z)
        else:
            f = f_of(z)
            with np.errstate(divide="ignore", invalid="ignore"):
                k = np.abs(y) + np.where(f < 1, np.abs(1 - y) * f / np.where(f < 1, 1 - f, 1), 0)
        return 16 * U * (np.where(np.isfinite(e), e, 0) + k) + 8 * TINY
    X, y, w, b = case["X"], np.asarray(case["y"], float), case["w"], case["b"]
    m = X.shape[0]
    z = X @ w + b
    s, d = _sig(z), _sig(z) * _sig(-z)
    r = s - y
    a = np.abs(X) @ np.abs(w) + abs(b)
    if comp == "cost":
        loss = y * _softplus(-z) + (1 - y) * _softplus(z)
        k = (np.sum(np.abs(r) * 2 * a + _softplus(z) + np.abs(y * z)) / m
             + lam * np.dot(w, w) / m + (m + math.log2(m) + 1) * np.sum(loss) / m)
        return 16 * U * (e + k) + 8 * TINY
    cols = np.column_stack([X, np.ones(m)])
    lw = np.append(lam * np.abs(w), 0.0)
    k = (np.abs(cols).T @ (np.abs(r) + d * a + s + np.abs(y)) / m
         + m * (np.abs(cols).T @ np.abs(r)) / m + lw / m)
    floor = 8 * TINY * np.abs(cols).sum(axis=0) / m
    k = k[:-1] if comp == "dw" else k[-1]
    floor = floor[:-1] if comp == "dw" else floor[-1]
    return 16 * U * (e + k) + floor


# ------------------------------------------------------------------ calling under a convention


def load(path):
    spec = importlib.util.spec_from_file_location("sealed_" + path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec.loader.exec_module(mod)
    return mod


def call_raw(fn, fname, target, conv, case, lam):
    """Call fn with the convention's arguments; return (raw output, args before, args after)."""
    if target in POINTWISE:
        if target == "loss":
            args = [f_of(case["z"]), case["y"]]
        elif target == "loss-from-logit":
            args = [case["z"], case["y"]]
        else:
            args = [case["z"]]
        if isinstance(case["z"], np.floating) and target == "loss":
            args = [np.float64(args[0]), case["y"]]
    else:
        X, y, w, b = case["X"], case["y"], case["w"], case["b"]
        if conv in ("mls", "wb"):
            args = [X, y, w, b]
        elif conv == "theta":
            args = [np.append(b, w), np.column_stack([np.ones(X.shape[0]), X]), y]
        elif conv == "dlai":
            args = [w.reshape(-1, 1), b, X.T.copy(), np.asarray(y, dtype=float).reshape(1, -1)]
        if fname.endswith("_reg"):
            args.append(lam)
    before = copy.deepcopy(args)
    given = copy.deepcopy(args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out = fn(*given)
    mutated = any(not _same(p, q) for p, q in zip(before, given))
    return out, mutated


def _same(p, q):
    if isinstance(p, np.ndarray) or isinstance(q, np.ndarray):
        return np.shape(p) == np.shape(q) and np.array_equal(p, q, equal_nan=True)
    return p == q


def _scalar(v, name):
    a = np.asarray(v, dtype=float)
    if a.size != 1 or a.ndim > 2:
        raise Unreadable(f"{name} has shape {a.shape}")
    return float(a.reshape(()))


def _vector(v, n, name, allowed):
    a = np.asarray(v, dtype=float)
    if a.shape not in allowed:
        raise Unreadable(f"{name} has shape {a.shape}, expected {allowed[0]}")
    return a.reshape(n)


def read(out, target, conv, case, swap=False):
    """Read a raw output into components; raise Unreadable on a structural / shape mismatch."""
    if target in POINTWISE:
        a = np.asarray(out, dtype=float)
        if a.shape != np.shape(case["z"]):
            raise Unreadable(f"value has shape {a.shape}, expected {np.shape(case['z'])}")
        return {"value": a}
    n = case["X"].shape[1]
    try:
        if conv == "dlai":
            grads, cost = out
            if swap:
                grads, cost = cost, grads
            res = {"dw": _vector(grads["dw"], n, "dw", [(n, 1), (n,)]),
                   "db": _scalar(grads["db"], "db"), "cost": _scalar(cost, "cost")}
            return res
        if target == "cost":
            return {"cost": _scalar(out, "cost")}
        if conv == "theta":
            J, grad = out
            if swap:
                J, grad = grad, J
            g = _vector(grad, n + 1, "grad", [(n + 1,), (n + 1, 1)])
            res = {"cost": _scalar(J, "J"), "dw": g[1:], "db": float(g[0])}
            return res if target == "cost-and-gradient" else {"cost": res["cost"]}
        first, second = out
        if (conv == "mls") != swap:
            db, dw = first, second
        else:
            dw, db = first, second
        return {"dw": _vector(dw, n, "dj_dw", [(n,)]), "db": _scalar(db, "dj_db")}
    except Unreadable:
        raise
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise Unreadable(f"{type(exc).__name__}: {exc}") from exc


def evaluate(fn, fname, target, conv, case, lam, swap=False):
    """Returns (status, components or message, mutated). status: ok | raised | unreadable."""
    try:
        out, mutated = call_raw(fn, fname, target, conv, case, lam)
    except Exception as exc:  # noqa: BLE001 - the candidate's own exception
        return "raised", f"{type(exc).__name__}: {str(exc)[:60]}", False
    try:
        return "ok", read(out, target, conv, case, swap), mutated
    except Unreadable as exc:
        return "unreadable", str(exc), mutated


# ------------------------------------------------------------------ comparison


def compare(got, exp, target, case, lam):
    """Largest relative error over the components, and whether all are within the envelope."""
    worst, within = 0.0, True
    for comp, e in exp.items():
        a = np.asarray(got[comp], dtype=float)
        e = np.asarray(e, dtype=float)
        env = envelope(target, case, lam, comp, e)
        with np.errstate(all="ignore"):
            same_inf = np.isinf(e) & (a == e)
            err = np.where(same_inf, 0.0, np.abs(a - e))
            err = np.where(np.isnan(err), np.inf, err)
            rel = np.where(err == 0, 0.0, err / np.where(e != 0, np.abs(e), TINY))
        worst = max(worst, float(np.max(rel)))
        within &= bool(np.all(err <= env + 1e-12 * np.where(np.isfinite(e), np.abs(e), 0)))
    return worst, within


def tail_error(got, exp, target, case, lam):
    """Error of a tail result in units of the envelope (inf for inf/nan where the truth is finite)."""
    worst = 0.0
    for comp, e in exp.items():
        a = np.asarray(got[comp], dtype=float)
        e = np.asarray(e, dtype=float)
        env = envelope(target, case, lam, comp, e)
        with np.errstate(all="ignore"):
            same_inf = np.isinf(e) & (a == e)
            err = np.where(same_inf, 0.0, np.abs(a - e))
            err = np.where(np.isnan(err), np.inf, err)
        worst = max(worst, float(np.max(err / env)))
    return worst


# ------------------------------------------------------------------ mistake models (ordinary inputs)


def model(mistake, target, case, lam, exp):
    """Predicted output components for the labelled mistake, or None when there is no simple model."""
    if target in POINTWISE:
        z, y = np.asarray(case["z"], float), np.asarray(case["y"], float)
        v = exp["value"]
        if mistake == "sign-flipped":
            return [{"value": -v}]
        if mistake == "sigmoid-formula" and target == "sigmoid":
            return [{"value": _f(ref.sigmoid(-z))}]
        if mistake == "loss-term-missing" and target == "loss":
            f = f_of(z)
            return [{"value": -y * np.log(f)}, {"value": -(1 - y) * np.log1p(-f)}]
        if mistake == "constant-output":
            return [{"value": np.full(np.shape(z), 0.5)}, {"value": np.zeros(np.shape(z))}]
        return None
    X, y, w, b = case["X"], np.asarray(case["y"], float), case["w"], case["b"]
    m, n = X.shape
    wants = set(exp)

    def oracle(X=X, y=y, w=w, b=b, lam=lam):
        return exact(target, {"X": X, "y": y, "w": w, "b": b}, lam)

    def scaled(k):
        return [{c: v * k for c, v in exp.items()}]

    if mistake == "sign-flipped":
        return scaled(-1.0)
    if mistake == "not-averaged":
        return scaled(float(m))
    if mistake == "missing-bias":
        return [oracle(b=0.0)]
    if mistake == "sigmoid-formula":
        p = oracle(w=-w, b=-b)
        if lam:
            return None
        return [p]
    if mistake == "labels-swapped":
        return [oracle(y=1 - y)]
    if mistake == "regularization-missing":
        return [oracle(lam=0.0)]
    if mistake in ("regularization-scale", "regularization-sign"):
        e0 = oracle(lam=0.0)
        ks = [2, 0.5, m, 2 * m, 1 / m, m / n, 1 / n] if mistake == "regularization-scale" else [-1]
        return [{c: e0[c] + k * (exp[c] - e0[c]) for c in wants} for k in ks]
    if mistake == "bias-regularized":
        p = dict(exp)
        if "cost" in p:
            p["cost"] = exp["cost"] + lam / (2 * m) * b * b
        if "db" in p:
            p["db"] = exp["db"] + lam / m * b
        return [p]
    if mistake == "missing-sigmoid":
        g = ref.linear_gradient(X, y, w, b, lam)
        p = dict(exp)
        if "dw" in p:
            p["dw"], p["db"] = _f(g.w), float(g.b)
        if "cost" in p and target == "cost":
            p["cost"] = float(ref.linear_cost(X, y, w, b, lam))
        return [p]
    if mistake == "squared-error-gradient":
        g = ref.squared_error_gradient(X, y, w, b, lam)
        out = []
        for k in (1.0, 2.0):
            p = dict(exp)
            p["dw"], p["db"] = k * _f(g.w), k * float(g.b)
            out.append(p)
        return out
    if mistake == "squared-error-cost":
        c = float(ref.squared_error_cost(X, y, w, b, lam))
        return [dict(exp, cost=c), dict(exp, cost=2 * c)]
    if mistake == "log-base":
        e0 = float(ref.cost(X, y, w, b, 0.0))
        pen = exp["cost"] - e0
        return [dict(exp, cost=e0 / LN2 + pen), dict(exp, cost=e0 / LN10 + pen)]
    if mistake == "chain-rule-denominator":
        z = X @ w + b
        r = (_sig(z) - y) * (np.exp(z) + 2 + np.exp(-z))
        p = dict(exp)
        p["dw"] = X.T @ r / m + lam / m * w
        p["db"] = float(np.sum(r) / m)
        return [p]
    if mistake == "off-by-one":
        out = []
        for j in (0, n - 1):
            p = dict(exp)
            p["dw"] = exp["dw"].copy()
            p["dw"][j] = 0.0
            out.append(p)
        return out
    if mistake == "loss-term-missing" and target == "cost":
        z = X @ w + b
        return [dict(exp, cost=float(np.mean(y * _softplus(-z)))),
                dict(exp, cost=float(np.mean((1 - y) * _softplus(z))))]
    if mistake == "constant-output":
        return [{c: np.zeros_like(np.asarray(v, float)) for c, v in exp.items()}]
    return None


def model_matches(got, preds, exp):
    """Every component equals the prediction or the truth (1e-9 relative), some the prediction only."""
    for p in preds:
        ok, some = True, False
        for c, e in exp.items():
            a = np.atleast_1d(np.asarray(got[c], float))
            pv = np.atleast_1d(np.asarray(p[c], float))
            ev = np.atleast_1d(np.asarray(e, float))
            for ai, pi, ei in zip(a, pv, ev):
                near_p = abs(ai - pi) <= 1e-9 * max(abs(pi), 1e-300)
                near_e = abs(ai - ei) <= 1e-9 * max(abs(ei), 1e-300)
                ok &= near_p or near_e
                some |= near_p and not near_e
        if ok and some:
            return True
    return False


def ratios(got, exp):
    out = []
    for c, e in exp.items():
        a = np.atleast_1d(np.asarray(got[c], float))
        ev = np.atleast_1d(np.asarray(e, float))
        out += [x / y for x, y in zip(a, ev) if y != 0]
    return out


# ------------------------------------------------------------------ per-entry checks


def ordinary_cases(target, seed, extra_odd=False):
    rng = np.random.default_rng(seed)
    if target in POINTWISE:
        cases = [pointwise_case(rng) for _ in range(4)]
        if extra_odd:
            cases += [pointwise_case(rng, int_labels=True), pointwise_case(rng, scalar=True),
                      pointwise_case(rng, k=1)]
        return cases
    shapes = [(40, 3), (40, 1), (7, 2), (13, 3), (25, 2)]
    cases = [problem_case(rng, m, n) for m, n in shapes]
    if extra_odd:
        cases += [problem_case(rng, 1, 1), problem_case(rng, 1, 3), problem_case(rng, 9, 1, True),
                  problem_case(rng, 40, 3, True)]
    return cases


def check_ordinary(fn, fname, target, conv, lam, cases):
    """Returns a list of per-case records."""
    recs = []
    for case in cases:
        exp = exact(target, case, lam)
        status, got, mutated = evaluate(fn, fname, target, conv, case, lam)
        rec = {"case": case, "exp": exp, "status": status, "got": got, "mutated": mutated}
        if status == "ok":
            rec["rel"], rec["within"] = compare(got, exp, target, case, lam)
        recs.append(rec)
    return recs


def shape_str(case):
    if "X" in case:
        return f"m={case['X'].shape[0]},n={case['X'].shape[1]}"
    return f"k={np.size(case['z'])}"


def confirm_wrong(entry, fn, fname, target):
    conv, lam, mistake = entry["convention"], entry["lam"], entry["mistake"]
    cases = ordinary_cases(target, 11)
    recs = check_ordinary(fn, fname, target, conv, lam, cases)
    statuses = Counter(r["status"] for r in recs)
    oks = [r for r in recs if r["status"] == "ok"]
    max_rel = max((r["rel"] for r in oks), default=float("nan"))
    thresh = 1e-9 if mistake == "reduced-precision" else 1e-6
    differs = [r for r in oks if r["rel"] > thresh]
    ev = ""
    if mistake == "raises":
        ok = statuses["raised"] == len(recs)
        ev = recs[0]["got"] if recs[0]["status"] == "raised" else ""
    elif mistake == "wrong-shape":
        bad = [r for r in recs if r["status"] in ("unreadable", "raised")]
        ok = bool(bad) or bool(differs)
        ev = bad[0]["got"] if bad else f"shape ok, value differs (max rel {max_rel:.3g})"
    elif mistake == "mutates-input":
        ok = all(r["mutated"] for r in recs) and all(r["status"] == "ok" and r["within"] for r in recs)
        ev = "inputs modified, values right" if ok else "?"
    elif mistake == "nondeterministic":
        n_diff = 0
        for case in cases:
            s1, g1, _ = evaluate(fn, fname, target, conv, case, lam)
            s2, g2, _ = evaluate(fn, fname, target, conv, case, lam)
            if s1 == s2 == "ok" and any(not np.array_equal(g1[c], g2[c]) for c in g1):
                n_diff += 1
        ok = n_diff > 0
        ev = f"two identical calls differ on {n_diff}/{len(cases)} cases"
    elif mistake == "outputs-swapped":
        sw = [evaluate(fn, fname, target, conv, c, lam, swap=True) for c in cases]
        sw_ok = all(s == "ok" and compare(g, exact(target, c, lam), target, c, lam)[1]
                    for (s, g, _), c in zip(sw, cases))
        normal_bad = all(r["status"] != "ok" or not r["within"] for r in recs)
        ok = sw_ok and normal_bad
        ev = "swapped reading right, normal reading " + ("unreadable" if statuses["unreadable"] else "wrong")
    elif mistake == "order-dependent":
        n_dep = 0
        rng = np.random.default_rng(5)
        for r in oks:
            c = r["case"]
            perm = rng.permutation(c["X"].shape[0])
            c2 = dict(c, X=c["X"][perm], y=c["y"][perm])
            s2, g2, _ = evaluate(fn, fname, target, conv, c2, lam)
            if s2 == "ok" and max(ratios_diff(r["got"], g2)) > 1e-9:
                n_dep += 1
        ok = bool(differs) and n_dep > 0
        ev = f"wrong (max rel {max_rel:.3g}); permuting rows changes it on {n_dep}/{len(oks)} cases"
    elif mistake == "constant-output":
        vals = [r["got"] for r in oks]
        same = all(np.array_equal(np.asarray(vals[0][c], float).ravel()[:1],
                                  np.asarray(v[c], float).ravel()[:1]) for v in vals for c in v)
        ok = bool(differs) and same and statuses["ok"] == len(recs)
        ev = f"same output on all {len(vals)} cases: {same}"
    else:
        ok = bool(differs) and statuses["ok"] == len(recs) and len(differs) >= len(oks) - 1
        ev = f"max rel {max_rel:.3g} ({len(differs)}/{len(recs)} cases differ)"
        preds_ok = []
        for r in oks:
            p = model(mistake, target, r["case"], lam, r["exp"])
            if p is not None:
                preds_ok.append(model_matches(r["got"], p, r["exp"]))
        if preds_ok:
            ev += "; model " + ("reproduced" if all(preds_ok) else f"NOT reproduced {preds_ok}")
            ok &= all(preds_ok)
        if mistake in ("scaled", "wrong-divisor"):
            parts = []
            for r in oks[:3]:
                rs = sorted({round(x, 6) for x in ratios(r["got"], r["exp"]) if abs(x - 1) > 1e-9})
                parts.append(f"{shape_str(r['case'])}: x{rs}")
            ev += "; ratios " + ", ".join(parts)
        if mistake == "reduced-precision":
            ok &= max_rel < 1e-2
    return ok, ev


def ratios_diff(g1, g2):
    out = []
    for c in g1:
        a, b = np.atleast_1d(np.asarray(g1[c], float)), np.atleast_1d(np.asarray(g2[c], float))
        out += [abs(x - y) / max(abs(y), 1e-300) for x, y in zip(a, b)]
    return out


def check_right_ordinary(fn, fname, target, conv, lam, odd):
    cases = ordinary_cases(target, 23, extra_odd=odd)
    recs = check_ordinary(fn, fname, target, conv, lam, cases)
    bad = [r for r in recs if r["status"] != "ok" or not r["within"] or r["mutated"]]
    max_rel = max((r["rel"] for r in recs if r["status"] == "ok"), default=float("nan"))
    msg = f"ordinary max rel {max_rel:.2g}"
    if bad:
        r = bad[0]
        msg += f"; FAILS on {shape_str(r['case'])}: {r['status']} {r['got'] if r['status'] != 'ok' else ''}"
    return not bad, msg


def run_ladder(fn, fname, target, conv, lam):
    """Per ladder point: (z, labels, outcome) with outcome 'ok' or a failure description."""
    cases = ladder_pointwise_cases() if target in POINTWISE else ladder_problem_cases()
    rows = []
    for case, z in cases:
        exp = exact(target, case, lam)
        status, got, _ = evaluate(fn, fname, target, conv, case, lam)
        labels = tuple(int(v) for v in np.ravel(case["y"]))
        if status != "ok":
            rows.append((z, labels, status, got, None, exp))
            continue
        t = tail_error(got, exp, target, case, lam)
        finite = all(np.all(np.isfinite(np.asarray(v, float))) for v in got.values())
        rows.append((z, labels, "ok" if t <= 1 else ("error" if finite else "nonfinite"), t, got, exp))
    return rows


def classify_tail(rows, target):
    """Summarize the failures on the ladder and guess which numeric cause they show."""
    fails = [r for r in rows if r[2] != "ok"]
    if not fails:
        return "none", "no failure on the ladder"
    absz = sorted({abs(r[0]) for r in fails})
    first = absz[0]
    kinds = Counter(r[2] for r in fails)
    raised = [r for r in fails if r[2] == "raised"]
    nonfinite = [r for r in fails if r[2] == "nonfinite"]
    finite = [r for r in fails if r[2] == "error"]
    nf_z = sorted({abs(r[0]) for r in raised + nonfinite})
    zero_vs_tiny = any(_exact_zero(r) for r in finite)
    inexact = [r for r in finite if not _exact_zero(r) and not _exact_one(r)]
    pinned = _pinned(rows)
    desc = (f"first failing |z| = {first}; {dict(kinds)}; "
            f"inf/nan/raise at |z| in {nf_z[:1] + nf_z[-1:] if nf_z else []}"
            f"{'; exact 0 where truth tiny' if zero_vs_tiny else ''}"
            f"{'; pinned: ' + pinned if pinned else ''}")
    if raised and not finite and not nonfinite:
        desc += f"; e.g. {raised[0][3]}"
    guesses = []
    if nf_z and min(nf_z) >= 354 and not finite:
        guesses.append("overflow")
    if nf_z and any(36.7 < v < 354 for v in nf_z):
        guesses.append("log-of-zero")
    if pinned:
        guesses.append("clipping")
    if finite and not inexact and not nf_z and target in POINTWISE:
        guesses.append("cutoff")
    if inexact and not nf_z and zero_vs_tiny:
        guesses.append("cancellation")
    return guesses, desc


def _pinned(rows):
    """A label pattern whose result stays the same at 3+ consecutive failing ladder points."""
    by = {}
    for z, labels, st, t, got, exp in rows:
        if got is None:
            continue
        by.setdefault((labels, z > 0), []).append((abs(z), st, got, exp))
    for (labels, pos), pts in by.items():
        pts.sort(key=lambda p: p[0])
        run = 0
        prev = None
        for az, st, got, exp in pts:
            val = tuple(float(np.ravel(np.asarray(got[c], float))[0]) for c in sorted(got))
            truth = tuple(float(np.ravel(np.asarray(exp[c], float))[0]) for c in sorted(exp))
            if (st != "ok" and prev is not None and val == prev[0] and truth != prev[1]
                    and all(math.isfinite(v) and v != 0 for v in val)):
                run += 1
                if run >= 2:
                    return f"labels {labels}, {'+' if pos else '-'}z, value {val[0]:.6g}"
            else:
                run = 0
            prev = (val, truth)
    return ""


def _exact_zero(r):
    """The result is exactly 0 where the truth is not (per component that fails)."""
    got, exp = r[4], r[5]
    return any(np.all(np.asarray(got[c], float) == 0) and np.all(np.asarray(exp[c], float) != 0)
               for c in exp)


def _exact_one(r):
    got, exp = r[4], r[5]
    return any(np.all(np.asarray(got[c], float) == 1) and np.all(np.asarray(exp[c], float) != 1)
               for c in exp)


# ------------------------------------------------------------------ main


def main():
    entries = tomllib.loads((HERE / "manifest.toml").read_text())["entry"]
    table, all_ok = [], True
    for entry in entries:
        mod = load(HERE / entry["file"])
        kind, mistake, lam, conv = entry["kind"], entry["mistake"], entry["lam"], entry["convention"]
        for fname, target in zip(entry["functions"], entry["targets"]):
            fn = getattr(mod, fname)
            broken = fname in entry["broken"]
            if kind == "wrong" and broken:
                ok, ev = confirm_wrong(entry, fn, fname, target)
                verdict = mistake
            elif kind == "fragile" and broken:
                ok1, ev1 = check_right_ordinary(fn, fname, target, conv, lam, odd=True)
                rows = run_ladder(fn, fname, target, conv, lam)
                guesses, ev2 = classify_tail(rows, target)
                ok = ok1 and guesses != "none" and mistake in guesses
                ev = f"{ev1}; tails: {ev2}; looks like {guesses}"
                verdict = mistake
            else:
                ok1, ev1 = check_right_ordinary(fn, fname, target, conv, lam, odd=(kind == "correct"))
                ok, ev = ok1, ev1
                if kind == "correct":
                    rows = run_ladder(fn, fname, target, conv, lam)
                    fails = [r for r in rows if r[2] != "ok"]
                    ok &= not fails
                    ev += "; ladder: " + ("all within the envelope" if not fails else
                                          f"{len(fails)} FAIL, e.g. z={fails[0][0]} {fails[0][2]}")
                verdict = "right"
            all_ok &= ok
            table.append((entry["file"], fname, target, kind, verdict, "OK" if ok else "FAIL", ev))

    w1 = max(len(r[0]) for r in table)
    w2 = max(len(r[1]) for r in table)
    w4 = max(len(r[4]) for r in table)
    print(f"{'file':{w1}}  {'function':{w2}}  {'kind':7}  {'label':{w4}}  result")
    for f, fn, target, kind, verdict, res, ev in table:
        line = f"{f:{w1}}  {fn:{w2}}  {kind:7}  {verdict:{w4}}  {res}"
        if VERBOSE or res != "OK":
            line += f"  | {target}: {ev}"
        print(line)
    n_fail = sum(r[5] != "OK" for r in table)
    kinds = Counter(e["kind"] for e in entries)
    print(f"\n{len(entries)} entries ({dict(kinds)}), {len(table)} functions checked, "
          f"{len(table) - n_fail} confirmed, {n_fail} not confirmed")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
