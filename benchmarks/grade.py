"""Speed of `verifier grade` (prints figures; not a test).

Grades a class of N submissions (default 24, made by cycling through the example class in
examples/submissions: correct, wrong and fragile .py and .ipynb files and folders) with an
assignment (default the bundled examples/assignments/mls.toml, every task) under a profile (default
`default`), and prints wall seconds and CPU seconds (this process and every process it started) per
submission.  The case banks are built inside the timed run, as a fresh `verifier grade` builds them.

With ``--baseline REV`` the same class is graded, in the same run, by the code of git revision REV
(exported with `git archive` into a temporary folder) and by the working tree, alternating
``--rounds`` times, and the ratio of the medians is printed: the way to measure a speed-up side by
side on a shared machine.  Each measurement runs in a fresh interpreter.

Targets (2-core machine): per-submission CPU at the default profile at least 5x lower than at the
start of the scale work (git revision 3521947); 1,000 submissions in under 10 minutes with --jobs 2
(`--submissions 1000 --jobs 2`).  The machine's load is printed, and a CPU-bound control measures how
much parallelism the machine offers at the moment: figures from a busy machine are pessimistic.

CPU is counted for the whole process tree of a measurement, the sandbox's workers included, with a
cgroup v1 ``cpuacct`` group made for it (``/sys/fs/cgroup/cpuacct``, as root).  Where there is none,
it falls back to ``getrusage``, which misses the workers (the zygote that forks them leaves their
reaping to the kernel), and says so next to each figure.
Usage: python benchmarks/grade.py [--submissions N] [--assignment TOML] [--profile P] [--jobs J]
       [--baseline REV] [--rounds R]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "submissions"
ASSIGNMENT = ROOT / "examples" / "assignments" / "mls.toml"


def make_class(folder: Path, n: int) -> None:
    """``n`` submissions in ``folder``, cycling through the example class."""
    sources = sorted(p for p in EXAMPLES.iterdir() if not p.name.startswith("."))
    for i in range(n):
        src = sources[i % len(sources)]
        dst = folder / f"student{i:03d}_{src.stem}{src.suffix}"
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy(src, dst)


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


CPUACCT = Path("/sys/fs/cgroup/cpuacct")
_GROUPS = itertools.count()


def cpu_group() -> Path | None:
    """A fresh cgroup v1 ``cpuacct`` group to count a measurement's CPU in, or None where none can be made."""
    folder = CPUACCT / f"verifier-bench-{os.getpid()}-{next(_GROUPS)}"
    try:
        folder.mkdir()
    except OSError:
        return None
    return folder if (folder / "cpuacct.usage").exists() else None


def remove_group(folder: Path) -> None:
    """Remove a measurement's group once the processes left in it (a zygote ending) are gone."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            folder.rmdir()
            return
        except OSError:
            time.sleep(0.1)


def child(
    tree: Path, subs: Path, out: Path, assignment: Path, profile: str, jobs: int, group: Path | None = None
) -> dict:
    """Grade ``subs`` with the code in ``tree`` (run in a fresh interpreter whose path starts there).

    With ``group`` (a cpuacct cgroup), this process joins it first, so that every process it starts,
    at any depth, is counted there."""
    import dataclasses
    import resource

    if group is not None:
        (group / "cgroup.procs").write_text(str(os.getpid()))
    sys.path.insert(0, str(tree))
    from verifier.grading.assignment import load_assignment
    from verifier.grading.batch import grade_many
    from verifier.grading.discovery import discover

    a = dataclasses.replace(load_assignment(assignment), profile=profile)
    found = discover(subs)

    def cpu() -> float:
        if group is not None:  # every process of the tree, alive or ended, reaped or not
            return int((group / "cpuacct.usage").read_text()) / 1e9
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    cpu0, start = cpu(), time.perf_counter()
    # no integrity alarm: a benchmark in a working checkout may see its files edited meanwhile
    run = grade_many(found, a, out, jobs=jobs, progress=None, check_integrity=False)
    wall, used = time.perf_counter() - start, cpu() - cpu0
    return {
        "n": len(run.grades),
        "tasks": len(a.tasks),
        "wall": wall,
        "cpu": used,
        "counted": "every process" if group is not None else "without the sandbox's workers",
        "scores": {g.submission: g.score for g in run.grades},
    }


def measure(tree: Path, subs: Path, assignment: Path, profile: str, jobs: int, tmp: Path) -> dict:
    out = Path(tempfile.mkdtemp(prefix="out-", dir=tmp))
    cmd = [sys.executable, __file__, "--child", str(tree), "--out", str(out), "--subs", str(subs)]
    cmd += ["--assignment", str(assignment), "--profile", profile, "--jobs", str(jobs)]
    group = cpu_group()
    if group is not None:
        cmd += ["--cpu-group", str(group)]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    finally:
        if group is not None:
            remove_group(group)
    if done.returncode != 0:
        raise SystemExit(f"grading with the code in {tree} failed:\n{done.stderr[-3000:]}")
    shutil.rmtree(out, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def export(rev: str, tmp: Path) -> Path:
    """The files of git revision ``rev`` in a folder of their own."""
    folder = tmp / f"rev-{rev}"
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"git archive {rev}: {archive.stderr.decode(errors='replace').strip()}")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=24)
    ap.add_argument("--assignment", type=Path, default=ASSIGNMENT)
    ap.add_argument("--profile", default="default")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--baseline", metavar="REV", help="also grade with the code of this git revision")
    ap.add_argument("--rounds", type=int, default=1, help="alternating measurements per tree (default 1)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--subs", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--cpu-group", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child is not None:
        figures = child(
            args.child, args.subs, args.out, args.assignment.resolve(), args.profile, args.jobs, args.cpu_group
        )
        print(json.dumps(figures))
        return 0
    print(
        f"{args.submissions} submissions, {args.assignment.name}, profile {args.profile}, --jobs {args.jobs}, "
        f"{os.cpu_count()} CPUs; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory(prefix="verifier-bench-") as name:
        tmp = Path(name)
        subs = tmp / "subs"
        subs.mkdir()
        make_class(subs, args.submissions)
        trees = {"working tree": ROOT}
        if args.baseline:
            trees = {f"revision {args.baseline}": export(args.baseline, tmp), **trees}
        runs: dict[str, list[dict]] = {label: [] for label in trees}
        for _ in range(args.rounds):
            for label, tree in trees.items():
                r = measure(tree, subs, args.assignment.resolve(), args.profile, args.jobs, tmp)
                runs[label].append(r)
                mean = sum(r["scores"].values()) / max(1, r["n"])
                print(
                    f"{label:>20}: {r['n']} submissions x {r['tasks']} tasks: {r['wall']:7.1f} s wall, "
                    f"{r['wall'] / r['n']:6.2f} s wall and {r['cpu'] / r['n']:6.2f} CPU s per submission "
                    f"({r['counted']}), mean score {mean:.2f}"
                )
    cpu = {label: statistics.median(r["cpu"] / r["n"] for r in rs) for label, rs in runs.items()}
    wall = {label: statistics.median(r["wall"] / r["n"] for r in rs) for label, rs in runs.items()}
    for label in runs:
        print(f"median {label}: {cpu[label]:.2f} CPU s and {wall[label]:.2f} s wall per submission")
    if args.baseline:
        base, now = f"revision {args.baseline}", "working tree"
        print(
            f"per-submission cost, revision {args.baseline} / working tree: {cpu[base] / cpu[now]:.2f}x CPU, "
            f"{wall[base] / wall[now]:.2f}x wall"
        )
        changed = {
            s: (runs[base][0]["scores"][s], runs[now][0]["scores"][s])
            for s in runs[now][0]["scores"]
            if runs[base][0]["scores"].get(s) != runs[now][0]["scores"][s]
        }
        print(f"scores that differ: {len(changed)} of {runs[now][0]['n']}")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"control: two CPU-bound processes run {parallel_capacity():.2f}x faster than one on this machine now "
        "(2.0 when two cores are free; a speed-up can be no larger)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
