"""The PrairieLearn entry point: grade /grade/student, write /grade/results/results.json.

PrairieLearn reads results.json only when the grader exits 0, so the exit code is the first thing it
sees: 0 when results.json holds a grade (whatever the score) or says the submission is not gradable;
2 when the job cannot be graded as configured (no assignment, no /grade/student, a params.assignment
that leaves /grade); 3 when the verifier's own files changed; 1 when the verifier itself failed.  In
every case a results.json is written (``succeeded: false`` and the reason when there is no grade).
The question's setup (info.json, the image) is described in docs/prairielearn.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.errors import ExitCode, IntegrityError, OutputError, UsageError, VerifierError
from verifier.grading.prairielearn import GRADE_ROOT, GradeTree, assignment_path, read_data, submission_name


def _write(results: Path, data: dict[str, Any]) -> Path:
    """``results``/results.json, created atomically and within PrairieLearn's size limit."""
    from verifier.grading.store import atomic_write
    from verifier.report.prairielearn_json import dumps_within

    path = results / "results.json"
    try:
        results.mkdir(parents=True, exist_ok=True)
        atomic_write(path, dumps_within(data))
    except OSError as exc:
        raise OutputError(f"--results {results}: cannot write results.json ({exc.strerror or exc})") from None
    return path


def _write_failure(results: Path, message: str, output: str = "") -> None:
    """Best effort: a results.json saying the grader failed (the error that stopped it is raised anyway)."""
    from verifier.report.prairielearn_json import failure_results

    try:
        _write(results, failure_results(message, output))
    except OutputError as exc:
        print(f"verifier: error: {exc}", file=sys.stderr)


def run_grader(root: str = GRADE_ROOT, assignment: str | None = None, results: str | None = None) -> int:
    """Grade the submission of the PrairieLearn job under ``root`` and write results.json; returns an
    exit code (raises VerifierError for what the course staff must fix, after writing results.json)."""
    from verifier.grading.assignment import load_assignment
    from verifier.grading.batch import grade_many
    from verifier.grading.discovery import Submission, slugify, sources_in
    from verifier.report.prairielearn_json import prairielearn_results

    tree = GradeTree.at(root)
    out = Path(results) if results else tree.results
    try:
        data = read_data(tree)
        chosen = load_assignment(assignment if assignment else assignment_path(tree, data))
        if not tree.student.is_dir():
            raise UsageError(
                f"{tree.student}: no such folder; PrairieLearn copies the submitted files there "
                "(does the question have a pl-file-editor or pl-file-upload element?)"
            )
    except UsageError as exc:
        _write_failure(out, f"The autograder is misconfigured: {exc}")
        raise
    student = tree.student.resolve()
    name = submission_name(data)
    sub = Submission(name, tuple(sources_in(student, chosen.files)), slugify(name), student)
    try:
        with tempfile.TemporaryDirectory(prefix="verifier-prairielearn-") as work:
            run = grade_many([sub], chosen, work, jobs=1, progress=None)
        grade = run.grades[0]
        verdict = prairielearn_results(grade, chosen, student)
    except IntegrityError as exc:
        _write_failure(out, f"The autograder stopped: {exc}")
        raise
    except VerifierError as exc:
        _write_failure(out, f"The autograder could not grade this submission: {exc}")
        raise
    except Exception as exc:  # a fault of the verifier: PrairieLearn must not record a grade from it
        text = traceback.format_exc()
        print(text, file=sys.stderr, end="")
        _write_failure(out, f"The autograder failed: {type(exc).__name__}: {exc}", text)
        print(f"verifier: error: grading failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    path = _write(out, verdict)
    if verdict.get("gradable", True):
        said = f"{grade.score:g} / {grade.max_score:g} points (score {verdict['score']:g})"
    else:
        said = "not gradable (" + "; ".join(e.splitlines()[0] for e in verdict["format_errors"]) + ")"
    print(f"{name}: {said}; wrote {path}", file=sys.stderr)
    return ExitCode.OK


@dataclass(frozen=True)
class PrairieLearnCommand:
    name: str = "prairielearn"
    help: str = "grade one submission on PrairieLearn (the external-grader entry point)"
    description: str = (
        "Grade the submission of a PrairieLearn external-grading job: the files in ROOT/student, with the "
        "assignment ROOT/tests/assignment.toml (or params.assignment of ROOT/data/data.json, relative to "
        "ROOT), and write ROOT/results/results.json.  Exits 0 when results.json holds a grade or says "
        "the submission is not gradable, 2 when the job is misconfigured, 3 when the verifier's own files "
        "changed, 1 when the verifier failed."
    )

    def add_arguments(self, g: argparse.ArgumentParser) -> None:
        g.add_argument(
            "--root",
            default=GRADE_ROOT,
            metavar="DIR",
            help=f"the grading job's folder (default {GRADE_ROOT}); use another for local trials",
        )
        g.add_argument(
            "--assignment",
            "-a",
            default=None,
            metavar="FILE",
            help="the assignment (default: params.assignment of data.json, else ROOT/tests/assignment.toml)",
        )
        g.add_argument("--results", default=None, metavar="DIR", help="folder for results.json (default ROOT/results)")

    def run(self, args: argparse.Namespace) -> int:
        return run_grader(args.root, args.assignment, args.results)


COMMAND = PrairieLearnCommand()
