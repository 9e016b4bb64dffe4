"""CI entry points: ``verifier check --format github`` annotations, the pre-commit hook, docs/ci.md.

Annotations are read back the way the runner reads them (``parse_command``) and their file and line
compared with the function's ``def``; the hook is run from .pre-commit-hooks.yaml as pre-commit would;
the workflow and the configuration of docs/ci.md are run as written.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from verifier.report.github import (
    ANNOTATIONS_PER_STEP,
    Location,
    command,
    error_annotations,
    escape_data,
    escape_property,
    locate,
    parse_command,
)
from verifier.spec.results import CheckResult, Result

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"

GOOD = """import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""
GRADIENT = """

def compute_gradient_logistic(X, y, w, b):
    err = sigmoid(X @ w + b) - y
    return err.mean(), X.T @ err / X.shape[0]
"""
WRONG_GRADIENT = GRADIENT.replace("sigmoid(X @ w + b) - y", "y - sigmoid(X @ w + b)")


def env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
    }


def verifier(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``verifier ARGS`` (calls may take 30 s: the machine may be busy)."""
    argv = [sys.executable, "-m", "verifier", *args, "--timeout", "30"]
    return subprocess.run(argv, cwd=cwd, env=env(), capture_output=True, text=True, timeout=300)


def def_line(path: Path, name: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(f"def {name}("))


def errors(stdout: str) -> list[tuple[dict[str, str], str]]:
    """The ::error commands of a step's output (outside any stop-commands block), read back."""
    found, stopped = [], None
    for line in stdout.splitlines():
        if stopped is not None:
            if line == f"::{stopped}::":
                stopped = None
            continue
        parsed = parse_command(line)
        if parsed is None:
            continue
        kind, props, message = parsed
        if kind == "stop-commands":
            stopped = message
        elif kind == "error":
            found.append((props, message))
    assert stopped is None, "commands were stopped and never resumed"
    return found


# --------------------------------------------------------------------------- escaping
def test_messages_and_properties_are_escaped_per_the_workflow_command_rules():
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a.py: line 3, col 4") == "a.py%3A line 3%2C col 4"
    hostile = "50% off\n::add-mask::secret\r\n::error file=x,line=1::fake, really: %0A"
    line = command("error", hostile, "dir,x/a:b.py", 7, title="t: a, b")
    assert "\n" not in line and "\r" not in line
    assert line.startswith("::error file=dir%2Cx/a%3Ab.py,line=7,title=t%3A a%2C b::")
    assert parse_command(line) == ("error", {"file": "dir,x/a:b.py", "line": "7", "title": "t: a, b"}, hostile)


def result_with(failed: int) -> Result:
    checks = tuple(
        CheckResult(f"stability.c{i}", "stability", f"check {i}", False, f"bad {i}\nline two") for i in range(failed)
    )
    return Result("sigmoid", "mls", "float64", "robust", "quick", 5, "lab.py", "sig", 0.0, checks)


def test_one_annotation_per_failed_check_and_at_most_ten():
    lines = error_annotations(result_with(3), Location(Path("lab.py"), 4), base=".")
    assert len(lines) == 3
    props, message = parse_command(lines[0])[1:]
    assert props == {"file": "lab.py", "line": "4", "title": "sig is not a correct sigmoid: stability.c0 failed"}
    assert message.startswith("bad 0\nline two") and "--seed 5" in message
    many = error_annotations(result_with(14), Location(Path("lab.py"), 4), base=".")
    assert len(many) == ANNOTATIONS_PER_STEP
    assert "5 more checks failed" in parse_command(many[-1])[1]["title"]
    assert (
        error_annotations(Result("sigmoid", "mls", "float64", "robust", "quick", 5, "lab.py", "sig", 0.0, ()), None)
        == []
    )


# --------------------------------------------------------------------------- finding the definition
def test_the_last_top_level_definition_is_the_one_that_counts(tmp_path):
    src = tmp_path / "lab.py"
    src.write_text(
        "def f(x):\n    return 1\n\nif True:\n    def f(x):\n        return 2\nclass K:\n    def f(self): ...\n"
    )
    assert locate(str(src), "f") == Location(src, 5, 6)
    src.write_text("import numpy as np\nsigmoid = lambda z: 1 / (1 + np.exp(-z))\n")
    assert locate(f"{src}::sigmoid", "other").line == 2
    src.write_text("def sigmoid(z):\n  return (\n")  # does not parse: the last line that starts `def sigmoid(`
    assert locate(str(src), "sigmoid").line == 1
    src.write_text("x = 1\n")
    assert locate(str(src), "sigmoid") == Location(src)  # the file only


def test_a_function_imported_from_a_helper_module_is_found_in_the_helper(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "impl.py").write_text("import numpy as np\n\n\ndef sig(z):\n    return z\n")
    (tmp_path / "pkg" / "api.py").write_text("from .impl import sig as sigmoid\n")
    (tmp_path / "lab.py").write_text("from pkg.api import sigmoid\n")
    assert locate(str(tmp_path / "lab.py"), "sigmoid") == Location(tmp_path / "pkg" / "impl.py", 4, 5)
    assert locate("pkg.api:sigmoid", "x", [str(tmp_path)]) == Location(tmp_path / "pkg" / "impl.py", 4, 5)
    assert locate("nowhere.at_all:f", "f", [str(tmp_path)]) is None


def test_in_a_notebook_the_line_is_the_json_line_that_holds_the_def(tmp_path):
    nb = CORPUS / "notebook_wrong_missing_bias.ipynb"
    loc = locate(str(nb), "compute_gradient_logistic")
    raw = nb.read_text().splitlines()
    assert json.loads(raw[loc.line - 1].strip().rstrip(",")).startswith("def compute_gradient_logistic(")
    one_string = {"cells": [{"cell_type": "code", "source": "%matplotlib inline\ndef f(x):\n    return x\n"}]}
    (tmp_path / "n.ipynb").write_text(json.dumps(one_string, indent=1))
    line = locate(str(tmp_path / "n.ipynb"), "f").line
    assert "def f(x)" in (tmp_path / "n.ipynb").read_text().splitlines()[line - 1]


# --------------------------------------------------------------------------- verifier check --format github
def test_a_wrong_function_is_annotated_on_its_def_line(tmp_path):
    src = tmp_path / "src" / "logreg.py"
    src.parent.mkdir()
    src.write_text(GOOD + WRONG_GRADIENT)
    proc = verifier(
        "check", "src/logreg.py::compute_gradient_logistic", "-t", "gradient", "--profile", "quick", "--seed", "2",
        "--fail-fast", "-q", "--format", "github", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    found = errors(proc.stdout)
    assert found, proc.stdout
    for props, message in found:
        assert props["file"] == "src/logreg.py"
        assert int(props["line"]) == def_line(src, "compute_gradient_logistic")
        assert "compute_gradient_logistic is not a correct gradient" in props["title"]
        assert "Smallest failing input" in message and "Hint:" in message
        assert "verifier check src/logreg.py::compute_gradient_logistic --target gradient" in message
    # every other line of the step is inside the stop-commands block
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("::stop-commands::")
    assert all(line.startswith("::error ") for line in lines[lines.index(f"::{lines[0].split('::')[2]}::") + 1 :])


def test_a_passing_function_prints_no_annotation_and_exits_0(tmp_path):
    (tmp_path / "lab.py").write_text(GOOD)
    proc = verifier(
        "check", "lab.py", "-t", "sigmoid", "--profile", "quick", "--seed", "1", "--only", "correctness.benign",
        "-q", "--format", "github", cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert errors(proc.stdout) == [] and "PASSED" in proc.stdout


def test_a_notebook_and_a_helper_module_are_annotated_where_the_function_is(tmp_path):
    nb = tmp_path / "lab.ipynb"
    nb.write_text((CORPUS / "notebook_wrong_missing_bias.ipynb").read_text())
    (tmp_path / "helpers.py").write_text("import numpy as np\n\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(z))\n")
    (tmp_path / "main.py").write_text("from helpers import sigmoid\n")
    common = ["--profile", "quick", "--seed", "4", "--only", "correctness.benign", "-q", "--format", "github"]
    proc = verifier("check", "lab.ipynb::compute_gradient_logistic", "-t", "gradient", *common, cwd=tmp_path)
    assert proc.returncode == 1
    (props, _), *_ = errors(proc.stdout)
    assert props["file"] == "lab.ipynb"
    held = nb.read_text().splitlines()[int(props["line"]) - 1]
    assert json.loads(held.strip().rstrip(",")).startswith("def compute_gradient_logistic(")
    proc = verifier("check", "main.py::sigmoid", "--support", "helpers.py", "-t", "sigmoid", *common, cwd=tmp_path)
    assert proc.returncode == 1
    (props, message), *_ = errors(proc.stdout)
    assert (props["file"], props["line"]) == ("helpers.py", "4")
    assert "Likely mistake" in message


# --------------------------------------------------------------------------- the pre-commit hook and docs/ci.md
def doc_blocks(language: str) -> list[str]:
    text = (ROOT / "docs" / "ci.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def make_bin(tmp_path: Path) -> dict[str, str]:
    """PATH with a ``verifier`` command (the console script the package installs) and the venv's python."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "verifier"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m verifier "$@"\n')
    script.chmod(0o755)
    e = env()
    e["PATH"] = str(bin_dir) + os.pathsep + e["PATH"]
    return e


@pytest.fixture
def project(tmp_path):
    """The project of docs/ci.md: src/logreg.py and the pyproject.toml written there."""
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    listed = doc_blocks("toml")[0].replace(
        "[tool.verifier]\n",
        '[tool.verifier]\ntimeout = 30\nonly = ["correctness.benign"]  # fast, on a busy machine\n',
        1,
    )
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n\n' + listed)
    return root


def run_hook(root: Path, e: dict[str, str]) -> subprocess.CompletedProcess:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "verifier")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "src/logreg.py") and re.search(hook["files"], "pyproject.toml")
    argv = shlex.split(hook["entry"]) + list(hook.get("args", []))
    e = {**e, "PRE_COMMIT": "1"}
    e.pop("GITHUB_ACTIONS", None)
    return subprocess.run(argv, cwd=root, env=e, capture_output=True, text=True, timeout=300)


def test_the_hook_fails_naming_the_wrong_function_and_passes_when_all_are_right(project, tmp_path):
    e = make_bin(tmp_path)
    src = project / "src" / "logreg.py"
    src.write_text(GOOD + WRONG_GRADIENT)
    proc = run_hook(project, e)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "ok    src/logreg.py::sigmoid" in out
    line = def_line(src, "compute_gradient_logistic")
    assert f"FAIL  src/logreg.py:{line}: compute_gradient_logistic is not a correct gradient" in out
    assert "Likely mistake" in out and "reproduce: verifier check src/logreg.py::compute_gradient_logistic" in out
    assert "1 of 2 functions are not correct: src/logreg.py::compute_gradient_logistic" in out
    src.write_text(GOOD + GRADIENT)
    proc = run_hook(project, e)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "FAIL" not in proc.stdout


def test_the_documented_workflow_and_pre_commit_config_run_as_written(project, tmp_path):
    e = make_bin(tmp_path)
    src = project / "src" / "logreg.py"
    src.write_text(GOOD + WRONG_GRADIENT)
    workflow = yaml.safe_load(doc_blocks("yaml")[0])
    steps = [s["run"] for s in workflow["jobs"]["verify"]["steps"] if "run" in s and "pip install" not in s["run"]]
    assert any(s.startswith("verifier check") for s in steps) and any("verifier.cli.precommit" in s for s in steps)
    for run in steps:
        proc = subprocess.run(["bash", "-c", run], cwd=project, env=e, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1, run + proc.stdout + proc.stderr
        found = errors(proc.stdout)
        assert found and {p["file"] for p, _ in found} == {"src/logreg.py"}
        assert {int(p["line"]) for p, _ in found} == {def_line(src, "compute_gradient_logistic")}
    config = yaml.safe_load(doc_blocks("yaml")[1])
    hook_ids = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert {h["id"] for r in config["repos"] for h in r["hooks"]} <= hook_ids


def test_mistakes_in_the_list_exit_2_with_one_line(tmp_path):
    from verifier.cli.precommit import main

    cfg = tmp_path / "verifier.toml"
    cfg.write_text('[[function]]\npath = "lab.py::f"\ntarget = "sigmoid"\nprofil = "quick"\n')
    assert main(["--config", str(cfg)]) == 2
    cfg.write_text('[[function]]\npath = "lab.py::f"\n')
    assert main(["--config", str(cfg)]) == 2
    cfg.write_text('seed = "one"\n[[function]]\npath = "lab.py::f"\ntarget = "sigmoid"\n')
    assert main(["--config", str(cfg)]) == 2
    assert main(["--config", str(tmp_path / "pyproject.toml")]) == 2


def test_mistakes_in_the_list_say_what_to_write(tmp_path, capsys):
    from verifier.cli.precommit import main

    cfg = tmp_path / "pyproject.toml"
    cfg.write_text('[tool.verifier]\n[[tool.verifier.function]]\npath = "lab.py"\ntarget = "sigmoid"\nprofil = "q"\n')
    assert main(["--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown key 'profil'" in err and "did you mean 'profile'" in err
