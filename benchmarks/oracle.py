"""Timing of reference.gradient against a naive per-element mpmath loop and numpy float64.

Run: python benchmarks/oracle.py     (prints figures; not a test)
"""

from __future__ import annotations

import statistics
import time

import mpmath
import numpy as np

import reference
from reference.precision import DEFAULT_PREC, GUARD_BITS

WP = DEFAULT_PREC + GUARD_BITS  # the oracle's working precision: the naive loop gets the same


def naive_gradient(X, y, w, b):
    """Per-element mpmath: z_i = sum x_ij w_j + b, r_i = sigma(z_i) - y_i, g = X^T r / m."""
    m, n = X.shape
    with mpmath.workprec(WP):
        W = [mpmath.mpf(float(v)) for v in w]
        r = []
        for i in range(m):
            z = mpmath.fsum(mpmath.mpf(float(X[i, j])) * W[j] for j in range(n)) + mpmath.mpf(float(b))
            r.append(1 / (1 + mpmath.exp(-z)) - mpmath.mpf(float(y[i])))
        gw = [mpmath.fsum(r[i] * mpmath.mpf(float(X[i, j])) for i in range(m)) / m for j in range(n)]
        return gw, mpmath.fsum(r) / m


def numpy_gradient(X, y, w, b):
    r = 1 / (1 + np.exp(-(X @ w + b))) - y
    return X.T @ r / len(y), r.mean()


def median_time(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def as_float64(gw, gb):
    return [float(reference.round_to_format(v)) for v in gw] + [float(reference.round_to_format(gb))]


def main() -> None:
    rng = np.random.default_rng(20240601)
    print(f"reference.gradient vs naive mpmath loop at {WP} bits vs numpy float64 (median of repeats)")
    print(f"{'(m, n)':>14} {'oracle':>10} {'naive':>12} {'numpy':>10} {'speed-up':>9}  identical")
    for m, n, repeats in ((64, 8, 7), (1000, 20, 5), (100000, 10, 3)):
        X = rng.standard_normal((m, n))
        y = (rng.random(m) < 0.5).astype(np.float64)
        w = rng.standard_normal(n)
        b = 0.25
        t_oracle, g = median_time(lambda X=X, y=y, w=w, b=b: reference.gradient(X, y, w, b), repeats)
        t_np, _ = median_time(lambda X=X, y=y, w=w, b=b: numpy_gradient(X, y, w, b), repeats)
        rows = min(m, 1000)
        Xs, ys = X[:rows], y[:rows]
        t_naive, naive = median_time(
            lambda Xs=Xs, ys=ys, w=w, b=b: naive_gradient(Xs, ys, w, b), 3 if rows == 1000 else repeats
        )
        note = ""
        if rows < m:
            t_naive *= m / rows
            note = f" (naive timed on {rows} rows, extrapolated x{m // rows})"
            g_check = reference.gradient(Xs, ys, w, b)
        else:
            g_check = g
        same = as_float64(g_check.w, g_check.b) == as_float64(*naive)
        print(
            f"{str((m, n)):>14} {t_oracle * 1e3:>8.1f}ms {t_naive * 1e3:>10.1f}ms {t_np * 1e3:>8.3f}ms "
            f"{t_naive / t_oracle:>8.1f}x  {same}{note}"
        )


if __name__ == "__main__":
    main()
