"""The pytest plugin: inert without --verify; with it, one test item per check, and pytest-html
extras (counterexample table, plot) on failures."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_grading import CORRECT, WRONG

ROOT = Path(__file__).resolve().parents[2]


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{cwd}"}
    env.pop("PYTEST_ADDOPTS", None)
    quiet = [] if "-v" in args else ["-q"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *quiet, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path):
    (tmp_path / "good.py").write_text(CORRECT)
    (tmp_path / "bad.py").write_text(WRONG)
    (tmp_path / "test_plain.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
    return tmp_path


def test_the_plugin_is_registered_and_inert_without_verify(project):
    help_text = run_pytest(project, "--help").stdout
    assert "--verify=MODULE:FUNCTION" in help_text
    r = run_pytest(project)
    assert r.returncode == 0 and "1 passed" in r.stdout


def test_verify_needs_a_target(project):
    r = run_pytest(project, "--verify", "good:sigmoid")
    assert r.returncode != 0 and "--verify needs --target" in r.stderr


def test_each_check_is_a_test_item(project):
    r = run_pytest(
        project,
        "--verify",
        "good:compute_gradient_logistic",
        "--target",
        "gradient",
        "--verify-profile",
        "quick",
        "--verify-seed",
        "3",
        "-v",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verify good:compute_gradient_logistic::correctness.benign PASSED" in r.stdout
    assert "contract.pure PASSED" in r.stdout
    assert "test_one" not in r.stdout  # only the verification items, no test paths given


def test_failures_carry_the_counterexample_and_the_diagnosis_into_pytest_html(project):
    r = run_pytest(
        project,
        "--verify",
        "bad.py::compute_gradient_logistic",
        "--target",
        "gradient",
        "--verify-profile",
        "quick",
        "--verify-seed",
        "3",
        "--html=reports/x.html",
        "--self-contained-html",
        "-k",
        "benign",
    )
    assert r.returncode == 1
    assert "correctness.benign failed for bad.py::compute_gradient_logistic" in r.stdout
    assert "Smallest failing input" in r.stdout and "--verify-seed 3" in r.stdout
    html = (project / "reports" / "x.html").read_text()
    assert "Smallest failing input" in html  # the failure text
    assert "Likely mistake" in html and "expected" in html  # the counterexample table extra
    assert "error / envelope" in html and "svg" in html  # the plot extra, coloured by the ratio to the envelope


def test_explicit_test_paths_still_run_beside_the_checks(project):
    r = run_pytest(
        project,
        "test_plain.py",
        "--verify",
        "good:sigmoid",
        "--target",
        "sigmoid",
        "--verify-profile",
        "quick",
        "-k",
        "benign or test_one",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed" in r.stdout


def test_not_active_on_xdist_workers():
    from verifier import pytest_plugin

    class Config:
        workerinput = {}

        def getoption(self, name, default=None):
            return ["good:sigmoid"]

    assert not pytest_plugin._active(Config())
