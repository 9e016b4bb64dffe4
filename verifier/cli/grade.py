"""``verifier grade SUBMISSIONS --assignment FILE --out DIR``: grade a class.

Writes DIR/index.html, grades.csv, junit.xml and, per submission, report.html and results.json
(Gradescope).  Stopped runs resume: finished grades are kept.  Exit 0 when it ran, 2 on a usage
error, 3 when the verifier's own files changed during the batch.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from verifier.errors import ExitCode, UsageError
from verifier.spec.profiles import PROFILES


def cpus() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class GradeCommand:
    name: str = "grade"
    help: str = "grade a folder of submissions with an assignment file"
    description: str = (
        "Grade every submission (.py / .ipynb file or per-student folder) in SUBMISSIONS. Writes DIR/index.html, "
        "grades.csv, junit.xml and, per submission, report.html and results.json (Gradescope). Stopped runs "
        "resume: finished grades are kept."
    )

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "submissions", metavar="SUBMISSIONS", help="folder of .py / .ipynb files or of per-student folders"
        )
        p.add_argument(
            "--assignment", "-a", required=True, metavar="FILE", help="the assignment (TOML; see docs/grading.md)"
        )
        p.add_argument("--out", "-o", required=True, metavar="DIR", help="where the reports and grades go")
        p.add_argument(
            "--jobs", "-j", type=int, default=cpus(), metavar="N", help=f"submissions graded at once (default {cpus()})"
        )
        p.add_argument("--profile", choices=list(PROFILES), help="override the assignment's profile")
        p.add_argument("--quiet", "-q", action="store_true", help="no progress output")

    def run(self, args: argparse.Namespace) -> int:
        from verifier.grading.assignment import load_assignment
        from verifier.grading.batch import grade_class
        from verifier.report.views import CLASS_REPORTS

        assignment = load_assignment(args.assignment)
        if args.profile:
            assignment = replace(assignment, profile=args.profile)
        if args.jobs < 1:
            raise UsageError(f"--jobs {args.jobs}: pass a whole number of processes >= 1")
        run = grade_class(
            args.submissions,
            assignment,
            args.out,
            jobs=args.jobs,
            progress=None if args.quiet else sys.stderr,
            views=CLASS_REPORTS,
        )
        out = Path(args.out)
        grades = run.grades
        if grades:
            mean = sum(g.score for g in grades) / len(grades)
            print(
                f"graded {len(grades)} submissions ({run.reused} from an earlier run) in {run.elapsed:.1f}s; "
                f"mean score {mean:.2f} / {assignment.max_score:g}"
            )
        else:
            print(f"no .py or .ipynb submissions found in {args.submissions}")
        print(f"class report: {out / 'index.html'}")
        print(f"grades: {out / 'grades.csv'}, {out / 'junit.xml'}")
        return ExitCode.OK


COMMAND = GradeCommand()
