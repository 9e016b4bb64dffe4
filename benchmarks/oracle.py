"""Timing of reference.gradient against a naive per-element mpmath loop and numpy float64.

Run: python benchmarks/oracle.py [--python PATH ...] [--rounds N]     (prints figures; not a test)

Each size is timed in rounds (oracle, then naive loop); the speed-up printed is the median of the
per-round ratios, the times are medians too, so that a noisy shared machine moves them less.

The naive loop's speed depends on the mpmath version (1.3, which a torch install brings, is slower
than 1.4), so the same measurement can run in other interpreters, side by side: ``--python PATH``
(repeatable), and /tmp/venv-mpmath13/bin/python when it exists.  Make one with
    python3 -m venv /tmp/venv-mpmath13 && /tmp/venv-mpmath13/bin/pip install "mpmath==1.3.0" gmpy2 numpy
Every interpreter imports the oracle from this checkout (not from an installed copy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's reference/, ahead of any installed copy

import mpmath  # noqa: E402
import numpy as np  # noqa: E402

import reference  # noqa: E402
from reference.precision import DEFAULT_PREC, GUARD_BITS  # noqa: E402

WP = DEFAULT_PREC + GUARD_BITS  # the oracle's working precision: the naive loop gets the same
SIZES = ((64, 8, 7), (1000, 20, 7), (100000, 10, 3))  # (m, n, rounds)
NAIVE_ROWS = 1000  # the naive loop is timed on at most this many rows and extrapolated
SECOND_VENV = Path("/tmp/venv-mpmath13/bin/python")


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


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def as_float64(gw, gb):
    return [float(reference.round_to_format(v)) for v in gw] + [float(reference.round_to_format(gb))]


def measure(rounds_scale: float = 1.0) -> dict:
    """Figures of this interpreter: per size, median times, median ratio, identical after rounding."""
    rng = np.random.default_rng(20240601)
    rows = []
    for m, n, rounds in SIZES:
        rounds = max(1, round(rounds * rounds_scale))
        X = rng.standard_normal((m, n))
        y = (rng.random(m) < 0.5).astype(np.float64)
        w = rng.standard_normal(n)
        b = 0.25
        k = min(m, NAIVE_ROWS)
        Xs, ys = X[:k], y[:k]
        reference.gradient(X[:8], y[:8], w, b)  # warm up imports and caches
        t_oracle, t_naive, ratios = [], [], []
        g = naive = None
        for _ in range(rounds):
            to, g = timed(lambda X=X, y=y, w=w, b=b: reference.gradient(X, y, w, b))
            tn, naive = timed(lambda Xs=Xs, ys=ys, w=w, b=b: naive_gradient(Xs, ys, w, b))
            tn *= m / k
            t_oracle.append(to)
            t_naive.append(tn)
            ratios.append(tn / to)
        t_np = statistics.median(timed(lambda X=X, y=y, w=w, b=b: numpy_gradient(X, y, w, b))[0] for _ in range(5))
        g_check = g if k == m else reference.gradient(Xs, ys, w, b)
        rows.append(
            {
                "m": m,
                "n": n,
                "rounds": rounds,
                "oracle_s": statistics.median(t_oracle),
                "naive_s": statistics.median(t_naive),
                "numpy_s": t_np,
                "ratio": statistics.median(ratios),
                "ratio_min": min(ratios),
                "ratio_max": max(ratios),
                "identical": as_float64(g_check.w, g_check.b) == as_float64(*naive),
                "extrapolated": m // k if k < m else 1,
            }
        )
    return {"python": sys.executable, "mpmath": mpmath.__version__, "backend": mpmath.libmp.BACKEND, "rows": rows}


def measure_in(python: str, rounds_scale: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [python, str(Path(__file__).resolve()), "--json", "--rounds-scale", str(rounds_scale)],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(ROOT),
        timeout=1800,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{python} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(results: list[dict]) -> None:
    print(
        f"reference.gradient vs naive mpmath loop at {WP} bits (speed-up: median of per-round ratios; times: medians)"
    )
    for r in results:
        print(f"  [{r['mpmath']}] mpmath {r['mpmath']} ({r['backend']} backend), {r['python']}")
    head = f"{'(m, n)':>14} {'numpy':>9}"
    for r in results:
        v = r["mpmath"]
        head += f" | {'oracle':>9} {'naive':>10} {'speed-up [' + v + ']':>20} {'range':>11} {'same':>5}"
    print(head)
    for i, row in enumerate(results[0]["rows"]):
        line = f"{str((row['m'], row['n'])):>14} {row['numpy_s'] * 1e3:>7.3f}ms"
        for r in results:
            x = r["rows"][i]
            span = f"{x['ratio_min']:.1f}-{x['ratio_max']:.1f}"
            line += (
                f" | {x['oracle_s'] * 1e3:>7.1f}ms {x['naive_s'] * 1e3:>8.1f}ms {x['ratio']:>19.1f}x "
                f"{span:>11} {str(x['identical']):>5}"
            )
        if row["extrapolated"] > 1:
            line += f"  (naive timed on {NAIVE_ROWS} rows, x{row['extrapolated']})"
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", action="append", default=[], help="another interpreter to measure in (repeatable)")
    ap.add_argument("--no-auto", action="store_true", help=f"do not add {SECOND_VENV} when it exists")
    ap.add_argument("--rounds-scale", type=float, default=1.0, help="multiply the number of rounds per size")
    ap.add_argument("--json", action="store_true", help="print this interpreter's figures as JSON (used internally)")
    args = ap.parse_args()
    if args.json:
        print(json.dumps(measure(args.rounds_scale)))
        return
    others = list(args.python)
    this_env = Path(sys.prefix).resolve()
    if not args.no_auto and SECOND_VENV.exists() and SECOND_VENV.parent.parent.resolve() != this_env:
        if str(SECOND_VENV) not in others:
            others.append(str(SECOND_VENV))
    results = [measure(args.rounds_scale)] + [measure_in(p, args.rounds_scale) for p in others]
    report(results)


if __name__ == "__main__":
    main()
