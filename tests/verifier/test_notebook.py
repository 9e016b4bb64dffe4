"""Feedback in a notebook: a Result's HTML and text, the source a notebook's functions are graded from,
and ``verifier.Lab`` in a real notebook executed headlessly (nbclient, ipykernel)."""

from __future__ import annotations

import linecache
import os
import re
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest
from test_report_formats import HOSTILE, make_result

import verifier
import verifier.report.notebook  # registers Result's notebook views
from verifier.errors import UsageError
from verifier.grading.harvest import harvest
from verifier.spec import results
from verifier.spec.results import Result

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "examples" / "recipes" / "notebook"

SMALL = """
[assignment]
name = "lab <b>3</b>"
profile = "quick"
seed = 3
call_timeout = 2.0

[[task]]
name = "sigmoid"
function = "sigmoid"
target = "sigmoid"
points = 4
checks = ["correctness.benign"]

[[task]]
name = "gradient"
function = "compute_gradient_logistic"
target = "gradient"
points = 6
checks = ["correctness.benign"]
"""

CELLS = """
import numpy as np
from scipy.special import expit as scipy_expit

SHIFT = 0.0

def sigmoid(z):
    return scipy_expit(np.asarray(z, dtype=float) + SHIFT)

def compute_gradient_logistic(X, y, w, b):
    err = y - sigmoid(X @ w + b)
    return err.mean(), X.T @ err / X.shape[0]
"""


def notebook_namespace(tmp_path: Path, code: str = CELLS, name: str = "cells") -> dict:
    """A namespace as a notebook holds it: each function's source findable by inspect (like IPython,
    which keeps every cell in linecache)."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(code))
    ns: dict = {"__name__": "__main__"}
    exec(compile(path.read_text(), str(path), "exec"), ns)
    return ns


def hostile_result() -> Result:
    r = make_result()
    return Result(**{**r.__dict__, "function": "f" + HOSTILE, "candidate": HOSTILE + ".py"})


# --------------------------------------------------------------------------- Result in a notebook
def test_result_html_escapes_everything_from_the_candidate():
    html = hostile_result()._repr_html_()
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "f&lt;script&gt;" in html  # the function's name too


def test_result_html_is_self_contained():
    html = make_result()._repr_html_()
    assert html.count("<style>") == 1 and "<svg" in html  # inline styles, the plot as inline SVG
    assert not re.search(r"<(script|link|iframe)\b", html)
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from elsewhere


def test_result_html_shows_assessment_checks_counterexample_diagnosis_and_plot():
    html = make_result()._repr_html_()
    assert 'data-assessment="fragile"' in html
    for cid in ("correctness.benign", "stability.overflow", "contract.pure"):
        assert f'data-check="{cid}"' in html
    assert "First failure" in html and "710.0" in html  # the counterexample's inputs
    assert "Likely mistake:" in html and "exp overflows" in html and "Hint:" in html
    assert "use np.logaddexp" in html


def test_text_repr_reads_one_line_per_check():
    text = repr(make_result())
    lines = text.splitlines()
    assert lines[0].startswith("compute_gradient_logistic as gradient: FRAGILE")
    for cid in ("correctness.benign", "stability.overflow", "contract.pure"):
        assert sum(re.match(rf"\s+(PASS|FAIL|SKIP)\s+{re.escape(cid)}\b", line) is not None for line in lines) == 1
    assert "hint: use np.logaddexp" in text


def test_without_the_report_layer_a_result_still_reads_and_has_no_html(monkeypatch):
    monkeypatch.setattr(results, "VIEWS", {})
    r = make_result()
    assert r._repr_html_() is None  # Jupyter then shows the text
    lines = repr(r).splitlines()
    assert lines[0] == "compute_gradient_logistic as gradient: FRAGILE"
    assert [line.split()[-1] for line in lines[1:4]] == ["correctness.benign", "stability.overflow", "contract.pure"]


def test_register_view_refuses_an_unknown_media_type():
    with pytest.raises(ValueError, match="text/html"):
        results.register_view("image/png", str)


def test_verifier_check_returns_a_result_with_html():
    def wrong(X, y, w, b):
        err = y - 1 / (1 + np.exp(-(X @ w + b)))
        return err.mean(), X.T @ err / X.shape[0]

    r = verifier.check(wrong, target="gradient", profile="quick", seed=1, only=["correctness.benign"])
    html = r._repr_html_()
    assert 'data-assessment="wrong"' in html and "Likely mistake:" in html
    assert "Run in your notebook" in html  # the snippet for a function defined in the notebook


# --------------------------------------------------------------------------- source from a namespace
def test_harvest_writes_the_function_and_what_it_needs(tmp_path):
    ns = notebook_namespace(tmp_path)
    code = harvest(ns, ["compute_gradient_logistic"], tmp_path)
    assert code.functions == ("compute_gradient_logistic",) and not code.missing
    src = code.source
    assert "import numpy as np" in src and "from scipy.special import expit as scipy_expit" in src
    assert "SHIFT = 0.0" in src and "def sigmoid(z):" in src and "def compute_gradient_logistic" in src
    assert src.index("def sigmoid") < src.index("def compute_gradient_logistic")
    out: dict = {}
    exec(compile(src, "harvested.py", "exec"), out)  # the file stands on its own
    X, y, w = np.array([[1.0, 2.0]]), np.array([1.0]), np.array([0.5, -0.25])
    assert out["compute_gradient_logistic"](X, y, w, 0.0)[0] == ns["compute_gradient_logistic"](X, y, w, 0.0)[0]


def test_harvest_rebuilds_constants_exactly(tmp_path):
    ns = notebook_namespace(
        tmp_path,
        "import numpy as np\nEPS = 1e-300\nW0 = np.array([0.1, float('inf')])\nNAMES = ('a', None)\n"
        "def f(z):\n    return z + EPS + W0[0] + len(NAMES)\n",
    )
    out: dict = {}
    exec(harvest(ns, ["f"], tmp_path).source, out)
    assert out["EPS"] == 1e-300 and out["NAMES"] == ("a", None)
    assert out["W0"].dtype == np.float64 and out["W0"][0] == 0.1 and out["W0"][1] == np.inf


def test_what_cannot_be_rebuilt_from_source_is_a_message(tmp_path):
    ns = notebook_namespace(
        tmp_path,
        "class Model:\n    pass\n\nmodel = Model()\n\n"
        "def uses_model(z):\n    return model\n\n"
        "def outer():\n    k = 2\n    def inner(z):\n        return k * z\n    return inner\n\n"
        "inner = outer()\nnot_a_function = 3\n",
    )
    ns["made_by_exec"] = eval("lambda z: z", ns)  # no source anywhere
    code = harvest(ns, ["uses_model", "inner", "missing", "not_a_function", "made_by_exec"], tmp_path)
    assert code.functions == ()
    assert "reads the global 'model' (a Model)" in code.missing["uses_model"]
    assert "inside another function" in code.missing["inner"]
    assert "run the cell that defines it" in code.missing["missing"]
    assert "not a function" in code.missing["not_a_function"]
    assert "source of the function 'made_by_exec' was not found" in code.missing["made_by_exec"]


def test_harvest_falls_back_to_the_in_history(tmp_path):
    cell = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
    ns: dict = {"__name__": "__main__", "np": np, "In": ["", "import numpy as np", cell]}
    exec(compile(cell, "<cell-gone>", "exec"), ns)  # no linecache entry: getsource fails
    linecache.cache.pop("<cell-gone>", None)
    code = harvest(ns, ["sigmoid"], tmp_path)
    assert "def sigmoid(z):" in code.source and "import numpy as np" in code.source


def test_a_helper_module_beside_the_notebook_is_copied(tmp_path, monkeypatch):
    (tmp_path / "course_helpers.py").write_text("def scale(x):\n    return x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    ns = notebook_namespace(tmp_path, "from course_helpers import scale\ndef f(z):\n    return scale(z)\n")
    code = harvest(ns, ["f"], tmp_path)
    assert "from course_helpers import scale" in code.source
    assert code.modules == ((tmp_path / "course_helpers.py").resolve(),)


# --------------------------------------------------------------------------- Lab without a kernel
@pytest.fixture
def lab_dir(tmp_path, monkeypatch):
    (tmp_path / "lab.toml").write_text(SMALL)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_lab_grades_the_namespace_like_verifier_grade(lab_dir):
    ns = notebook_namespace(lab_dir)
    lab = verifier.Lab("lab.toml", namespace=ns, name="alice")
    assert lab.tasks == ("sigmoid", "gradient")
    fb = lab.check("compute_gradient_logistic")  # a task by its function's name
    assert fb.task == "gradient" and fb.score == 0.0 and fb.result is not None and fb.result.assessment == "wrong"
    from verifier.grading.scoring import derive_seed

    assert fb.result.seed == derive_seed(3, "alice")  # the seed verifier grade would give "alice"
    everything = lab.check_all()
    assert [(t.task, t.score) for t in everything.tasks] == [("sigmoid", 4.0), ("gradient", 0.0)]
    assert everything.score == 4.0 and everything.max_score == 10.0
    html = everything._repr_html_()
    assert "lab &lt;b&gt;3&lt;/b&gt;" in html and "4 / 10 points" in html


def test_lab_explains_what_it_cannot_check_without_a_traceback(lab_dir):
    ns = notebook_namespace(lab_dir, "import numpy as np\nclass M:\n    pass\nm = M()\ndef sigmoid(z):\n    return m\n")
    lab = verifier.Lab("lab.toml", namespace=ns)
    fb = lab.check("sigmoid")
    assert fb.score is None and "reads the global 'm' (a M)" in fb.problem
    assert "Not checked:" in fb._repr_html_() and "not checked" in repr(fb)
    missing = lab.check("gradient")
    assert missing.score == 0.0 and "no function named 'compute_gradient_logistic'" in missing.problem
    with pytest.raises(UsageError, match="no task named 'gradiant'; the tasks are 'sigmoid', 'gradient'"):
        lab.check("gradiant")


# --------------------------------------------------------------------------- a real notebook
def test_the_lab_notebook_executes_headlessly_with_its_feedback(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    work = tmp_path / "lab"
    shutil.copytree(RECIPE, work)
    path = work / "week3_lab.ipynb"
    nb = nbformat.read(path, as_version=4)
    # A plain verifier.check in the same notebook shows its Result as HTML too.
    nb.cells.append(
        nbformat.v4.new_code_cell(
            'verifier.check(compute_gradient_logistic, target="gradient", profile="quick", seed=1, '
            'only=["correctness.benign"])'
        )
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))  # what Jupyter tells the kernel: the notebook's path
    client = nbclient.NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    client.execute()

    outputs = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert all(o.output_type != "error" for o in cell.outputs), cell.source
            data = [o.data for o in cell.outputs if o.output_type == "execute_result"]
            outputs[cell.source.strip().splitlines()[-1]] = data[0] if data else {}
    plain = outputs.pop(nb.cells[-1].source)

    sigmoid = outputs['lab.check("sigmoid")']
    assert 'data-assessment="correct"' in sigmoid["text/html"] and "4 / 4 points" in sigmoid["text/html"]

    gradient = outputs['lab.check("gradient")']
    html, text = gradient["text/html"], gradient["text/plain"]
    assert 'data-assessment="wrong"' in html and "0 / 6 points" in html
    assert "First failure" in html and 'class="vnb-inputs"' in html and '<td class="vnb-key">X</td>' in html
    assert "Likely mistake:" in html and "Hint:" in html and "sign" in html.lower()
    assert "Run in your notebook (week3_lab.ipynb)" in html  # the reproduce snippet names the notebook
    assert "passed, but earns no points" in html  # contract.pure passed; agreement nowhere earns nothing
    assert text.startswith("gradient (compute_gradient_logistic): 0 / 6 points") and "WRONG" in text
    assert "hint:" in text

    summary = outputs["lab.check_all()"]
    html, text = summary["text/html"], summary["text/plain"]
    for task, score in (("sigmoid", "4 / 4"), ("cost", "6 / 6"), ("gradient", "0 / 6")):
        row = re.search(rf'<tr data-task="{task}">.*?</tr>', html, re.S)
        assert row is not None and score in row.group(0)
        assert re.search(rf"^\s+{task}\s+\S+\s+\w+\s+{score}$", text, re.M)
    assert "10 / 16 points" in html and text.startswith("Week 3: logistic regression: 10 / 16 points")

    assert 'data-assessment="wrong"' in plain["text/html"] and "FAIL  correctness.benign" in plain["text/plain"]
