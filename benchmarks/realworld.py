"""The real-world corpus (tests/realworld/): how many task assessments match the hand labels.

Grades every submission of tests/realworld/manifest.toml with its course's assignment file (each
task in an isolated worker, as ``verifier grade`` does) and compares each labelled task's
assessment (correct / fragile / wrong / broken) and the submission's score class (full / partial /
zero) with the manifest.  Prints one line per mismatch, the agreement figures and the median time
per submission.

    python benchmarks/realworld.py [--jobs 2] [NAME-SUBSTRING ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT / "tests" / "realworld"
sys.path.insert(0, str(ROOT))

from verifier.grading.assignment import load_assignment  # noqa: E402
from verifier.grading.discovery import Submission, discover, slugify  # noqa: E402
from verifier.grading.scoring import grade_submission  # noqa: E402
from verifier.sandbox.sources import sources_in  # noqa: E402


@dataclass(frozen=True)
class Outcome:
    path: str
    seconds: float
    tasks: int
    mismatches: tuple[str, ...]
    score_class_ok: bool
    score: float
    max_score: float


def _score_class(score: float, max_score: float) -> str:
    return "full" if score == max_score else "zero" if score == 0 else "partial"


def grade_one(entry: dict) -> Outcome:
    assignment = load_assignment(REALWORLD / entry["assignment"])
    path = REALWORLD / entry["path"]
    with tempfile.TemporaryDirectory() as staging:
        if path.suffix == ".zip":
            sub = next(s for s in discover(path.parent, staging=Path(staging)) if s.name == path.stem)
        elif path.is_dir():
            sub = Submission(path.name, tuple(sources_in(path, assignment.files)), slugify(path.name), path)
        else:
            sub = Submission(path.stem, (path,), slugify(path.stem))
        start = time.perf_counter()
        grade = grade_submission(sub, assignment)
        seconds = time.perf_counter() - start
    labels = {t["name"]: t["assessment"] for t in entry.get("task", [])}
    got = {t.name: t.assessment for t in grade.tasks}
    mismatches = tuple(
        f"{name}: labelled {want}, assessed {got.get(name)}" for name, want in labels.items() if got.get(name) != want
    )
    return Outcome(
        entry["path"],
        seconds,
        len(labels),
        mismatches,
        _score_class(grade.score, grade.max_score) == entry["expected_score"],
        grade.score,
        grade.max_score,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("only", nargs="*", help="grade only submissions whose path contains one of these")
    args = parser.parse_args(argv)
    entries = tomllib.loads((REALWORLD / "manifest.toml").read_text())["submission"]
    entries = [e for e in entries if not args.only or any(o in e["path"] for o in args.only)]
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(grade_one, entries))
    wall = time.perf_counter() - start
    for o in outcomes:
        for m in o.mismatches:
            print(f"MISMATCH {o.path}: {m}")
        if not o.score_class_ok:
            print(f"SCORE    {o.path}: {o.score:g}/{o.max_score:g}")
    tasks = sum(o.tasks for o in outcomes)
    wrong = sum(len(o.mismatches) for o in outcomes)
    print(f"submissions: {len(outcomes)}, labelled tasks: {tasks}")
    print(f"task assessments as labelled: {tasks - wrong}/{tasks} ({100 * (tasks - wrong) / max(tasks, 1):.1f}%)")
    print(f"score class as labelled: {sum(o.score_class_ok for o in outcomes)}/{len(outcomes)}")
    secs = [o.seconds for o in outcomes]
    print(f"seconds per submission: median {statistics.median(secs):.1f}, max {max(secs):.1f}; wall {wall:.0f} s")
    return 0 if wrong == 0 and all(o.score_class_ok for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
