"""The real-world corpus (tests/realworld/): submissions in the shapes students hand in, graded with
their course's assignment file; every task's assessment is the hand label, every correct student gets
full marks and every stub zero."""

import shutil
import tomllib
from pathlib import Path

import pytest

from verifier.grading.assignment import load_assignment
from verifier.grading.batch import grade_class
from verifier.grading.discovery import Submission, discover, slugify
from verifier.grading.scoring import grade_submission
from verifier.report.views import CLASS_REPORTS
from verifier.sandbox.sources import sources_in

REALWORLD = Path(__file__).resolve().parents[1] / "realworld"
MANIFEST = tomllib.loads((REALWORLD / "manifest.toml").read_text())
SUBMISSIONS = MANIFEST["submission"]

# One submission of each shape and outcome runs in the default suite (about a minute on two cores); the
# whole corpus runs with `-m slow` and in benchmarks/realworld.py, which prints the agreement figure.
CORE = {
    "dlai_notebook_correct.ipynb",  # notebook, full marks
    "dlai_nested_sigmoid.py",  # helper defined inside a function
    "ex2_port_zipped.zip",  # per-student archive
    "ex2_lambda_first.py",  # signature given in the assignment
    "ex2_lambda_last_mismatch.py",  # signature mismatch named, zero
    "ex2_xfirst_functions",  # folder of modules
    "zip_slip.zip",  # hostile archive entries refused
    "zip_symlink.zip",
    "mls_lab_no_imports.py",  # pasted cells without imports
    "so_compute_grad_published.py",
    "predict_strict_gt.py",
    "predict_round_half.py",
    "predict_np_int.py",
    "predict_py2_print.py",  # does not parse
}


def _param(entry):
    name = Path(entry["path"]).name
    return pytest.param(entry, id=name, marks=() if name in CORE else pytest.mark.slow)


def _submission(entry, assignment, staging: Path) -> Submission:
    path = REALWORLD / entry["path"]
    if path.suffix == ".zip":
        return next(s for s in discover(path.parent, staging=staging) if s.name == path.stem)
    if path.is_dir():
        return Submission(path.name, tuple(sources_in(path, assignment.files)), slugify(path.name), path)
    return Submission(path.stem, (path,), slugify(path.stem))


def test_the_default_subset_names_real_entries():
    names = {Path(e["path"]).name for e in SUBMISSIONS}
    assert CORE <= names, CORE - names


@pytest.mark.parametrize("entry", [_param(e) for e in SUBMISSIONS])
def test_every_task_is_assessed_as_labelled(entry, tmp_path):
    assignment = load_assignment(REALWORLD / entry["assignment"])
    grade = grade_submission(_submission(entry, assignment, tmp_path), assignment)
    labels = {t["name"]: t["assessment"] for t in entry.get("task", [])}
    got = {t.name: t.assessment for t in grade.tasks if t.name in labels}
    assert got == labels, {n: (got[n], labels[n]) for n in labels if got.get(n) != labels[n]}
    if entry["expected_score"] == "full":
        assert grade.score == grade.max_score
    elif entry["expected_score"] == "zero":
        assert grade.score == 0
    else:
        assert 0 < grade.score < grade.max_score
    for t in grade.tasks:  # wrong and broken tasks earn nothing; a stub can never collect points
        if labels.get(t.name) in ("wrong", "broken") and t.result is not None:
            agreement = [c for c in t.result.checks if c.tier == "correctness" and c.id != "correctness.identities"]
            if not any(c.passed for c in agreement):
                assert t.score == 0, t.name
    notes = " ".join(grade.notes) + " ".join(w for t in grade.tasks if t.result for w in t.result.warnings)
    for finding in entry.get("findings", []):  # every refusal is named in the report, with its reason
        if "input()" in finding:
            assert "keyboard input (input())" in notes, notes
        elif "refused" in finding:
            assert "link" in notes or "outside" in notes, (finding, notes)


MLS_CLASS = [e for e in SUBMISSIONS if e["assignment"] == "assignments/mls.toml" and not e["path"].endswith("/")]


def test_a_class_folder_of_mixed_shapes_gives_correct_students_full_marks_and_stubs_zero(tmp_path):
    """A class folder mixing notebooks, exports, pasted cells, per-file folders, a link hazard and stubs,
    graded with an assignment that uses signatures, support files and a preamble."""
    shapes = ("mls_notebook_correct.ipynb", "some_other_student", "mls_stubs_all.py")  # notebook, folder, stubs
    chosen = [e for e in MLS_CLASS if Path(e["path"]).name in shapes]
    assert {e["expected_score"] for e in chosen} == {"full", "zero"} and len(chosen) == len(shapes)
    klass = tmp_path / "class"
    klass.mkdir()
    for e in chosen:
        src = REALWORLD / e["path"]
        if src.is_dir():
            shutil.copytree(src, klass / src.name, symlinks=True)
        else:
            shutil.copy(src, klass / src.name)
    assignment = load_assignment(REALWORLD / "assignments" / "mls.toml")
    run = grade_class(klass, assignment, tmp_path / "out", jobs=2, progress=None, views=CLASS_REPORTS)
    by_name = {g.submission: g for g in run.grades}
    for e in chosen:
        g = by_name[Path(e["path"]).stem if not (REALWORLD / e["path"]).is_dir() else Path(e["path"]).name]
        want = assignment.max_score if e["expected_score"] == "full" else 0.0
        assert g.score == want, (e["path"], g.score, [(t.name, t.assessment, t.score) for t in g.tasks])
    sheet = (tmp_path / "out" / "grades.csv").read_text()
    assert "sigmoid assessment" in sheet.splitlines()[0]
