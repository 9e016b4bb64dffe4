"""The recipes of examples/recipes/ (docs/notebook.md), each run the way its tool runs it: the Otter test
cells and the nbgrader autograder cells against a correct and a wrong function, and the library test
suite with pytest (and the plugin) in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "examples" / "recipes"


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def correct_gradient(X, y, w, b):
    err = sigmoid(X @ w + b) - y
    return err.mean(), X.T @ err / X.shape[0]


def wrong_gradient(X, y, w, b):  # the sign mistake students make
    err = y - sigmoid(X @ w + b)
    return err.mean(), X.T @ err / X.shape[0]


# Named as the student's function is, since the verifier's messages name it.
correct_gradient.__name__ = correct_gradient.__qualname__ = "compute_gradient_logistic"
wrong_gradient.__name__ = wrong_gradient.__qualname__ = "compute_gradient_logistic"


def run_cell(source: str, function) -> dict:
    """Run a test cell as Otter and nbgrader do: in the student's namespace, where the function is."""
    namespace = {"__name__": "__main__", "compute_gradient_logistic": function}
    exec(compile(source, "<test cell>", "exec"), namespace)
    return namespace


def assert_readable_failure(excinfo) -> None:
    message = str(excinfo.value)
    first = message.splitlines()[0]
    assert first.startswith("compute_gradient_logistic is not a correct gradient")
    assert "FAIL  correctness.benign" in message
    assert "on X=" in message  # the smallest counterexample
    assert "diagnosis [sign-flipped]" in message and "hint:" in message


# --------------------------------------------------------------------------- Otter-Grader
@pytest.mark.parametrize("cell", ["gradient_test_cell.py", "gradient_hidden_test_cell.py"])
def test_the_otter_test_cells_pass_a_correct_gradient(cell):
    run_cell((RECIPES / "otter" / cell).read_text(), correct_gradient)


def test_the_otter_test_cell_fails_a_wrong_gradient_with_the_verifier_summary():
    with pytest.raises(AssertionError) as excinfo:
        run_cell((RECIPES / "otter" / "gradient_test_cell.py").read_text(), wrong_gradient)
    assert_readable_failure(excinfo)


def test_the_otter_test_cells_carry_otter_assign_config():
    public = (RECIPES / "otter" / "gradient_test_cell.py").read_text()
    hidden = (RECIPES / "otter" / "gradient_hidden_test_cell.py").read_text()
    assert public.startswith('""" # BEGIN TEST CONFIG\npoints: 4') and '""" # END TEST CONFIG' in public
    assert hidden.startswith("# HIDDEN\n")


# --------------------------------------------------------------------------- nbgrader
def nbgrader_cells():
    nb = nbformat.read(RECIPES / "nbgrader" / "gradient.ipynb", as_version=4)
    nbformat.validate(nb)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    solution = [c for c, m in zip(nb.cells, meta) if m.get("solution")]
    tests = [c for c, m in zip(nb.cells, meta) if m.get("grade") and c.cell_type == "code"]
    return nb, meta, solution, tests


def test_the_nbgrader_notebook_has_the_metadata_nbgrader_reads():
    nb, meta, solution, tests = nbgrader_cells()
    ids = [m["grade_id"] for m in meta if m]
    assert len(ids) == len(set(ids)) == len(nb.cells)
    assert all(m["schema_version"] == 3 for m in meta)
    assert len(solution) == 1 and "### BEGIN SOLUTION" in solution[0].source
    assert len(tests) == 2 and all(c.metadata.nbgrader["locked"] and c.metadata.nbgrader["points"] > 0 for c in tests)
    assert "### BEGIN HIDDEN TESTS" in tests[1].source and "### END HIDDEN TESTS" in tests[1].source


def test_the_nbgrader_autograder_cells_pass_the_solution():
    _, _, solution, tests = nbgrader_cells()
    namespace: dict = {"__name__": "__main__"}
    exec(solution[0].source, namespace)  # the instructor's version: the solution is the reference
    for cell in tests:
        exec(compile(cell.source, "<autograder cell>", "exec"), namespace)


def test_the_nbgrader_autograder_cell_fails_a_wrong_gradient_with_the_verifier_summary():
    _, _, _, tests = nbgrader_cells()
    with pytest.raises(AssertionError) as excinfo:
        run_cell(tests[0].source, wrong_gradient)
    assert_readable_failure(excinfo)


# --------------------------------------------------------------------------- a library's test suite
def test_the_library_test_suite_runs_with_the_plugin():
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-v",
        "tests",
        "--verify",
        "fastlogistic:compute_gradient_logistic",
        "--target",
        "gradient",
        "--verify-profile",
        "quick",
        "--verify-seed",
        "1",
    ]
    proc = subprocess.run(
        command, cwd=RECIPES / "library", env=env, capture_output=True, text=True, timeout=300, check=False
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "verify fastlogistic:compute_gradient_logistic::correctness.benign PASSED" in out
    assert "verify fastlogistic:compute_gradient_logistic::stability.overflow PASSED" in out
    assert "test_fastlogistic.py::test_sigmoid_is_correct_including_the_tails PASSED" in out
    assert "test_fastlogistic.py::test_cost_agrees_with_the_exact_log_loss PASSED" in out


# --------------------------------------------------------------------------- the guide
def test_the_guide_points_to_every_recipe():
    guide = (ROOT / "docs" / "notebook.md").read_text()
    for path in (
        "examples/recipes/notebook/week3_lab.ipynb",
        "examples/recipes/otter/gradient_test_cell.py",
        "examples/recipes/nbgrader/gradient.ipynb",
        "examples/recipes/library/tests/test_fastlogistic.py",
    ):
        assert (ROOT / path).exists() and path in guide
