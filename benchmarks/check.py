"""Speed of `verifier check` (prints figures; not a test).

1. For each target, one run under the `default` profile on a correct implementation: wall time,
   examples per second, and the share of time spent in Hypothesis (generation and shrinking), the
   oracle and judging, and candidate calls (worker round trips).
2. For the wrong corpus entries (manifest), the time from the start of the run to the first failing
   example: median and worst.

Targets (2-core machine): one target's default profile in at most 10 s; first counterexample for a
wrong gradient in at most 2 s (median).  Usage: python benchmarks/check.py [--quick]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import verifier  # noqa: E402
from verifier.engine.config import Perf  # noqa: E402

PERF = Perf()  # filled by each run (verifier.check(..., perf=PERF))

CORPUS = ROOT / "tests" / "corpus"
SUBJECTS = {
    "sigmoid": ("correct_stable_branch.py", "mls"),
    "sigmoid-derivative": ("correct_sigmoid_derivative.py", "mls"),
    "loss": ("correct_loss_functions.py", "mls"),
    "loss-from-logit": ("correct_loss_functions.py", "mls"),
    "loss-derivative": ("correct_loss_functions.py", "mls"),
    "cost": ("correct_stable_branch.py", "mls"),
    "gradient": ("correct_stable_branch.py", "mls"),
    "cost-and-gradient": ("correct_theta.py", "theta"),
    "hessian": ("correct_hessian.py", "mls"),
    "linear-cost": ("correct_linear.py", "mls"),
    "linear-gradient": ("correct_linear.py", "mls"),
}


def per_target(profile: str) -> None:
    print(f"verifier check per target, profile {profile} (one run each, seed 1)")
    print(
        f"{'target':<20}{'verdict':>8}{'wall s':>9}{'examples':>10}{'ex/s':>8}"
        f"{'hypothesis':>12}{'oracle':>9}{'calls':>8}"
    )
    walls = []
    for target, (file, convention) in SUBJECTS.items():
        PERF.reset()
        start = time.perf_counter()
        result = verifier.check(
            str(CORPUS / file), target=target, convention=convention, profile=profile, seed=1, perf=PERF
        )
        wall = time.perf_counter() - start
        walls.append(wall)
        rest = max(PERF.checks - PERF.calls - PERF.oracle, 0.0)
        share = lambda x: f"{100 * x / PERF.checks:.0f}%" if PERF.checks else "-"
        print(
            f"{target:<20}{result.verdict:>8}{wall:>9.2f}{PERF.examples:>10}{PERF.examples / wall:>8.0f}"
            f"{share(rest):>12}{share(PERF.oracle):>9}{share(PERF.calls):>8}"
        )
    print(f"median wall time per target: {statistics.median(walls):.2f} s; max {max(walls):.2f} s (target <= 10 s)\n")


def first_counterexample() -> None:
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text())["entry"]
    times: dict[str, list[float]] = {}
    for entry in manifest:
        if entry["kind"] != "wrong":
            continue
        for function, target in zip(entry["functions"], entry["targets"]):
            if function not in entry.get("broken", []):
                continue
            lam = (
                entry.get("lam", 0.0)
                if target not in ("sigmoid", "sigmoid-derivative", "loss", "loss-from-logit", "loss-derivative")
                else 0.0
            )
            PERF.reset()
            start = time.perf_counter()
            verifier.check(
                f"{CORPUS / entry['file']}::{function}",
                target=target,
                convention=entry["convention"],
                lam=lam,
                profile="default",
                seed=1,
                fail_fast=True,
                perf=PERF,
            )
            if PERF.first_failure_at is not None:
                times.setdefault(target, []).append(PERF.first_failure_at - start)
            else:
                times.setdefault(target, []).append(float("nan"))
    print("time from the start of `verifier check` to the first failing example (wrong corpus entries)")
    everything = []
    for target, ts in sorted(times.items()):
        found = [t for t in ts if t == t]
        everything += found
        print(
            f"  {target:<20} n={len(ts):>3}  median {statistics.median(found):.2f} s  max {max(found):.2f} s"
            + ("" if len(found) == len(ts) else f"  ({len(ts) - len(found)} failed only in contract checks)")
        )
    grad = [t for t in times.get("gradient", []) if t == t]
    print(
        f"  all: median {statistics.median(everything):.2f} s; "
        f"gradient median {statistics.median(grad):.2f} s (target <= 2 s)"
    )


if __name__ == "__main__":
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    per_target("quick" if "--quick" in sys.argv else "default")
    first_counterexample()
