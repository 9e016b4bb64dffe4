"""``verifier demo``: the oracle at work on a bundled example.

Computes the cost and gradient of the bundled data set exactly, the same with the textbook float64
formulas, and the error of those in ulps; then scales (w, b) into the tails and shows where the
textbook formulas overflow or return inf / NaN while the exact values stay finite.
"""

from __future__ import annotations

import json
import math
import warnings
from importlib import resources
from typing import TextIO

import numpy as np

import reference


def load_problem() -> dict:
    """The bundled example problem (X, y, w, b and the tail scales)."""
    text = resources.files("verifier").joinpath("data/demo_problem.json").read_text()
    return json.loads(text)


def naive_cost_gradient(X, y, w, b):
    """The textbook float64 formulas, as a student writes them."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        z = X @ w + b
        f = 1.0 / (1.0 + np.exp(-z))
        cost = float(np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f)))
        r = f - y
        return cost, X.T @ r / len(y), float(np.mean(r))


def _row(name: str, naive: float, exact) -> str:
    ulps = reference.ulp_distance(naive, exact, "float64")
    bits = reference.bits_of_error(ulps)
    exact_s = reference.round_to_format(exact, "float64")
    flag = "" if math.isfinite(naive) else "   <- not finite"
    return f"  {name:<10} exact {float(exact_s): .17g}   float64 {naive: .17g}   {ulps:10.3g} ulps ({bits:4.1f} bits){flag}"


def run_demo(out: TextIO) -> int:
    p = load_problem()
    X = np.asarray(p["X"], dtype=np.float64)
    y = np.asarray(p["y"], dtype=np.float64)
    w0 = np.asarray(p["w"], dtype=np.float64)
    b0 = float(p["b"])
    t = reference.thresholds("float64")
    print("The exact oracle on the bundled example (logistic regression, m = %d, n = %d)" % X.shape, file=out)
    print(p["description"], file=out)
    print(
        f"float64 thresholds (computed by the oracle): sigma rounds to 1 from z = {t.sigmoid_rounds_to_one:.6g}, "
        f"exp overflows from z = {t.exp_overflow:.6g}, sigma is subnormal below z = {t.sigmoid_subnormal:.6g} "
        f"and rounds to 0 below z = {t.sigmoid_zero:.6g}",
        file=out,
    )
    for scale in p["scales"]:
        w, b = w0 * scale, b0 * scale
        z = X @ w + b
        print(f"\nw = {w.tolist()}, b = {b}: z from {z.min():g} to {z.max():g}", file=out)
        cost, gw, gb = naive_cost_gradient(X, y, w, b)
        J = reference.cost(X, y, w, b)
        g = reference.gradient(X, y, w, b)
        print(_row("cost", cost, J), file=out)
        for j, (naive, exact) in enumerate(zip(gw, g.w)):
            print(_row(f"dJ/dw[{j}]", float(naive), exact), file=out)
        print(_row("dJ/db", gb, g.b), file=out)
    print(
        "\nThe textbook cost -y log(f) - (1 - y) log(1 - f) returns inf once sigma(z) rounds to 1 (log of 0),"
        "\nand NaN where exp overflows; the exact values stay finite.  `verifier check` finds such inputs on its own.",
        file=out,
    )
    return 0
