"""Memory a class run keeps per submission (prints figures; not a test).

A run holds one grade per submission until it writes the class views (grades.csv, junit.xml,
index.html).  This script grades the example class once (examples/submissions, the bundled
examples/assignments/mls.toml at the ``default`` profile, ``--jobs 2``), then prints:

1. the memory one grade takes when held whole (as read from grade.json) and as a class run keeps it
   (``SubmissionGrade.for_class``: without the error-plot samples, repeated texts shared), measured
   with tracemalloc over many copies, and the projection for 10,000 and 50,000 submissions;
2. the peak resident memory of a fresh ``verifier grade`` process that resumes a class of
   ``--submissions`` N (default 2,000) already-graded submissions (copies of the example grades under
   new names) and writes the class views: what the parent of a large class needs.  With
   ``--baseline REV`` the same resumed run is made, beside it, by the code of git revision REV.

Usage: python benchmarks/class_memory.py [--submissions N] [--baseline REV] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from grade import export  # noqa: E402

from verifier.grading.store import read_grade  # noqa: E402

EXAMPLES = ROOT / "examples" / "submissions"
ASSIGNMENT = ROOT / "examples" / "assignments" / "mls.toml"


def grade_examples(folder: Path) -> Path:
    """The example class graded at the default profile into ``folder``/out (its assignment file too)."""
    toml = folder / "mls-default.toml"
    toml.write_text(ASSIGNMENT.read_text().replace('profile = "quick"', 'profile = "default"'))
    out = folder / "out"
    if list(out.glob("submissions/*/grade.json")):  # kept from an earlier run (--keep)
        return out
    cmd = [sys.executable, "-m", "verifier", "grade", str(EXAMPLES), "--assignment", str(toml)]
    subprocess.run([*cmd, "--out", str(out), "--jobs", "2", "-q"], check=True, cwd=ROOT)
    return out


def held_per_grade(paths: list[Path], copies: int) -> tuple[float, float]:
    """Bytes per grade held whole and as ``for_class`` keeps it (tracemalloc, ``copies`` of each)."""
    figures = []
    for slim in (False, True):
        tracemalloc.start()
        held = []
        for _ in range(copies):
            for p in paths:
                g = read_grade(p)
                held.append(g.for_class() if slim else g)
        current, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures.append(current / len(held))
        del held
    return figures[0], figures[1]


def synthesize_class(out: Path, n: int, folder: Path) -> Path:
    """A submissions folder of ``n`` files and a store where every one of them is already graded."""
    subs = folder / "subs"
    store = folder / "store"
    shutil.rmtree(subs, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    subs.mkdir()
    shutil.copytree(out, store, ignore=shutil.ignore_patterns("submissions"))
    graded = sorted(p.parent for p in out.glob("submissions/*/grade.json"))
    for i in range(n):
        src = graded[i % len(graded)]
        name = f"student{i:05d}"
        (subs / f"{name}.py").write_text("def sigmoid(z):\n    return z\n")
        dst = store / "submissions" / name
        dst.mkdir(parents=True)
        data = json.loads((src / "grade.json").read_text())
        data["submission"], data["slug"] = name, name
        (dst / "grade.json").write_text(json.dumps(data, indent=1))
        for view in ("report.html", "results.json"):
            shutil.copy(src / view, dst / view)
    return subs


def resumed_run(subs: Path, store: Path, toml: Path, tree: Path = ROOT) -> tuple[float, float, str]:
    """(peak resident MB, seconds, the run's summary line) of a fresh process of the code in ``tree``
    resuming the whole class."""
    code = (
        "import resource, sys, runpy; sys.argv = ['verifier'] + sys.argv[1:]\n"
        "try:\n    runpy.run_module('verifier', run_name='__main__')\n"
        "finally:\n    print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, "grade", str(subs), "--assignment", str(toml), "--out", str(store), "--jobs", "2"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )
    seconds = time.perf_counter() - start
    lines = (done.stdout + done.stderr).splitlines()
    peak = next((int(line.split()[1]) for line in lines if line.startswith("PEAK_KB")), None)
    said = [line for line in lines if line.startswith("graded")]
    if done.returncode != 0 or peak is None or not said:
        raise SystemExit(f"the resumed run failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return peak / 1024, seconds, said[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--baseline", default=None, help="git revision to measure beside the working tree")
    parser.add_argument("--keep", type=Path, default=None, help="leave the files in this folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="verifier-class-memory-")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        out = grade_examples(folder)
        paths = sorted(out.glob("submissions/*/grade.json"))
        size = sum(p.stat().st_size for p in paths) / len(paths)
        whole, kept = held_per_grade(paths, 10)
        print(f"example class: {len(paths)} grades, grade.json {size / 1e3:.0f} KB on average")
        print(f"held whole: {whole / 1e3:.0f} KB per grade", end="; ")
        print(f"as a class run keeps it: {kept / 1e3:.0f} KB ({whole / kept:.1f}x less)")
        for n in (10_000, 50_000):
            print(f"  {n:,} submissions: {whole * n / 2**30:.2f} GiB whole, {kept * n / 2**30:.2f} GiB kept")
        subs = synthesize_class(out, args.submissions, folder)
        trees = {"this tree": ROOT}
        if args.baseline:
            shutil.rmtree(folder / f"rev-{args.baseline}", ignore_errors=True)
            trees[args.baseline] = export(args.baseline, folder)
        print(f"resuming a class of {args.submissions:,} graded submissions and writing its class views:")
        for label, tree in trees.items():
            peak, seconds, said = resumed_run(subs, folder / "store", folder / "mls-default.toml", tree)
            print(f"  {label}: peak resident {peak:.0f} MB, {seconds:.1f} s ({said})")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
