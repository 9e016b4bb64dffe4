"""The longest single check under the `thorough` profile (prints figures; not a test).

Runs `verifier check` under `thorough` on correct, fragile and wrong functions of each target from
tests/corpus under several seeds, timing each check (bank cases, exploration with target steering,
and shrinking after a failure) from the progress messages.  Target: no single check over 10 s.
The bank is built before the checks start and is timed apart.

    python benchmarks/thorough.py [--seeds 3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's verifier, not an installed copy

CORPUS = ROOT / "tests" / "corpus"
FUNCTIONS = (  # (file::function, target): correct, fragile and wrong, for each target
    ("correct_expit.py::sigmoid", "sigmoid"),
    ("fragile_exp_ratio_sigmoid.py::sigmoid", "sigmoid"),
    ("correct_expit.py::compute_cost_logistic", "cost"),
    ("fragile_naive_log_cost.py::compute_cost_logistic", "cost"),
    ("correct_expit.py::compute_gradient_logistic", "gradient"),
    ("fragile_exp_ratio_gradient.py::compute_gradient_logistic", "gradient"),
    ("wrong_chunk_remainder_gradient.py::compute_gradient_logistic", "gradient"),
)


def timed(spec: tuple[str, str], seed: int) -> tuple[str, int, float, list[tuple[str, float]], float]:
    import verifier

    name, target = spec
    starts: dict[str, float] = {}
    times: list[tuple[str, float]] = []
    first: list[float] = []

    def progress(text: str) -> None:
        now = time.perf_counter()
        first.append(now)
        head, _, rest = text.partition("] ")
        cid = rest.split(":")[0]
        if ":" in rest:
            times.append((cid, now - starts.get(cid, now)))
        else:
            starts[cid] = now

    start = time.perf_counter()
    r = verifier.check(str(CORPUS / name), target=target, profile="thorough", seed=seed, progress=progress)
    bank = (first[0] - start) if first else 0.0
    return name, seed, r.elapsed, times, bank


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    work = [(f, s) for s in range(args.seeds) for f in FUNCTIONS if (CORPUS / f[0].split("::")[0]).exists()]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(timed, [f for f, _ in work], [s for _, s in work]))
    every = []
    for name, seed, total, times, bank in rows:
        worst = max(times, key=lambda t: t[1]) if times else ("-", 0.0)
        every += [t for _, t in times]
        print(
            f"{name} seed {seed}: run {total:5.1f} s (bank and loading {bank:4.1f} s), "
            f"longest check {worst[0]} {worst[1]:.1f} s"
        )
    print(
        f"checks timed: {len(every)}; median {statistics.median(every):.2f} s, longest {max(every):.1f} s "
        f"(target: none over 10 s)"
    )
    return 0 if max(every) <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
