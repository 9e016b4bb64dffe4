"""The command line as a new user meets it: exit codes, one-line errors, the summary and --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from verifier.cli import ExitCode, main
from verifier.spec.results import Result

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "verifier", *args], capture_output=True, text=True, timeout=300)


def test_a_correct_function_exits_0_and_writes_the_json(tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli(
        "check",
        str(CORPUS / "correct_stable_branch.py"),
        "--target",
        "gradient",
        "--profile",
        "quick",
        "--seed",
        "3",
        "--json",
        str(out),
        "-q",
    )
    assert proc.returncode == ExitCode.OK, proc.stdout + proc.stderr
    assert "PASSED" in proc.stdout
    data = json.loads(out.read_text())
    assert data["verdict"] == "pass" and data["seed"] == 3 and data["schema"] == "1.1"
    assert {c["id"] for c in data["checks"]} >= {"correctness.benign", "stability.overflow", "contract.pure"}
    assert Result.from_json(data).passed


def test_a_wrong_function_exits_1_and_shows_the_counterexample(tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli(
        "check",
        str(CORPUS / "wrong_sign_flipped_gradient.py"),
        "--target",
        "gradient",
        "--profile",
        "quick",
        "--seed",
        "3",
        "--fail-fast",
        "-q",
        "--json",
        str(out),
    )
    assert proc.returncode == ExitCode.FAILED
    assert "FAIL  correctness.benign" in proc.stdout
    assert "(ACTUAL)" in proc.stdout and "(DESIRED)" in proc.stdout
    data = json.loads(out.read_text())
    failed = [c for c in data["checks"] if not c["passed"]]
    assert failed and failed[0]["counterexample"]["inputs"]["X"]
    assert failed[0]["counterexample"]["bits"] > 40


@pytest.mark.parametrize(
    "args, needle",
    [
        (["check", "no_such_file.py", "--target", "gradient"], "no such file"),
        (["check", "{corpus}/../../docs", "--target", "gradient"], "no .py or .ipynb"),
        (["check", "{corpus}/correct_expit.py", "--target", "cost", "--signature", "X, y, w, b -> grad"], "two parts"),
        (["check", "{corpus}/correct_expit.py", "--target", "cost", "--signature", "X, w, b -> J"], "needs the labels"),
        (
            [
                "check",
                "{corpus}/correct_expit.py",
                "--target",
                "cost",
                "--lambda",
                "1",
                "--signature",
                "X, y, w, b -> J",
            ],
            "has no lam",
        ),
        (["check", "{corpus}/correct_expit.py", "--target", "sigmoid", "--reduction", "sum"], "has none"),
        (["check", "{corpus}/correct_expit.py", "--target", "sigmoid", "--labels", "float,text"], "labels="),
        (
            ["check", "{corpus}/correct_expit.py", "--target", "sigmoid", "--support", "/no/such/utils.py"],
            "no such file",
        ),
        (["check", "{corpus}/manifest.toml", "--target", "gradient"], "expected a .py or .ipynb"),
        (["check", "{corpus}/correct_expit.py", "--target", "gradientt"], "invalid choice"),
        (["check", "{corpus}/correct_expit.py", "--target", "sigmoid", "--lambda", "1"], "takes no lambda"),
        (
            ["check", "{corpus}/correct_expit.py", "--target", "gradient", "--lambda", "-1"],
            "must be a finite number >= 0",
        ),
        (
            ["check", "{corpus}/correct_expit.py", "--target", "gradient", "--json", "/no/such/dir/r.json"],
            "does not exist",
        ),
        (["check", "{corpus}/correct_dlai.py", "--target", "hessian", "--convention", "dlai"], "has no function"),
        (["check", "{corpus}/correct_expit.py"], "required"),
    ],
)
def test_usage_errors_exit_2_with_one_line_and_no_traceback(args, needle, capsys):
    args = [a.replace("{corpus}", str(CORPUS)) for a in args]
    with pytest.raises(SystemExit) as exc:
        code = main(args)
        raise SystemExit(code)
    assert exc.value.code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_submission_that_does_not_import_is_a_failed_check(tmp_path, capsys):
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z)\n")
    code = main(["check", str(bad), "--target", "sigmoid", "-q"])
    out = capsys.readouterr().out
    assert code == ExitCode.FAILED
    assert "contract.loads" in out and "SyntaxError" in out and "line 3" in out


def test_a_missing_function_names_the_functions_that_exist(tmp_path, capsys):
    src = tmp_path / "sub.py"
    src.write_text("def sigmoidd(z):\n    return z\n")
    code = main(["check", str(src), "--target", "sigmoid", "-q"])
    out = capsys.readouterr().out
    assert code == ExitCode.FAILED
    assert "no function named 'sigmoid'" in out and "sigmoidd" in out


def test_a_function_that_raises_is_reported_with_its_line(tmp_path, capsys):
    src = tmp_path / "sub.py"
    src.write_text("def sigmoid(z):\n    raise ZeroDivisionError('boom')\n")
    code = main(["check", str(src), "--target", "sigmoid", "-q", "--profile", "quick", "--fail-fast"])
    out = capsys.readouterr().out
    assert code == ExitCode.FAILED
    assert "ZeroDivisionError: boom" in out and "line 2" in out


def test_python_dash_m_and_the_console_script_agree():
    proc = run_cli("--version")
    assert proc.returncode == 0 and "verifier" in proc.stdout
