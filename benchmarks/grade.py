"""Speed of `verifier grade` (prints figures; not a test).

Grades a class of N submissions (default 50, made by cycling through the example class in
examples/submissions: correct, wrong and fragile .py and .ipynb files) on three tasks (sigmoid,
compute_cost_logistic, compute_gradient_logistic, every check) under the `default` profile, once
with --jobs 1 and once with --jobs 2, and prints seconds per submission and the speed-up.

Targets (2-core machine): at most 15 s per submission with one job; a speed-up of at least 1.7 with
two.  The machine's load is printed before and after, and a CPU-bound control measures how much
parallelism the machine offers at the moment: figures from a busy machine are pessimistic.
Usage: python benchmarks/grade.py [--submissions N] [--profile P] [--jobs 1,2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verifier.grading.assignment import parse_assignment  # noqa: E402
from verifier.grading.batch import grade_many  # noqa: E402
from verifier.grading.discovery import discover  # noqa: E402

EXAMPLES = ROOT / "examples" / "submissions"


def make_class(folder: Path, n: int) -> None:
    sources = sorted(p for p in EXAMPLES.iterdir() if not p.name.startswith("."))
    for i in range(n):
        src = sources[i % len(sources)]
        dst = folder / f"student{i:03d}_{src.stem}{src.suffix}"
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy(src, dst)


def assignment(profile: str):
    tasks = [
        {"name": "sigmoid", "function": "sigmoid", "target": "sigmoid", "points": 10},
        {"name": "cost", "function": "compute_cost_logistic", "target": "cost", "points": 20},
        {"name": "gradient", "function": "compute_gradient_logistic", "target": "gradient", "points": 20},
    ]
    head = {"name": "benchmark", "profile": profile, "seed": 2024, "call_timeout": 5.0}
    return parse_assignment({"assignment": head, "task": tasks}, "benchmark")


def _spin(_: int) -> float:
    start = time.perf_counter()
    x = 0
    for i in range(10_000_000):
        x += i
    return time.perf_counter() - start


def parallel_capacity() -> float:
    """How much faster two CPU-bound processes finish four units of work than one process does, on
    this machine now: 2.0 on an idle 2-core machine, about 1.0 when other work takes a core."""
    import multiprocessing

    walls = {}
    for n in (1, 2):
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(n) as pool:
            pool.map(_spin, range(4))
        walls[n] = time.perf_counter() - start
    return walls[1] / walls[2]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=50)
    ap.add_argument("--profile", default="default")
    ap.add_argument("--jobs", default="1,2", help="comma-separated job counts (default 1,2)")
    args = ap.parse_args(argv)
    jobs = [int(j) for j in args.jobs.split(",")]
    a = assignment(args.profile)
    print(
        f"{args.submissions} submissions x {len(a.tasks)} tasks, profile {a.profile}, "
        f"{os.cpu_count()} CPUs; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    times = {}
    with tempfile.TemporaryDirectory(prefix="verifier-bench-") as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        make_class(subs, args.submissions)
        for j in jobs:
            start = time.perf_counter()
            cpu0 = os.times()
            # no integrity alarm: a benchmark in a working checkout may see its files edited meanwhile
            run = grade_many(discover(subs), a, Path(tmp) / f"out{j}", jobs=j, progress=None, check_integrity=False)
            wall = time.perf_counter() - start
            cpu1 = os.times()
            cpu = (cpu1.children_user + cpu1.children_system) - (cpu0.children_user + cpu0.children_system)
            times[j] = wall
            mean = sum(g.score for g in run.grades) / len(run.grades)
            print(
                f"--jobs {j}: {wall:7.1f} s wall, {wall / len(run.grades):5.2f} s per submission, "
                f"{cpu / len(run.grades):5.2f} CPU s per submission, mean score {mean:.2f}; "
                f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
            )
    if 1 in times:
        for j in jobs:
            if j != 1:
                print(f"speed-up with --jobs {j}: {times[1] / times[j]:.2f}x")
    print(
        f"control: two CPU-bound processes run {parallel_capacity():.2f}x faster than one on this machine now "
        "(2.0 when two cores are free; a speed-up can be no larger)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
