"""``verifier demo``: the oracle at work on a bundled example, then the grader on a bundled class.

First computes the cost and gradient of the bundled data set exactly and with the textbook float64
formulas, at the scale of the data and far in the tail, where the textbook formulas return inf / NaN
while the exact values stay finite.  Then grades the example class (examples/submissions/, .py and
.ipynb files, correct, wrong and fragile) with examples/assignments/mls.toml and writes the class
report to reports/demo/index.html under the current directory; then grades the same class with the
bundled softmax assignments (cs231n_softmax.toml, mls_softmax.toml) into reports/demo-cs231n_softmax/
and reports/demo-mls_softmax/.
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TextIO

import numpy as np

import reference


def load_problem() -> dict:
    """The bundled example problem (X, y, w, b and the tail scales)."""
    text = resources.files("verifier").joinpath("data/demo_problem.json").read_text()
    return json.loads(text)


def naive_cost_gradient(X, y, w, b):
    """The textbook float64 formulas, as a student writes them."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        z = X @ w + b
        f = 1.0 / (1.0 + np.exp(-z))
        cost = float(np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f)))
        r = f - y
        return cost, X.T @ r / len(y), float(np.mean(r))


def _row(name: str, naive: float, exact) -> str:
    ulps = reference.ulp_distance(naive, exact, "float64")
    bits = reference.bits_of_error(ulps)
    exact_s = reference.round_to_format(exact, "float64")
    flag = "" if math.isfinite(naive) else "   <- not finite"
    return (
        f"  {name:<10} exact {float(exact_s): .17g}   float64 {naive: .17g}   "
        f"{ulps:10.3g} ulps ({bits:4.1f} bits){flag}"
    )


def show_oracle(out: TextIO) -> None:
    """The exact values against the textbook float64 formulas, at the first and the last scale."""
    p = load_problem()
    X = np.asarray(p["X"], dtype=np.float64)
    y = np.asarray(p["y"], dtype=np.float64)
    w0 = np.asarray(p["w"], dtype=np.float64)
    b0 = float(p["b"])
    t = reference.thresholds("float64")
    m, n = X.shape
    print(f"The exact oracle on the bundled example (logistic regression, m = {m}, n = {n})", file=out)
    print(p["description"], file=out)
    print(
        f"float64: sigma rounds to 1 from z = {t.sigmoid_rounds_to_one:.6g}, "
        f"exp overflows from z = {t.exp_overflow:.6g}",
        file=out,
    )
    scales = p["scales"]
    for scale in (scales[0], scales[-1]) if len(scales) > 1 else scales:
        w, b = w0 * scale, b0 * scale
        z = X @ w + b
        print(f"\nw = {w.tolist()}, b = {b}: z from {z.min():g} to {z.max():g}", file=out)
        cost, gw, gb = naive_cost_gradient(X, y, w, b)
        J = reference.cost(X, y, w, b)
        g = reference.gradient(X, y, w, b)
        print(_row("cost", cost, J), file=out)
        for j, (naive, exact) in enumerate(zip(gw, g.w)):
            print(_row(f"dJ/dw[{j}]", float(naive), exact), file=out)
        print(_row("dJ/db", gb, g.b), file=out)
    print(
        "\nThe textbook cost -y log(f) - (1 - y) log(1 - f) returns inf once sigma(z) rounds to 1 (log of 0),"
        "\nand NaN where exp overflows; the exact values stay finite.",
        file=out,
    )


def examples_dir() -> Path:
    """The bundled examples: examples/ next to the verifier package (a source checkout or an editable
    install), else examples/ in the current directory (an installed package run from the checkout)."""
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (base / "examples" / "assignments" / "mls.toml").is_file():
            return base / "examples"
    return Path(__file__).resolve().parents[2] / "examples"


# The example class is graded on each of these bundled assignments that is present, in this order;
# the first one's reports go to the demo's report folder, each other's to a folder named after it.
DEMO_ASSIGNMENTS = ("mls.toml", "cs231n_softmax.toml", "mls_softmax.toml")


def demo_report_dir(report_dir: str | os.PathLike, assignment_name: str) -> Path:
    """Where the demo writes the reports of the bundled assignment ``assignment_name``: ``report_dir``
    for the first one (mls.toml), ``report_dir``-STEM (reports/demo-cs231n_softmax) for the others."""
    report = Path(report_dir)
    if assignment_name == DEMO_ASSIGNMENTS[0]:
        return report
    return report.with_name(f"{report.name}-{Path(assignment_name).stem}")


def run_demo(
    out: TextIO, report_dir: str | os.PathLike = "reports/demo", jobs: int = 2, progress: TextIO | None = sys.stderr
) -> int:
    """Show the oracle, then grade the example class on each bundled assignment (DEMO_ASSIGNMENTS) and
    write ``report_dir``/index.html (and one folder per further assignment, see ``demo_report_dir``)."""
    from verifier.errors import UsageError

    show_oracle(out)
    examples = examples_dir()
    submissions = examples / "submissions"
    if not (examples / "assignments" / DEMO_ASSIGNMENTS[0]).is_file() or not submissions.is_dir():
        raise UsageError(
            f"the example class is not installed (looked in {examples}); run the demo from a source checkout"
        )
    for name in DEMO_ASSIGNMENTS:
        assignment_file = examples / "assignments" / name
        if assignment_file.is_file():
            _grade_example_class(out, submissions, assignment_file, demo_report_dir(report_dir, name), jobs, progress)
    return 0


def _grade_example_class(
    out: TextIO, submissions: Path, assignment_file: Path, report: Path, jobs: int, progress: TextIO | None
) -> None:
    """Grade the example class with one assignment and print each student's score."""
    from verifier.grading.assignment import load_assignment
    from verifier.grading.batch import grade_class
    from verifier.report.views import CLASS_REPORTS

    assignment = load_assignment(assignment_file)
    print(
        f"\nGrading the example class ({submissions}) with {assignment_file.name}: {assignment.name} "
        f"(profile {assignment.profile}, {jobs} processes)...",
        file=out,
        flush=True,
    )
    run = grade_class(submissions, assignment, report, jobs=jobs, progress=progress, views=CLASS_REPORTS)
    width = max((len(g.submission) for g in run.grades), default=10)
    for g in run.grades:
        worst = [t.name for t in g.tasks if not t.passed]
        note = f"  problems in: {', '.join(worst)}" if worst else ""
        if g.error:
            note = f"  {g.error}"
        print(f"  {g.submission:<{width}} {g.score:6g} / {g.max_score:g}{note}", file=out)
    print(f"\nGraded {len(run.grades)} submissions in {run.elapsed:.0f}s.", file=out)
    print(f"Class report: {(report / 'index.html').resolve()}", file=out)
    print(
        f"Grades: {report / 'grades.csv'}, JUnit: {report / 'junit.xml'}, "
        f"per student: {report / 'submissions'}/NAME/report.html",
        file=out,
    )


@dataclass(frozen=True)
class DemoCommand:
    name: str = "demo"
    help: str = "show the oracle (and the grader) at work on the bundled example"
    description: str = "Show the oracle at work on the bundled example, then grade the example class."

    def add_arguments(self, parser) -> None:
        pass

    def run(self, args) -> int:
        return run_demo(sys.stdout)


COMMAND = DemoCommand()
