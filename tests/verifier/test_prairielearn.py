"""verifier prairielearn: the external-grader entry point, against a fake /grade tree.

Every results.json written is read back and held to PrairieLearn's documented fields and types
(docs/prairielearn.md, "The results.json it writes") and to its 1 MB limit.
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from verifier.cli import ExitCode, main
from verifier.grading.assignment import load_assignment
from verifier.report.prairielearn_json import MAX_BYTES, dumps_within

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "prairielearn"

ASSIGNMENT = """
[assignment]
name = "pl class"
profile = "quick"
seed = 5
call_timeout = 0.5
submission_timeout = 60
[[task]]
name = "sigmoid"
target = "sigmoid"
checks = ["correctness.benign"]
points = 4
[[task]]
name = "gradient"
target = "gradient"
checks = ["correctness.benign"]
points = 6
"""

# params.assignment points here: sigmoid alone, its purity check worth a point and kept back
SIGMOID_ONLY = """
[assignment]
name = "sigmoid only"
profile = "quick"
seed = 5
call_timeout = 0.5
[[task]]
name = "sigmoid"
target = "sigmoid"
checks = ["correctness.benign", "contract.pure"]
points = 3
split = { correctness = 2, contract = 1 }
visibility = { contract = "after_due_date" }
"""

SIGMOID = """
import numpy as np

def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""
CORRECT = (
    SIGMOID
    + """
def compute_gradient_logistic(X, y, w, b):
    err = sigmoid(X @ w + b) - y
    return err.mean(), X.T @ err / X.shape[0]
"""
)
WRONG = CORRECT.replace("sigmoid(X @ w + b) - y", "y - sigmoid(X @ w + b)")
SYNTAX_ERROR = CORRECT.replace("def sigmoid(z):", "def sigmoid(z)")
# floods stdout while loading and when called, fills the load notes with 3000 long errors (well
# over 1 MB of feedback), and its gradient never returns; its sigmoid is correct
HOSTILE = (
    "import sys\nsys.stdout.write('flood ' * (1 << 20))\n"
    + "raise ValueError('noise ' + 'x' * 1500)\n" * 3000
    + SIGMOID
    + """
def compute_gradient_logistic(X, y, w, b):
    print('flood ' * 200000)
    while True:
        pass
"""
)

TOP_LEVEL = {"succeeded", "gradable", "score", "max_points", "format_errors", "message", "output", "images", "tests"}
TEST_FIELDS = {"name", "description", "points", "max_points", "message", "output", "images"}


def grade_tree(tmp_path, files: dict[str, str] | None, data: dict | None = None, toml: str | None = ASSIGNMENT):
    """A fake /grade: student/ with ``files`` (no folder when None), tests/assignment.toml, data/data.json."""
    root = tmp_path / "grade"
    root.mkdir()
    if files is not None:
        (root / "student").mkdir()
        for name, text in files.items():
            (root / "student" / name).write_text(text)
    if toml is not None:
        (root / "tests").mkdir()
        (root / "tests" / "assignment.toml").write_text(toml)
    (root / "data").mkdir()
    (root / "data" / "data.json").write_text(json.dumps(data if data is not None else {"params": {}}))
    return root


def run(root, *extra: str) -> int:
    return main(["prairielearn", "--root", str(root), *extra])


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def results(root) -> dict:
    """results.json, checked against PrairieLearn's documented fields and types and its size limit."""
    raw = (root / "results" / "results.json").read_bytes()
    assert len(raw) <= MAX_BYTES <= 1 << 20
    data = json.loads(raw)
    assert isinstance(data, dict) and set(data) <= TOP_LEVEL, set(data) - TOP_LEVEL
    assert isinstance(data["succeeded"], bool)
    assert is_number(data["score"]) and 0.0 <= data["score"] <= 1.0
    for key in ("message", "output"):
        assert isinstance(data.get(key, ""), str)
    if "gradable" in data:
        assert isinstance(data["gradable"], bool)
    if data.get("gradable") is False:
        errors = data["format_errors"]
        assert isinstance(errors, str) or (isinstance(errors, list) and all(isinstance(e, str) for e in errors))
        assert errors
    for test in data.get("tests", []):
        assert set(test) <= TEST_FIELDS and {"name", "points", "max_points"} <= set(test)
        assert isinstance(test["name"], str) and test["name"]
        assert all(isinstance(test[k], str) for k in ("description", "message", "output") if k in test)
        assert is_number(test["points"]) and is_number(test["max_points"])
        assert 0 <= test["points"] <= test["max_points"]
        assert isinstance(test.get("images", []), list)
    if data.get("tests") and "max_points" in data:
        earned = sum(t["points"] for t in data["tests"])
        assert data["score"] == pytest.approx(earned / data["max_points"], abs=1e-6)
    return data


def by_name(data: dict) -> dict[str, dict]:
    return {t["name"]: t for t in data["tests"]}


# --------------------------------------------------------------------------- graded submissions
def test_a_correct_submission_through_python_dash_m_scores_1(tmp_path):
    root = grade_tree(tmp_path, {"lab.py": CORRECT}, {"params": {}, "variant_seed": 4321})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "verifier", "prairielearn", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == ExitCode.OK, proc.stderr
    data = results(root)
    assert data["succeeded"] is True and data["gradable"] is True
    assert data["score"] == 1.0 and data["max_points"] == 10.0
    tests = by_name(data)
    assert set(tests) == {"sigmoid: correctness.benign", "gradient: correctness.benign"}
    assert tests["gradient: correctness.benign"]["points"] == tests["gradient: correctness.benign"]["max_points"] == 6.0
    assert "compute_gradient_logistic" in tests["gradient: correctness.benign"]["description"]
    assert "wrote" in proc.stderr and "10 / 10 points" in proc.stderr


def test_a_wrong_gradient_gets_partial_credit_and_the_failing_tests_message(tmp_path):
    root = grade_tree(tmp_path, {"lab.py": WRONG})
    assert run(root) == ExitCode.OK
    data = results(root)
    assert data["gradable"] is True and 0.0 < data["score"] < 1.0
    assert data["score"] == pytest.approx(0.4)  # sigmoid's 4 of 10 points
    failed = by_name(data)["gradient: correctness.benign"]
    assert failed["points"] == 0.0 and failed["max_points"] == 6.0
    assert failed["message"] == "Not within the robust float64 envelope"
    assert "Smallest failing input" in failed["output"] and "Wrong sign" in failed["output"]
    assert by_name(data)["sigmoid: correctness.benign"]["points"] == 4.0
    assert "gradient (compute_gradient_logistic): wrong, 0 / 6" in data["output"]


# --------------------------------------------------------------------------- not gradable
@pytest.mark.parametrize(
    "files, needles",
    [
        ({"lab.py": SYNTAX_ERROR}, ["lab.py", "line 4", "SyntaxError"]),
        ({"lab.py": SIGMOID}, ["lab.py", "compute_gradient_logistic", "functions defined: sigmoid"]),
        ({"notes.txt": "my answer is in my head"}, ["no .py or .ipynb file", "compute_gradient_logistic"]),
    ],
    ids=["syntax-error", "missing-function", "no-source"],
)
def test_a_submission_that_does_not_load_is_not_gradable(tmp_path, files, needles):
    root = grade_tree(tmp_path, files)
    assert run(root) == ExitCode.OK  # PrairieLearn reads results.json only after exit 0
    data = results(root)
    assert data["succeeded"] is True and data["gradable"] is False
    assert "tests" not in data
    text = "\n".join(data["format_errors"])
    for needle in needles:
        assert needle in text
    assert "does not count as an attempt" in data["message"]


# --------------------------------------------------------------------------- hostile
def test_a_hostile_submission_gets_a_valid_results_file_under_1_mb_with_a_note(tmp_path):
    root = grade_tree(tmp_path, {"lab.py": HOSTILE})
    assert run(root) == ExitCode.OK
    raw = (root / "results" / "results.json").read_bytes()
    assert len(raw) <= 1_000_000
    data = results(root)
    assert data["gradable"] is True
    assert "shortened to keep results.json within PrairieLearn's 1 MB limit" in data["message"]
    assert re.search(r"\[\.\.\. \d+ more characters left out: results.json is limited to 1 MB\]", data["output"])
    hang = by_name(data)["gradient: correctness.benign"]
    assert hang["points"] == 0.0 and "did not return within" in hang["message"]
    assert by_name(data)["sigmoid: correctness.benign"]["points"] == 4.0


# --------------------------------------------------------------------------- params.assignment
def test_params_assignment_in_data_json_is_used(tmp_path):
    # the default assignment grades the gradient too, which this submission lacks (not gradable)
    root = grade_tree(tmp_path, {"lab.py": SIGMOID}, {"params": {"assignment": "serverFilesCourse/w3/sigmoid.toml"}})
    (root / "serverFilesCourse" / "w3").mkdir(parents=True)
    (root / "serverFilesCourse" / "w3" / "sigmoid.toml").write_text(SIGMOID_ONLY)
    assert run(root) == ExitCode.OK
    data = results(root)
    assert data["gradable"] is True and data["score"] == 1.0 and data["max_points"] == 3.0
    tests = by_name(data)
    assert set(tests) == {"sigmoid: correctness.benign", "sigmoid: contract.pure"}
    kept_back = tests["sigmoid: contract.pure"]
    assert kept_back["points"] == 1.0 and "withheld (after_due_date)" in kept_back["message"]
    assert kept_back["output"] == ""
    assert data["output"].startswith("sigmoid only: 3 / 3 points")


@pytest.mark.parametrize(
    "given, needle",
    [("../outside.toml", "leaves"), ("tests/../../outside.toml", "leaves"), ("tests/link.toml", "leaves")],
)
def test_a_params_assignment_that_leaves_the_grade_folder_is_refused(tmp_path, capsys, given, needle):
    root = grade_tree(tmp_path, {"lab.py": CORRECT}, {"params": {"assignment": given}})
    (tmp_path / "outside.toml").write_text(ASSIGNMENT)  # a valid assignment, but outside the job
    (root / "tests" / "link.toml").symlink_to(tmp_path / "outside.toml")
    assert run(root) == ExitCode.USAGE
    data = results(root)
    assert data["succeeded"] is False and needle in data["message"] and given in data["message"]
    assert "tests" not in data and "gradable" not in data
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "leaves" in err


def test_an_absolute_params_assignment_is_refused(tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_text(ASSIGNMENT)
    root = grade_tree(tmp_path, {"lab.py": CORRECT}, {"params": {"assignment": str(outside)}})
    assert run(root) == ExitCode.USAGE
    data = results(root)
    assert data["succeeded"] is False and "relative to" in data["message"]


# --------------------------------------------------------------------------- a job that cannot be graded
def test_a_missing_student_folder_writes_results_and_exits_2(tmp_path, capsys):
    root = grade_tree(tmp_path, None)
    assert run(root) == ExitCode.USAGE
    data = results(root)
    assert data["succeeded"] is False
    assert "misconfigured" in data["message"] and "student: no such folder" in data["message"]
    assert "student: no such folder" in capsys.readouterr().err


def test_a_missing_assignment_writes_results_and_exits_2(tmp_path, capsys):
    root = grade_tree(tmp_path, {"lab.py": CORRECT}, toml=None)
    assert run(root) == ExitCode.USAGE
    data = results(root)
    assert data["succeeded"] is False and "tests/assignment.toml" in data["message"]
    assert "no such file" in data["message"]
    assert "tests/assignment.toml" in capsys.readouterr().err


def test_a_mistake_in_the_assignment_is_named(tmp_path):
    root = grade_tree(tmp_path, {"lab.py": CORRECT}, toml=ASSIGNMENT.replace("points = 4", "pionts = 4"))
    assert run(root) == ExitCode.USAGE
    data = results(root)
    assert data["succeeded"] is False and "pionts" in data["message"]


def test_a_broken_data_json_writes_results_and_exits_2(tmp_path):
    root = grade_tree(tmp_path, {"lab.py": CORRECT})
    (root / "data" / "data.json").write_text("{not json")
    assert run(root) == ExitCode.USAGE
    data = results(root)
    assert data["succeeded"] is False and "data.json" in data["message"]


def test_a_failure_of_the_verifier_itself_writes_results_and_exits_1(tmp_path, monkeypatch, capsys):
    from verifier.grading import batch

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(batch, "grade_many", explode)
    root = grade_tree(tmp_path, {"lab.py": CORRECT})
    assert run(root) == ExitCode.FAILED  # not 0: PrairieLearn must not record a grade
    data = results(root)
    assert data["succeeded"] is False and "RuntimeError: disk on fire" in data["message"]
    assert "Traceback" in data["output"]
    assert "disk on fire" in capsys.readouterr().err


# --------------------------------------------------------------------------- the 1 MB limit
def test_dumps_within_shortens_the_longest_texts_and_says_so():
    data = {
        "succeeded": True,
        "gradable": True,
        "score": 0.5,
        "message": "5 / 10 points.",
        "output": "summary\n" + "o" * 3_000_000,
        "tests": [
            dict(name=f"t{i}", description="d", points=0.0, max_points=1.0, message="m", output="x" * 5000)
            for i in range(400)
        ],
    }
    text = dumps_within(data)
    assert len(text.encode()) <= MAX_BYTES
    back = json.loads(text)
    assert back["score"] == 0.5 and len(back["tests"]) == 400
    assert back["message"].endswith("5 / 10 points.") and "1 MB limit" in back["message"]
    assert back["output"].startswith("summary\n") and "more characters left out" in back["output"]
    assert [t["name"] for t in back["tests"]] == [f"t{i}" for i in range(400)]
    small = {"succeeded": True, "score": 1.0, "message": "é" * 10}  # fits: left as it is, in ASCII
    text = dumps_within(small)
    assert text.isascii() and json.loads(text) == small


def test_dumps_within_keeps_names_and_points_when_texts_alone_do_not_fit():
    tests = [{"name": f"t{i}", "points": 1.0, "max_points": 1.0, "message": "m" * 300} for i in range(3000)]
    data = {"succeeded": True, "gradable": True, "score": 1.0, "message": "ok", "output": "o", "tests": tests}
    text = dumps_within(data, limit=100_000)
    assert len(text) <= 100_000
    back = json.loads(text)
    assert back["score"] == 1.0 and back["tests"] and set(back["tests"][0]) == {"name", "points", "max_points"}
    assert f"{3000 - len(back['tests'])} tests are left out" in back["message"]


# --------------------------------------------------------------------------- the recipe
def test_the_example_question_is_a_valid_recipe():
    info = json.loads((EXAMPLE / "info.json").read_text())
    assert info["gradingMethod"] == "External"
    options = info["externalGradingOptions"]
    assert options["enabled"] is True and isinstance(options["image"], str) and options["image"]
    entry = options["entrypoint"]
    assert (entry if isinstance(entry, str) else " ".join(entry)).split()[1:2] == ["prairielearn"]
    assert isinstance(options["timeout"], int) and 0 < options["timeout"] <= 600
    assert options.get("enableNetworking", False) is False
    assignment = load_assignment(EXAMPLE / "tests" / "assignment.toml")
    assert assignment.submission_timeout < options["timeout"]  # a hanging submission still gets results.json
    with open(EXAMPLE / "tests" / "assignment.toml", "rb") as f:
        assert tomllib.load(f)["assignment"]["submission_timeout"] == assignment.submission_timeout
    html = (EXAMPLE / "question.html").read_text()
    assert "<pl-external-grader-results>" in html and "lab.py" in html


def test_the_info_json_of_the_docs_parses():
    text = (ROOT / "docs" / "prairielearn.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        json.loads(block)
