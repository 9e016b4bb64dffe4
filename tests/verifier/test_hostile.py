"""A class of hostile submissions graded in one batch with correct ones (tests/hostile/).

Every hostile submission scores 0 with a finding that names what it did, every correct one gets full
marks, the batch finishes, nothing outside the output folder changes, no process of a submission
survives, and the reports show the submissions' text as text.  The batch runs the command line
against a copy of the verifier package, so that a failure of containment cannot change this checkout.
"""

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from verifier import sandbox

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "hostile"
DAEMON_TOKEN = b"HOSTILE-DAEMON-6f1d"
MARKUP_NAME = "=1+1<img src=x onerror=alert(1)>"

# a correct submission of the three mls functions, shared with the corpus
CORRECT = (ROOT / "tests" / "corpus" / "correct_stable_branch.py").read_text()

ASSIGNMENT = """
[assignment]
name = "hostile class"
profile = "quick"
seed = 7
call_timeout = 0.5
submission_timeout = 90
""" + "".join(
    f'\n[[task]]\nname = "{name}"\nfunction = "{function}"\ntarget = "{name}"\nconvention = "mls"\npoints = 10\n'
    'checks = ["correctness.benign"]\n'
    for name, function in (
        ("sigmoid", "sigmoid"),
        ("cost", "compute_cost_logistic"),
        ("gradient", "compute_gradient_logistic"),
    )
)

# What each hostile submission's findings must say; the layer it needs for that, where one does.
EXPECTED = {
    "memory_grab": ("MemoryError", None),
    # the pids limit stops the loop (BlockingIOError); with a 0.5 s limit on a loaded machine the time limit
    # may come first (the limit itself is checked with time to reach it in the last test of this file)
    "fork_loop": (("BlockingIOError", "did not return within"), "cgroup-pids"),
    "busy_loop": ("did not return within", None),
    "sleeps_past_limit": ("did not return within", None),
    "ignores_sigterm": ("did not return within", None),
    "os_exit_at_import": ("exited with code 0 while loading", None),
    "sys_exit_at_import": ("sys.exit(0) while being imported", None),
    "os_exit_at_call": ("exited with code 0 during the call", None),
    "sys_exit_at_call": ("sys.exit(0) during the call", None),
    "daemon_child": ("did not return within", None),
    "output_flood": ("printed output: flood flood", None),
    "fake_passed": ("printed output: PASSED", None),
    "eq_override": ("BadOutput: returned an object of type Anything", None),
    "array_protocol": ("BadOutput: returned an object of type Lazy", None),
    "ndarray_subclass": ("BadOutput: returned an object of type Agreeable", None),
    "monkeypatch": ("Not within the robust float64 envelope", None),
    "read_siblings": ("found no other submission to copy", "mount-namespace"),
    "write_verifier": ("could not tamper with the verifier", "unprivileged-user"),
    "deep_recursion": ("SIGSEGV", None),
    "socket_connect": ("Network is unreachable", "network-namespace"),
    "script_in_message": ("<script>alert('pwned')</script>", None),
    MARKUP_NAME: ("<script>alert('pwned')</script>", None),
}


def _tree_digest(*roots: Path, skip: Path | None = None) -> dict[str, str]:
    digest = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and (skip is None or Path(folder, d) != skip))
            for name in files:
                path = Path(folder, name)
                digest[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def _daemons() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if DAEMON_TOKEN in Path("/proc", entry, "cmdline").read_bytes():
                    found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    subs = base / "subs"
    subs.mkdir()
    for path in HOSTILE.glob("*.py"):
        shutil.copy(path, subs / path.name)
    shutil.copy(HOSTILE / "script_in_message.py", subs / f"{MARKUP_NAME}.py")
    (subs / "correct_a.py").write_text(CORRECT)
    (subs / "correct_b.py").write_text(CORRECT)
    toml = base / "assignment.toml"
    toml.write_text(ASSIGNMENT)
    pkg = base / "pkg"  # the verifier the batch runs: a copy, whatever a submission manages to do
    for name in ("verifier", "reference"):
        shutil.copytree(ROOT / name, pkg / name, ignore=shutil.ignore_patterns("__pycache__"))
    out = base / "out"
    before = _tree_digest(base, ROOT / "verifier", ROOT / "reference", skip=out)
    env = {**os.environ, "PYTHONPATH": str(pkg)}
    where = subprocess.run(
        [sys.executable, "-c", "import verifier; print(verifier.__file__)"],
        env=env,
        cwd=base,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where == str(pkg / "verifier" / "__init__.py")  # never this checkout's package
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "verifier",
            "grade",
            str(subs),
            "--assignment",
            str(toml),
            "--out",
            str(out),
            "--jobs",
            "2",
            "-q",
        ],
        env=env,
        cwd=base,
        capture_output=True,
        text=True,
        timeout=600,
    )
    after = _tree_digest(base, ROOT / "verifier", ROOT / "reference", skip=out)
    survivors = _daemons()
    for pid in survivors:  # never leave one behind, even when the test fails
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    grades = {}
    for p in out.glob("submissions/*/grade.json"):
        g = json.loads(p.read_text())
        grades[g["submission"]] = g
    return {
        "proc": proc,
        "out": out,
        "grades": grades,
        "before": before,
        "after": after,
        "survivors": survivors,
        "layers": sandbox.active_layers(refresh=True),
    }


def _findings(grade: dict) -> str:
    """Every message a failing check of the grade carries, and its findings."""
    parts = [grade.get("error", "")]
    for task in grade["tasks"]:
        parts.append(task.get("error", ""))
        for check in task["checks"]:
            if not check["passed"]:
                parts.append(check["message"])
        for check in (task.get("result") or {}).get("checks", ()):
            parts.extend(check.get("findings") or ())
    return "\n".join(parts)


def test_the_batch_finishes_and_grades_everyone(batch):
    assert batch["proc"].returncode == 0, batch["proc"].stderr
    assert set(batch["grades"]) == set(EXPECTED) | {"correct_a", "correct_b"}


def test_correct_submissions_get_full_marks(batch):
    for name in ("correct_a", "correct_b"):
        grade = batch["grades"][name]
        assert grade["score"] == grade["max_score"] == 30, _findings(grade)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_hostile_submission_scores_zero_with_a_finding_that_names_it(batch, name):
    text, layer = EXPECTED[name]
    grade = batch["grades"][name]
    if layer is not None and layer not in batch["layers"]:
        pytest.skip(f"needs the {layer} isolation layer, which this system does not give")
    assert grade["score"] == 0, _findings(grade)
    texts = (text,) if isinstance(text, str) else text
    assert any(t in _findings(grade) for t in texts), _findings(grade)


def test_nothing_outside_the_output_folder_changes(batch):
    changed = {p for p in set(batch["before"]) | set(batch["after"]) if batch["before"].get(p) != batch["after"].get(p)}
    assert not changed


def test_no_forged_result_reaches_the_output_folder(batch):
    out = batch["out"]
    for path in out.glob("submissions/*/results.json"):
        data = json.loads(path.read_text())
        assert "All tests PASSED" != data.get("output")
    assert json.loads((out / "submissions" / "fake_passed" / "results.json").read_text())["score"] == 0


def test_no_process_of_a_submission_survives(batch):
    assert batch["survivors"] == []


def test_reports_show_submission_text_as_text(batch):
    out = batch["out"]
    pages = [out / "index.html", *out.glob("submissions/*/report.html")]
    for page in pages:
        html = page.read_text()
        assert "<script" not in html.lower(), page
        assert "<img src=x" not in html, page
    page = next(p for p in out.glob("submissions/*/report.html") if "script_in_message" in str(p))
    assert "&lt;script&gt;alert(" in page.read_text()
    index = (out / "index.html").read_text()
    assert "=1+1&lt;img src=x onerror=alert(1)&gt;" in index


def test_csv_cells_from_submissions_never_start_a_formula(batch):
    rows = list(csv.reader((batch["out"] / "grades.csv").read_text().splitlines()))
    header, body = rows[0], rows[1:]
    assert len(body) == len(batch["grades"])
    for row in body:
        for cell in (row[0], row[header.index("error")]):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert any(row[0] == "'" + MARKUP_NAME for row in body)


def test_junit_parses_and_keeps_the_hostile_text_as_text(batch):
    root = ET.parse(batch["out"] / "junit.xml").getroot()
    names = {suite.get("name") for suite in root.iter("testsuite")}
    assert MARKUP_NAME in names
    texts = [f.text or "" for f in root.iter("failure")]
    assert any("<script>alert('pwned')</script>" in t and "]]></failure>" in t for t in texts)
    assert int(root.get("tests")) == 3 * len(batch["grades"])


def test_reports_name_the_isolation_layers(batch):
    page = (batch["out"] / "submissions" / "correct_a" / "report.html").read_text()
    for layer in batch["layers"]:
        assert layer in page
    grade = batch["grades"]["correct_a"]
    assert grade["versions"]["isolation"] == ", ".join(batch["layers"])
    assert re.search(r"pid-namespace|process-group", grade["versions"]["isolation"])


def test_the_process_limit_stops_a_fork_bomb_with_blocking_io_error():
    """The class above runs with a 0.5 s call limit, where a loaded machine may reach the time limit
    before the process limit; given time, the fork loop must be stopped by the pids cgroup itself."""
    import verifier

    if "cgroup-pids" not in sandbox.active_layers(refresh=True):
        pytest.skip("needs the cgroup-pids isolation layer, which this system does not give")
    result = verifier.check(
        str(HOSTILE / "fork_loop.py"), target="sigmoid", profile="quick", only=["correctness.benign"], call_timeout=15
    )
    assert not result.passed
    assert "BlockingIOError" in result.checks[0].message, result.checks[0].message
