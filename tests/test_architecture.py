"""The import contract of docs/architecture.md holds, and an upward import breaks it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install '.[test]')")


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def _copy(tmp_path: Path) -> Path:
    for name in ("verifier", "reference"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract():
    proc = _lint(ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_an_upward_import_inside_a_function_breaks_the_layers(tmp_path):
    root = _copy(tmp_path)
    target = root / "verifier" / "spec" / "formats.py"
    target.write_text(target.read_text() + "\n\ndef _upward():\n    from verifier.report import html  # noqa\n")
    proc = _lint(root)
    assert proc.returncode != 0
    assert "verifier is layered BROKEN" in proc.stdout
    assert "verifier.spec.formats -> verifier.report.html" in proc.stdout


def test_a_cycle_under_type_checking_is_found(tmp_path):
    root = _copy(tmp_path)
    target = root / "verifier" / "spec" / "formats.py"
    target.write_text(
        target.read_text() + "\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from verifier.spec import targets  # noqa\n"
    )
    proc = _lint(root)
    assert proc.returncode != 0 and "no cycles between modules of a package BROKEN" in proc.stdout


def test_the_sandbox_may_not_import_the_oracle(tmp_path):
    root = _copy(tmp_path)
    target = root / "verifier" / "sandbox" / "wire.py"
    target.write_text(target.read_text() + "\n\ndef _heavy():\n    import mpmath  # noqa\n")
    proc = _lint(root)
    assert proc.returncode != 0 and "the sandbox (and so the worker process) stays light BROKEN" in proc.stdout
