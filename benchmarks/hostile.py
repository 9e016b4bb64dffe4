"""How the grader contains each hostile submission of tests/hostile/.

    python benchmarks/hostile.py [--call-timeout 0.5] [--jobs 2]

For each submission: the outcome of one call of its ``sigmoid`` in a worker, the time from the call to
that outcome (time to contain: the kill for a hang, the error for a blocked attack), and its score and
first finding when the whole corpus is graded in one batch with two correct submissions.  Prints the
isolation layers that were active and how workers were started (``VERIFIER_ZYGOTE=off`` in the
environment compares with new interpreters).  Everything runs against a copy of the verifier package in a
temporary folder, so that a failure of containment cannot change this checkout.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
# a correct submission of the three mls functions, shared with the corpus
CORRECT = (ROOT / "tests" / "corpus" / "correct_stable_branch.py").read_text()


def _assignment(call_timeout: float) -> str:
    head = (
        f'[assignment]\nname = "hostile class"\nprofile = "quick"\nseed = 7\ncall_timeout = {call_timeout}\n'
        "submission_timeout = 90\n"
    )
    tasks = "".join(
        f'\n[[task]]\nname = "{n}"\nfunction = "{f}"\ntarget = "{n}"\nconvention = "mls"\npoints = 10\n'
        'checks = ["correctness.benign"]\n'
        for n, f in (
            ("sigmoid", "sigmoid"),
            ("cost", "compute_cost_logistic"),
            ("gradient", "compute_gradient_logistic"),
        )
    )
    return head + tasks


def _first_finding(grade: dict) -> str:
    if grade.get("error"):
        return grade["error"]
    for task in grade["tasks"]:
        for check in task["checks"]:
            if not check["passed"]:
                return check["message"]
    return ""


def inner(base: Path, call_timeout: float, jobs: int) -> int:
    """Runs inside the copy: direct calls, then the batch."""
    import numpy as np

    from verifier import sandbox
    from verifier.grading.assignment import load_assignment
    from verifier.grading.batch import grade_class
    from verifier.report.views import CLASS_REPORTS
    from verifier.sandbox import Worker, isolation, zygote

    subs = base / "subs"
    rows = []
    for path in sorted(subs.glob("*.py")):
        with Worker(str(path), call_timeout=call_timeout, load_timeout=10.0) as w:
            start = time.perf_counter()
            loaded = w.load()
            if loaded.ok:
                start = time.perf_counter()
                out = w.call("sigmoid", np.linspace(-5.0, 5.0, 7))
                status, error = out.status, out.error
            else:
                status, error = f"load {loaded.status}", loaded.error
            contain = time.perf_counter() - start
        rows.append((path.stem, status, str(error or "")[:60], contain))
    layers = sandbox.active_layers()
    start = time.monotonic()
    run = grade_class(
        subs, load_assignment(base / "assignment.toml"), base / "out", jobs=jobs, progress=None, views=CLASS_REPORTS
    )
    batch_time = time.monotonic() - start
    grades = {g.submission: g.to_json() for g in run.grades}

    name_w = max(len(r[0]) for r in rows)
    print(f"{'submission':{name_w}}  {'outcome of one call':34}  {'contained in':>12}  {'score':>7}  first finding")
    print("-" * (name_w + 110))
    for name, status, error, contain in rows:
        g = grades[name]
        outcome = status if not error else f"{status}: {error.split(':')[0]}"
        finding = _first_finding(g).replace("\n", " ")[:70]
        print(f"{name:{name_w}}  {outcome[:34]:34}  {contain:11.2f}s  {g['score']:3g}/{g['max_score']:g}  {finding}")
    print()
    print(
        f"batch: {len(grades)} submissions graded with {jobs} jobs in {batch_time:.1f}s "
        f"(call timeout {call_timeout:g}s)"
    )
    print(f"isolation layers active: {', '.join(layers)}")
    if not zygote.requested():
        print(f"workers: new interpreters ({zygote.ENV_VAR}=off)")
    else:
        refused = zygote.refused()
        print("workers: forked by the zygote" + (f", until it was refused: {refused}" if refused else ""))
    missing = [layer for layer in isolation.LAYERS if layer not in layers]
    print(f"isolation layers missing here: {', '.join(missing) or 'none'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--call-timeout", type=float, default=0.5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--inner", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        return inner(Path(args.inner), args.call_timeout, args.jobs)
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp:
        base = Path(tmp)
        subs = base / "subs"
        subs.mkdir()
        for path in HOSTILE.glob("*.py"):
            shutil.copy(path, subs / path.name)
        (subs / "correct_a.py").write_text(CORRECT)
        (subs / "correct_b.py").write_text(CORRECT)
        (base / "assignment.toml").write_text(_assignment(args.call_timeout))
        pkg = base / "pkg"
        for name in ("verifier", "reference"):
            shutil.copytree(ROOT / name, pkg / name, ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "PYTHONPATH": str(pkg)}
        where = subprocess.run(
            [sys.executable, "-c", "import verifier; print(verifier.__file__)"],
            env=env,
            cwd=base,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if where != str(pkg / "verifier" / "__init__.py"):
            print(f"refusing to run: the copy would not be the verifier imported ({where})", file=sys.stderr)
            return 2
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--inner",
            str(base),
            "--call-timeout",
            str(args.call_timeout),
            "--jobs",
            str(args.jobs),
        ]
        return subprocess.run(cmd, env=env, cwd=base).returncode


if __name__ == "__main__":
    sys.exit(main())
