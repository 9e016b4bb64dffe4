"""The cluster engine and shards at work (prints figures; asserts nothing).

Grades a class of N submissions (default 40, made by cycling through examples/submissions) with
examples/assignments/mls.toml, then:

1. with --jobs W (local processes) and with --scheduler local and W Dask workers, alternately for
   --rounds rounds (each into a fresh folder, case banks built each time): wall times, the time the
   local cluster took to start, the ratio Dask / --jobs (target: at most 1.15), whether the grades are
   the same, the CPU seconds per submission of --jobs and the memory of a Dask worker;
2. with --scheduler local and W workers again, killing the Dask worker that is grading a submission
   (SIGKILL) after 5 grades: whether every submission was graded exactly once (reported once, one
   grade.json each, none rewritten after it was reported) and whether the grades equal --jobs';
3. in 4 shards (--shard K/4, each with --jobs W), merged (--merge): whether grades.csv equals the
   --jobs run's.

The machine's load and its parallel capacity (benchmarks/grade.py: 2.0 on an idle 2-core machine)
are printed before and after: figures from a busy machine are noisy.
Needs the cluster extra (pip install '.[cluster]').
Usage: python benchmarks/cluster.py [--submissions N] [--workers 2] [--shards 4] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.grade import make_class, parallel_capacity  # noqa: E402
from verifier.grading import cluster  # noqa: E402
from verifier.grading.assignment import load_assignment  # noqa: E402
from verifier.grading.batch import grade_many  # noqa: E402
from verifier.grading.discovery import discover  # noqa: E402
from verifier.grading.shards import Shard, merge_shards, take_shard  # noqa: E402
from verifier.report.views import CLASS_REPORTS  # noqa: E402

ASSIGNMENT = ROOT / "examples" / "assignments" / "mls.toml"
TIMING = ("elapsed", "diagnosis_elapsed")


def without_timing(data):
    """A grade's JSON without the fields that measure time."""
    if isinstance(data, dict):
        return {k: without_timing(v) for k, v in data.items() if k not in TIMING}
    if isinstance(data, list):
        return [without_timing(v) for v in data]
    return data


def grades_in(out: Path) -> dict[str, dict]:
    return {p.parent.name: without_timing(json.loads(p.read_text())) for p in out.glob("submissions/*/grade.json")}


def difference(a, b, where: str = "") -> str:
    """Where two JSON values first differ ("" when they are equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{where}/{k}: only on one side"
            found = difference(a[k], b[k], f"{where}/{k}")
            if found:
                return found
        return ""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)}"
        return next((d for d in (difference(x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b))) if d), "")
    return "" if a == b else f"{where}: {str(a)[:160]!r} != {str(b)[:160]!r}"


def same_grades(a: Path, b: Path) -> str:
    """'True', or 'False (where the grades first differ)'."""
    found = difference(grades_in(a), grades_in(b))
    return f"False ({found})" if found else "True"


def worker_pids() -> dict[str, int]:
    """The pid of each Dask worker of the running local cluster, by address."""
    import distributed

    return distributed.default_client().run(os.getpid)


def children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


@contextmanager
def timed_start(seconds: list[float]):
    """Record how long ``cluster.connect`` takes to hand over a client (the local cluster's start)."""
    connect = cluster.connect

    @contextmanager
    def timed(*args, **kwargs):
        start = time.perf_counter()
        with connect(*args, **kwargs) as client:
            seconds.append(time.perf_counter() - start)
            yield client

    cluster.connect = timed
    try:
        yield
    finally:
        cluster.connect = connect


def run_jobs(subs, assignment, out: Path, workers: int) -> tuple[float, float]:
    start, cpu0 = time.perf_counter(), children_cpu()
    grade_many(subs, assignment, out, jobs=workers, progress=None, views=CLASS_REPORTS, check_integrity=False)
    return time.perf_counter() - start, children_cpu() - cpu0


def run_dask(subs, assignment, out: Path, workers: int) -> tuple[float, float, float]:
    import psutil

    peak = [0.0]

    def sample(_grade) -> None:
        rss = [psutil.Process(pid).memory_info().rss / 2**20 for pid in worker_pids().values()]
        peak[0] = max([peak[0], *rss])

    started: list[float] = []
    start = time.perf_counter()
    with timed_start(started):
        cluster.grade_on_cluster(
            subs, assignment, out, "local", jobs=workers, progress=None, views=CLASS_REPORTS,
            on_graded=sample, check_integrity=False,
        )  # fmt: skip
    return time.perf_counter() - start, started[0], peak[0]


def compare_engines(subs_dir: Path, tmp: Path, assignment, workers: int, rounds: int) -> None:
    subs = discover(subs_dir)
    n = len(subs)
    local_total = dask_total = 0.0
    same = "True"
    for r in range(1, rounds + 1):
        order = ("jobs", "dask") if r % 2 else ("dask", "jobs")  # alternate: load drifts
        for engine in order:
            out = tmp / f"{engine}-{r}"
            if engine == "jobs":
                local, cpu = run_jobs(subs, assignment, out, workers)
                local_total += local
                rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
                print(
                    f"round {r} --jobs {workers}:                 {local:7.1f} s wall, {local / n:5.2f} s per "
                    f"submission, {cpu / n:5.2f} CPU s per submission; largest grading or sandbox process {rss:.0f} MiB"
                )
            else:
                dask, start, peak = run_dask(subs, assignment, out, workers)
                dask_total += dask
                print(
                    f"round {r} --scheduler local, {workers} workers: {dask:7.1f} s wall, {dask / n:5.2f} s per "
                    f"submission (cluster start {start:.1f} s and stop included); Dask worker process {peak:.0f} MiB"
                )
        csv_same = (tmp / f"dask-{r}" / "grades.csv").read_text() == (tmp / f"jobs-{r}" / "grades.csv").read_text()
        found = same_grades(tmp / f"dask-{r}", tmp / f"jobs-{r}")
        same = same if same != "True" else (found if csv_same or found != "True" else "False (grades.csv)")
    print(
        f"ratio (Dask / --jobs, {rounds} round(s)): {dask_total / local_total:.3f} "
        f"({dask_total:.1f} s / {local_total:.1f} s; target <= 1.15); same grades and grades.csv: {same}"
    )


def kill_a_worker(subs_dir: Path, tmp: Path, assignment, workers: int, after: int = 5) -> None:
    import distributed

    subs = discover(subs_dir)
    out = tmp / "killed"
    reported: dict[str, int] = {}
    inodes: dict[str, int] = {}
    killed: list[tuple[int, list[str]]] = []

    def on_graded(grade) -> None:
        reported[grade.submission] = reported.get(grade.submission, 0) + 1
        inodes[grade.slug] = (out / "submissions" / grade.slug / "grade.json").stat().st_ino
        if len(reported) >= after and not killed:
            client = distributed.default_client()
            busy = {w: keys for w, keys in client.processing().items() if keys}
            if busy:
                victim, keys = next(iter(busy.items()))
                pid = client.run(os.getpid, workers=[victim])[victim]
                os.kill(pid, signal.SIGKILL)
                killed.append((pid, [str(k) for k in keys]))

    start = time.perf_counter()
    run = cluster.grade_on_cluster(
        subs, assignment, out, "local", jobs=workers, progress=None, views=CLASS_REPORTS,
        on_graded=on_graded, check_integrity=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    files = list(out.glob("submissions/*/grade.json"))
    rewritten = [p.parent.name for p in files if p.stat().st_ino != inodes.get(p.parent.name)]
    once = len(run.grades) == len(subs) and len(reported) == len(subs) and all(v == 1 for v in reported.values())
    what = (
        f"worker pid {killed[0][0]} while it graded {', '.join(killed[0][1])}" if killed else "(no busy worker found)"
    )
    print(
        f"killed Dask {what} after {after} grades; {wall:.1f} s wall; {len(reported)}/{len(subs)} submissions "
        f"reported, each once: {once}; {len(files)} grade.json files; rewritten after being reported: "
        f"{len(rewritten)}; errors: {sum(1 for g in run.grades if g.error)}; "
        f"same grades as --jobs: {same_grades(out, tmp / 'jobs-1')}"
    )


def shards_and_merge(subs_dir: Path, tmp: Path, assignment, count: int, workers: int) -> None:
    sizes, walls = [], []
    for k in range(1, count + 1):
        out = tmp / f"shard-{k}"
        start = time.perf_counter()
        mine = take_shard(discover(subs_dir, staging=out / ".staging"), Shard(k, count), assignment, out)
        grade_many(mine, assignment, out, jobs=workers, progress=None, views=CLASS_REPORTS, check_integrity=False)
        walls.append(time.perf_counter() - start)
        sizes.append(len(mine))
    start = time.perf_counter()
    merge_shards([tmp / f"shard-{k}" for k in range(1, count + 1)], assignment, tmp / "merged", CLASS_REPORTS)
    merge = time.perf_counter() - start
    same = (tmp / "merged" / "grades.csv").read_text() == (tmp / "jobs-1" / "grades.csv").read_text()
    print(
        f"{count} shards of sizes {sizes}, {' / '.join(f'{w:.1f}' for w in walls)} s each (--jobs {workers}); "
        f"merge {merge:.1f} s; grades.csv equal to the --jobs run's: {same}; "
        f"grades equal: {same_grades(tmp / 'merged', tmp / 'jobs-1')}"
    )


def machine() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"load average {load}; parallel capacity {parallel_capacity():.2f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--submissions", type=int, default=40)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=1, help="alternating --jobs / Dask measurements (default 1)")
    ap.add_argument("--skip", default="", help="comma-separated parts to leave out: kill, shards")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    assignment = load_assignment(ASSIGNMENT)
    print(
        f"{args.submissions} submissions x {len(assignment.tasks)} tasks ({ASSIGNMENT.name}, profile "
        f"{assignment.profile}); {os.cpu_count()} CPUs; {machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="verifier-cluster-bench-") as name:
        tmp = Path(name)
        subs_dir = tmp / "subs"
        subs_dir.mkdir()
        make_class(subs_dir, args.submissions)
        compare_engines(subs_dir, tmp, assignment, args.workers, args.rounds)
        if "kill" not in skip:
            kill_a_worker(subs_dir, tmp, assignment, args.workers)
        if "shards" not in skip:
            shards_and_merge(subs_dir, tmp, assignment, args.shards, args.workers)
    print(f"after: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
