"""Grading a class: discovery, seeds, scores, hostile submissions, time limits and resuming."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.grading import batch
from verifier.grading import scoring as grading
from verifier.grading.assignment import parse_assignment
from verifier.grading.batch import grade_class
from verifier.grading.discovery import Submission, discover, slugify, source_for
from verifier.grading.scoring import derive_seed
from verifier.grading.store import read_grade
from verifier.report.views import CLASS_REPORTS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "submissions"

CORRECT = """
import numpy as np

def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

def compute_gradient_logistic(X, y, w, b):
    err = sigmoid(X @ w + b) - y
    return err.mean(), X.T @ err / X.shape[0]
"""
WRONG = CORRECT.replace("sigmoid(X @ w + b) - y", "y - sigmoid(X @ w + b)")
EXITS = "import os\nos._exit(3)\n"
LOOPS = "def sigmoid(z):\n    while True:\n        pass\n"


def small_assignment(**head):
    head = {"name": "test class", "profile": "quick", "seed": 11, "call_timeout": 0.5, **head}
    return parse_assignment(
        {
            "assignment": head,
            "task": [
                {
                    "name": "sigmoid",
                    "target": "sigmoid",
                    "points": 4,
                    "checks": ["correctness.benign", "contract.pure"],
                    "split": {"correctness": 3, "contract": 1},
                },
                {"name": "gradient", "target": "gradient", "points": 6, "checks": ["correctness.benign"]},
            ],
        },
        "test.toml",
    )


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    subs = base / "subs"
    subs.mkdir()
    (subs / "correct.py").write_text(CORRECT)
    (subs / "wrong.py").write_text(WRONG)
    (subs / "exits.py").write_text(EXITS)
    (subs / "loops.py").write_text(LOOPS)
    shutil.copy(EXAMPLES / "carol.ipynb", subs / "notebook.ipynb")
    (subs / "folder").mkdir()
    (subs / "folder" / "helpers.py").write_text("def unrelated():\n    return 1\n")
    (subs / "folder" / "lab.py").write_text(CORRECT)
    (subs / ".hidden.py").write_text(CORRECT)
    out = base / "out"
    assignment = small_assignment()
    run = grade_class(subs, assignment, out, jobs=2, progress=None, views=CLASS_REPORTS)
    return subs, out, assignment, {g.submission: g for g in run.grades}, run


# --------------------------------------------------------------------------- discovery and seeds
def test_discover_files_and_folders_and_skips_hidden(tmp_path):
    (tmp_path / "a.py").write_text("")
    (tmp_path / "b.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / ".secret.py").write_text("")
    (tmp_path / "carl").mkdir()
    (tmp_path / "carl" / "x.py").write_text("")
    (tmp_path / "carl" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "carl" / ".ipynb_checkpoints" / "x-checkpoint.py").write_text("")
    subs = {s.name: s for s in discover(tmp_path)}
    assert set(subs) == {"a", "b", "carl"}
    assert [p.name for p in subs["carl"].sources] == ["x.py"]


def test_same_stem_py_and_ipynb_keep_their_extensions(tmp_path):
    (tmp_path / "ann.py").write_text("")
    (tmp_path / "ann.ipynb").write_text("{}")
    assert sorted(s.name for s in discover(tmp_path)) == ["ann.ipynb", "ann.py"]


def test_slugs_are_safe_and_distinct():
    assert slugify("alice") == "alice"
    odd = slugify("../<b>=1+1")
    assert "/" not in odd and "<" not in odd and odd != slugify("../<b>=1+2")


def test_the_source_that_defines_the_function_is_chosen(tmp_path):
    (tmp_path / "a_helpers.py").write_text("def other():\n    pass\n")
    (tmp_path / "b_lab.ipynb").write_text(
        json.dumps({"cells": [{"cell_type": "code", "source": ["def sigmoid(z):\n", "    return z\n"]}]})
    )
    sources = tuple(sorted(tmp_path.iterdir()))
    assert source_for(sources, ["sigmoid"]).name == "b_lab.ipynb"
    assert source_for(sources, ["missing"]).name == "a_helpers.py"


def test_seeds_derive_from_the_assignment_seed_and_the_name():
    assert derive_seed(1, "alice") == derive_seed(1, "alice")
    assert len({derive_seed(1, "alice"), derive_seed(2, "alice"), derive_seed(1, "bob")}) == 3
    assert 0 <= derive_seed(1, "alice") < 2**32


# --------------------------------------------------------------------------- a graded class
def test_every_submission_is_graded_and_written(graded_class):
    subs, out, assignment, grades, run = graded_class
    assert set(grades) == {"correct", "wrong", "exits", "loops", "notebook", "folder"}
    for g in grades.values():
        folder = out / "submissions" / g.slug
        assert {p.name for p in folder.iterdir()} >= {"grade.json", "report.html", "results.json"}
        assert g.seed == derive_seed(assignment.seed, g.submission)
        assert g.max_score == 10
    for name in ("index.html", "grades.csv", "junit.xml"):
        assert (out / name).stat().st_size > 0


def test_scores_follow_the_checks(graded_class):
    grades = graded_class[3]
    assert grades["correct"].score == 10 and grades["correct"].verdict == "pass"
    assert grades["notebook"].score == 10
    assert grades["folder"].score == 10 and grades["folder"].tasks[0].source.endswith("lab.py")
    wrong = grades["wrong"]
    assert wrong.tasks[0].score == 4 and wrong.tasks[1].score == 0
    assert wrong.verdict == "fail"


def test_a_submission_that_exits_at_import_scores_zero_with_the_reason(graded_class):
    g = graded_class[3]["exits"]
    assert g.score == 0
    messages = " ".join(c.message for t in g.tasks for c in t.checks)
    assert "could not be loaded" in messages and "exit" in messages.lower()


def test_a_submission_that_loops_forever_scores_zero_and_the_batch_goes_on(graded_class):
    g = graded_class[3]["loops"]
    benign = g.tasks[0].checks[0]
    assert benign.id == "correctness.benign" and not benign.passed and "time limit" in benign.message
    assert g.score <= 1  # at most the purity check: a call that never returns modifies nothing
    assert graded_class[3]["correct"].score == 10  # graded in the same batch


def test_a_second_run_reuses_every_grade_without_touching_it(graded_class):
    subs, out, assignment, grades, _ = graded_class
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("submissions/*/grade.json")}
    run = grade_class(subs, assignment, out, jobs=2, progress=None, views=CLASS_REPORTS)
    assert run.reused == len(grades) and run.graded == 0
    assert all(g.summary for g in run.grades)  # read back as a class run keeps them
    assert {p: p.stat().st_mtime_ns for p in out.glob("submissions/*/grade.json")} == stamps


def _without_samples(data):
    for task in data["tasks"]:
        for check in (task["result"] or {}).get("checks", ()):
            check["samples"] = []
    return data


def test_a_class_run_keeps_each_grade_whole_but_for_its_plot_samples(graded_class):
    _, out, _, grades, _ = graded_class
    plotted = 0
    for g in grades.values():
        whole = read_grade(out / "submissions" / g.slug / "grade.json")
        assert g.summary and not whole.summary
        assert all(not c.samples for t in g.tasks if t.result for c in t.result.checks)
        plotted += sum(len(c.samples) for t in whole.tasks if t.result for c in t.result.checks)
        # everything else is kept exactly: scores, checks, messages, counterexamples, diagnoses
        assert g.to_json() == _without_samples(whole.to_json())
        assert g.for_class() is g
        # read straight into the kept form (what a resumed run and a merge do): the same grade
        read_kept = read_grade(out / "submissions" / g.slug / "grade.json", whole=False)
        assert read_kept.summary and read_kept.to_json() == g.to_json()
    assert plotted > 0  # the stored grades do have the samples the reports plot


def test_the_class_views_from_the_kept_grades_are_those_of_the_whole_grades(graded_class):
    from verifier.report.csv_grades import grades_csv
    from verifier.report.html import render_index
    from verifier.report.junit import junit_xml

    _, out, assignment, grades, run = graded_class
    whole = [read_grade(out / "submissions" / g.slug / "grade.json") for g in run.grades]
    for view in (grades_csv, junit_xml, render_index):
        assert view(run.grades, assignment) == view(whole, assignment)


def test_texts_a_class_repeats_are_one_object_in_memory(graded_class):
    grades = list(graded_class[3].values())
    titles = {}
    for g in grades:
        for t in g.tasks:
            for c in t.checks:
                titles.setdefault((t.name, c.id), c.title)
                assert c.title is titles[(t.name, c.id)]
    assert grades[0].versions is grades[1].versions


def test_a_grade_kept_for_the_class_views_is_never_stored_as_the_record(graded_class, tmp_path):
    from verifier.grading.store import write_grade

    g = graded_class[3]["correct"]
    with pytest.raises(ValueError, match="not a record"):
        write_grade(tmp_path, g)
    assert not (tmp_path / "grade.json").exists()


def test_a_resumed_run_writes_a_missing_report_from_the_whole_grade(graded_class, tmp_path):
    subs, out, assignment, _, _ = graded_class
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    report = copy / "submissions" / "correct" / "report.html"
    before = report.read_text()
    report.unlink()
    run = grade_class(subs, assignment, copy, jobs=1, progress=None, views=CLASS_REPORTS)
    assert run.graded == 0
    assert report.read_text() == before  # the error plots included: drawn from the stored samples


_TEXT = st.text(st.characters(exclude_categories=("Cs",)))  # what UTF-8 can hold: no lone surrogates


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT, max_size=12), _TEXT)
def test_atomic_write_writes_a_text_or_its_pieces_in_order(pieces, old):
    from verifier.grading.store import atomic_write

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sub" / "view.txt"
        atomic_write(path, old)
        assert path.read_bytes() == old.encode("utf-8")
        atomic_write(path, iter(pieces))
        assert path.read_bytes() == "".join(pieces).encode("utf-8")
        assert [p.name for p in path.parent.iterdir()] == ["view.txt"]


def test_a_failure_while_writing_pieces_keeps_the_old_file_and_leaves_nothing(tmp_path):
    from verifier.grading.store import atomic_write

    path = tmp_path / "junit.xml"
    path.write_text("old")

    def pieces():
        yield "new, "
        raise RuntimeError("a view failed half way")

    with pytest.raises(RuntimeError):
        atomic_write(path, pieces())
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["junit.xml"]


def test_a_changed_assignment_regrades(tmp_path, monkeypatch):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.py").write_text(CORRECT)
    calls = []

    def fake(sub, assignment, seed=None):
        calls.append(sub.name)
        return grading.failed_grade(sub, assignment, "fake")

    monkeypatch.setattr(batch, "grade_submission", fake)
    grade_class(tmp_path / "s", small_assignment(), tmp_path / "o", progress=None, views=CLASS_REPORTS)
    grade_class(tmp_path / "s", small_assignment(), tmp_path / "o", progress=None, views=CLASS_REPORTS)
    grade_class(tmp_path / "s", small_assignment(seed=12), tmp_path / "o", progress=None, views=CLASS_REPORTS)
    assert len(calls) == 0  # graded in forked processes: the parent's list stays empty
    g = read_grade(tmp_path / "o" / "submissions" / "a" / "grade.json")
    assert g.error == "fake" and g.assignment_hash == small_assignment(seed=12).digest()


def test_a_crash_of_the_grading_process_is_a_zero_with_the_reason(tmp_path, monkeypatch):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "boom.py").write_text(CORRECT)
    (tmp_path / "s" / "dies.py").write_text(CORRECT)

    def crash(sub, assignment, seed=None):
        if sub.name == "dies":
            os._exit(9)
        raise RuntimeError("verifier bug")

    monkeypatch.setattr(batch, "grade_submission", crash)
    run = grade_class(tmp_path / "s", small_assignment(), tmp_path / "o", jobs=2, progress=None, views=CLASS_REPORTS)
    by = {g.submission: g for g in run.grades}
    assert by["boom"].score == 0 and "RuntimeError: verifier bug" in by["boom"].error
    assert by["dies"].score == 0 and "exit status 9" in by["dies"].error
    assert by["dies"].verdict == "error"


def test_a_submission_over_its_time_limit_is_stopped(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "slow.py").write_text("import time\n\ndef sigmoid(z):\n    time.sleep(60)\n")
    assignment = small_assignment(call_timeout=30.0, submission_timeout=1.0)
    run = grade_class(tmp_path / "s", assignment, tmp_path / "o", progress=None, views=CLASS_REPORTS)
    (g,) = run.grades  # the call limit is 30 s: only the 1 s submission limit can have stopped it
    assert g.score == 0 and "submission time limit" in g.error


def test_progress_lines_when_not_a_terminal(tmp_path, capsys):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.py").write_text(EXITS)
    grade_class(tmp_path / "s", small_assignment(), tmp_path / "o", progress=sys.stderr, views=CLASS_REPORTS)
    assert "graded 1/1: a: 0/10" in capsys.readouterr().err


def test_jobs_must_be_positive(tmp_path):
    from verifier.errors import UsageError

    with pytest.raises(UsageError, match="--jobs"):
        batch.grade_many([], small_assignment(), tmp_path, jobs=0)


# --------------------------------------------------------------------------- resuming after kill -9
def _strip_times(data):
    if isinstance(data, dict):
        return {k: _strip_times(v) for k, v in data.items() if k not in ("elapsed", "diagnosis_elapsed")}
    if isinstance(data, list):
        return [_strip_times(v) for v in data]
    return data


def _grades(out: Path) -> dict[str, dict]:
    return {p.parent.name: _strip_times(json.loads(p.read_text())) for p in out.glob("submissions/*/grade.json")}


def test_a_killed_run_resumes_without_losing_or_redoing_work(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(5):
        (subs / f"s{i}.py").write_text(CORRECT if i % 2 == 0 else WRONG)
    toml = tmp_path / "a.toml"
    toml.write_text(
        '[assignment]\nprofile = "quick"\nseed = 5\ncall_timeout = 2.0\n'
        '[[task]]\ntarget = "sigmoid"\nchecks = ["correctness.benign", "contract.pure"]\n'
        '[[task]]\ntarget = "gradient"\nchecks = ["correctness.benign"]\n'
    )
    cmd = [sys.executable, "-m", "verifier", "grade", str(subs), "--assignment", str(toml), "--jobs", "1", "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    subprocess.run(cmd + ["--out", str(tmp_path / "whole")], check=True, env=env, capture_output=True, timeout=300)
    whole = _grades(tmp_path / "whole")
    assert len(whole) == 5

    out = tmp_path / "killed"
    proc = subprocess.Popen(cmd + ["--out", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(out.glob("submissions/*/grade.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(1.0)  # the orphaned grading process gets SIGTERM from the kernel and stops
    done = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("submissions/*/grade.json")}
    assert 1 <= len(done) < 5

    result = subprocess.run(cmd + ["--out", str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"({len(done)} from an earlier run)" in result.stdout
    for p, stamp in done.items():  # finished grades were kept, not recomputed
        assert (p.stat().st_ino, p.stat().st_mtime_ns) == stamp
    assert len(list(out.glob("submissions/*/grade.json"))) == 5
    assert not list(out.glob("submissions/*/.*.tmp"))
    assert _grades(out) == whole


def test_a_progress_bar_on_a_terminal():
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    bar = batch.Progress(2, stream)
    bar.update(running=2)
    g = grading.failed_grade(Submission("a", (), "a"), small_assignment(), "x")
    bar.update(running=1, finished=g)
    bar.update(running=0, finished=g)
    text = stream.getvalue()
    assert "\r[" in text and "0/2 graded, 2 running" in text and "2/2 graded" in text and text.endswith("\n")
