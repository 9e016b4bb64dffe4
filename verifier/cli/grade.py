"""``verifier grade`` (a class) and ``verifier gradescope`` (one submission on Gradescope).

Picked up by ``verifier.cli``: ``add_parser(subparsers)``, ``handles(command)``, ``run(args) -> int``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from verifier.profiles import PROFILES

COMMANDS = ("grade", "gradescope")
EXIT_INTEGRITY = 3  # the verifier's own files changed during the batch (verifier.integrity)


def _cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "grade", help="grade a folder of submissions with an assignment file",
        description="Grade every submission (.py / .ipynb file or per-student folder) in SUBMISSIONS. "
        "Writes DIR/index.html, grades.csv, junit.xml and, per submission, report.html and results.json "
        "(Gradescope). Stopped runs resume: finished grades are kept.",
    )
    p.add_argument("submissions", metavar="SUBMISSIONS", help="folder of .py / .ipynb files or of per-student folders")
    p.add_argument("--assignment", "-a", required=True, metavar="FILE", help="the assignment (TOML; see docs/grading.md)")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="where the reports and grades go")
    p.add_argument("--jobs", "-j", type=int, default=_cpus(), metavar="N", help=f"submissions graded at once (default {_cpus()})")
    p.add_argument("--profile", choices=list(PROFILES), help="override the assignment's profile")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress output")

    g = sub.add_parser(
        "gradescope", help="grade one submission on Gradescope (the run_autograder entry point)",
        description="Grade the submission in --submission and write Gradescope's results.json to --results.",
    )
    g.add_argument("--assignment", "-a", default="/autograder/source/assignment.toml", metavar="FILE",
                   help="the assignment (default /autograder/source/assignment.toml)")
    g.add_argument("--submission", default="/autograder/submission", metavar="DIR", help="default /autograder/submission")
    g.add_argument("--results", default="/autograder/results", metavar="DIR",
                   help="folder for results.json (default /autograder/results)")


def handles(command: str) -> bool:
    return command in COMMANDS


def run(args) -> int:
    if args.command == "grade":
        return _grade(args)
    from verifier.gradescope import run_autograder

    return run_autograder(args.assignment, args.submission, args.results)


def _grade(args) -> int:
    from dataclasses import replace

    from verifier.api import UsageError
    from verifier.assignment import load_assignment
    from verifier.batch import grade_class

    assignment = load_assignment(args.assignment)
    if args.profile:
        assignment = replace(assignment, profile=args.profile)
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: pass a whole number of processes >= 1")
    from verifier.integrity import IntegrityError

    try:
        run = grade_class(args.submissions, assignment, args.out, jobs=args.jobs, progress=None if args.quiet else sys.stderr)
    except IntegrityError as exc:
        print(f"verifier: ALERT: {exc}", file=sys.stderr)
        return EXIT_INTEGRITY
    out = Path(args.out)
    grades = run.grades
    if grades:
        mean = sum(g.score for g in grades) / len(grades)
        print(f"graded {len(grades)} submissions ({run.reused} from an earlier run) in {run.elapsed:.1f}s; "
              f"mean score {mean:.2f} / {assignment.max_score:g}")
    else:
        print(f"no .py or .ipynb submissions found in {args.submissions}")
    print(f"class report: {out / 'index.html'}")
    print(f"grades: {out / 'grades.csv'}, {out / 'junit.xml'}")
    return 0
