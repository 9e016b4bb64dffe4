"""verifier demo: the oracle on the bundled data, then the example class graded into reports/demo."""

import io
import re
import shutil
from pathlib import Path

import pytest

from verifier.cli import demo, main

ROOT = Path(__file__).resolve().parents[2]


def test_the_oracle_part_shows_exact_against_textbook_values():
    out = io.StringIO()
    demo.show_oracle(out)
    text = out.getvalue()
    assert "exact" in text and "ulps" in text and "not finite" in text


def test_the_example_class_is_bundled():
    examples = demo.examples_dir()
    subs = [p for p in (examples / "submissions").iterdir() if not p.name.startswith(".")]
    assert 10 <= len(subs) <= 14
    assert any(p.suffix == ".ipynb" for p in subs) and any(p.suffix == ".py" for p in subs)
    assert any(p.is_dir() for p in subs)


def test_demo_grades_a_class_into_reports_demo(tmp_path, monkeypatch):
    examples = tmp_path / "examples"
    (examples / "submissions").mkdir(parents=True)
    (examples / "assignments").mkdir()
    for name in ("alice.py", "dan.py"):
        shutil.copy(ROOT / "examples" / "submissions" / name, examples / "submissions" / name)
    (examples / "assignments" / "mls.toml").write_text(
        '[assignment]\nname = "demo"\nprofile = "quick"\nseed = 1\n'
        '[[task]]\nname = "gradient"\ntarget = "gradient"\nchecks = ["correctness.benign"]\n'
    )
    monkeypatch.setattr(demo, "examples_dir", lambda: examples)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert demo.run_demo(out, progress=None) == 0
    text = out.getvalue()
    assert (tmp_path / "reports" / "demo" / "index.html").is_file()
    assert f"Class report: {tmp_path / 'reports' / 'demo' / 'index.html'}" in text
    assert "alice" in text and "dan" in text and "10 / 10" in text


def test_demo_grades_each_bundled_assignment_into_a_folder_of_its_own(tmp_path, monkeypatch):
    examples = tmp_path / "examples"
    (examples / "submissions").mkdir(parents=True)
    (examples / "assignments").mkdir()
    shutil.copy(ROOT / "examples" / "submissions" / "alice.py", examples / "submissions" / "alice.py")
    (examples / "submissions" / "judy.py").write_text(
        "import numpy as np\n\ndef my_softmax(z):\n    return np.zeros_like(z)\n"
    )
    (examples / "assignments" / "mls.toml").write_text(
        '[assignment]\nname = "logistic"\nprofile = "quick"\nseed = 1\n'
        '[[task]]\nname = "sigmoid"\ntarget = "sigmoid"\nchecks = ["correctness.benign"]\n'
    )
    (examples / "assignments" / "mls_softmax.toml").write_text(
        '[assignment]\nname = "softmax"\nprofile = "quick"\nseed = 1\n[[task]]\nfunction = "my_softmax"\n'
        'target = "softmax"\nconvention = "my_softmax"\nchecks = ["correctness.benign"]\n'
    )
    monkeypatch.setattr(demo, "examples_dir", lambda: examples)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert demo.run_demo(out, progress=None) == 0
    text = out.getvalue()
    first, second = text.split("with mls_softmax.toml")
    assert "with mls.toml: logistic" in first and re.search(r"alice +10 / 10", first)
    assert second.startswith(": softmax") and re.search(r"alice +10 / 10", second)
    assert re.search(r"judy +0 / 10", second)
    assert (tmp_path / "reports" / "demo" / "index.html").is_file()
    assert (tmp_path / "reports" / "demo-mls_softmax" / "index.html").is_file()
    assert not (tmp_path / "reports" / "demo-cs231n_softmax").exists()  # not bundled here: skipped
    assert f"Class report: {tmp_path / 'reports' / 'demo-mls_softmax' / 'index.html'}" in text


def test_the_demo_folders_of_the_assignments():
    assert demo.demo_report_dir("reports/demo", "mls.toml") == Path("reports/demo")
    assert demo.demo_report_dir("reports/demo", "cs231n_softmax.toml") == Path("reports/demo-cs231n_softmax")
    assert all((demo.examples_dir() / "assignments" / name).is_file() for name in demo.DEMO_ASSIGNMENTS)


@pytest.mark.slow
def test_the_full_demo(tmp_path, monkeypatch, capsys, request):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("grades the whole example class (a minute or two); run with -m slow")
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    for folder in ("demo", "demo-cs231n_softmax", "demo-mls_softmax"):
        assert (tmp_path / "reports" / folder / "index.html").is_file()
    assert "alice" in capsys.readouterr().out
