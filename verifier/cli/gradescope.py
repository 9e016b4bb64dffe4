"""The Gradescope entry point: grade /autograder/submission, write /autograder/results/results.json.

``run_autograder`` never leaves Gradescope without a results.json: a submission that cannot be graded
gets a zero and the reason.  Packaging (setup.sh, run_autograder) is described in docs/gradescope.md.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from pathlib import Path

from verifier.api import UsageError


def submission_name(submission: Path) -> str:
    """A stable name for the submission (its seed derives from it): the submitters' e-mail addresses
    from Gradescope's submission_metadata.json when present, else the folder's name."""
    meta = submission.parent / "submission_metadata.json"
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        emails = sorted(str(u.get("email", "")) for u in data.get("users", []) if u.get("email"))
        if emails:
            return ",".join(emails)
    except (OSError, ValueError, AttributeError):
        pass
    return submission.name or "submission"


def run_autograder(assignment_path: str, submission_dir: str, results_dir: str) -> int:
    """Grade one submission and write ``results_dir``/results.json; returns an exit code."""
    from verifier.assignment import load_assignment
    from verifier.batch import grade_many
    from verifier.grading import Submission, slugify, sources_in
    from verifier.report.gradescope_json import gradescope_results

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
    sub = Submission(name, tuple(sources_in(submission, assignment.files)), slugify(name))
    try:
        with tempfile.TemporaryDirectory(prefix="verifier-gradescope-") as work:
            run = grade_many([sub], assignment, work, jobs=1, progress=None, class_views=False)
            grade = run.grades[0]
            data = gradescope_results(grade, assignment)
            report = Path(work) / "submissions" / sub.slug / "report.html"
            if report.exists():
                (results / "report.html").write_bytes(report.read_bytes())
    except Exception as exc:  # Gradescope must always get a results.json
        traceback.print_exc()
        data = {"score": 0.0, "output": f"The autograder could not grade this submission: {type(exc).__name__}: {exc}", "tests": []}
    (results / "results.json").write_text(json.dumps(data, indent=2, allow_nan=False), encoding="utf-8")
    print(f"{name}: {data['score']:g} points; wrote {results / 'results.json'}", file=sys.stderr)
    return 0


def _write_fallback(results: Path, message: str) -> None:
    try:
        results.mkdir(parents=True, exist_ok=True)
        (results / "results.json").write_text(json.dumps({"score": 0.0, "output": message, "tests": []}, indent=2))
    except OSError:
        pass
