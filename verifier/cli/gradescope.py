"""The Gradescope entry point: grade /autograder/submission, write /autograder/results/results.json.

``run_autograder`` never leaves Gradescope without a results.json: a submission that cannot be graded
gets a zero and the reason.  Packaging (setup.sh, run_autograder) is described in docs/gradescope.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import ExitCode, UsageError
from verifier.grading.platforms import submission_name


def run_autograder(assignment_path: str, submission_dir: str, results_dir: str) -> int:
    """Grade one submission and write ``results_dir``/results.json; returns an exit code."""
    from verifier.grading.assignment import load_assignment
    from verifier.grading.batch import grade_many
    from verifier.grading.discovery import Submission, slugify, sources_in
    from verifier.report.gradescope_json import gradescope_results
    from verifier.report.views import SUBMISSION_REPORTS

    results = Path(results_dir)
    try:
        assignment = load_assignment(assignment_path)
    except UsageError as exc:  # staff's mistake: say so on Gradescope too, then exit 2
        _write_fallback(results, f"The autograder is misconfigured: {exc}")
        raise
    submission = Path(submission_dir)
    if not submission.is_dir():
        raise UsageError(f"--submission {submission}: no such folder")
    try:
        results.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--results {results}: cannot create the folder ({exc.strerror})") from None
    name = submission_name(submission)
    sub = Submission(name, tuple(sources_in(submission, assignment.files)), slugify(name), submission)
    try:
        with tempfile.TemporaryDirectory(prefix="verifier-gradescope-") as work:
            run = grade_many([sub], assignment, work, jobs=1, progress=None, views=SUBMISSION_REPORTS)
            grade = run.grades[0]
            data = gradescope_results(grade, assignment)
            report = Path(work) / "submissions" / sub.slug / "report.html"
            if report.exists():
                (results / "report.html").write_bytes(report.read_bytes())
    except Exception as exc:  # Gradescope must always get a results.json
        traceback.print_exc()
        data = {
            "score": 0.0,
            "output": f"The autograder could not grade this submission: {type(exc).__name__}: {exc}",
            "tests": [],
        }
    (results / "results.json").write_text(json.dumps(data, indent=2, allow_nan=False), encoding="utf-8")
    print(f"{name}: {data['score']:g} points; wrote {results / 'results.json'}", file=sys.stderr)
    return ExitCode.OK


def _write_fallback(results: Path, message: str) -> None:
    try:
        results.mkdir(parents=True, exist_ok=True)
        (results / "results.json").write_text(json.dumps({"score": 0.0, "output": message, "tests": []}, indent=2))
    except OSError:
        pass


@dataclass(frozen=True)
class GradescopeCommand:
    name: str = "gradescope"
    help: str = "grade one submission on Gradescope (the run_autograder entry point)"
    description: str = "Grade the submission in --submission and write Gradescope's results.json to --results."

    def add_arguments(self, g: argparse.ArgumentParser) -> None:
        g.add_argument(
            "--assignment",
            "-a",
            default="/autograder/source/assignment.toml",
            metavar="FILE",
            help="the assignment (default /autograder/source/assignment.toml)",
        )
        g.add_argument(
            "--submission", default="/autograder/submission", metavar="DIR", help="default /autograder/submission"
        )
        g.add_argument(
            "--results",
            default="/autograder/results",
            metavar="DIR",
            help="folder for results.json (default /autograder/results)",
        )

    def run(self, args: argparse.Namespace) -> int:
        return run_autograder(args.assignment, args.submission, args.results)


COMMAND = GradescopeCommand()
