"""The grader's own integrity, and a batch that survives kills, full disks and read-only folders."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from verifier.grading.integrity import CodeManifest, IntegrityError, default_roots

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "hostile"

CORRECT = """
import numpy as np

def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""
WRONG = CORRECT.replace("1 / (1 + e), e / (1 + e)", "e / (1 + e), 1 / (1 + e)")
ASSIGNMENT = (
    '[assignment]\nprofile = "quick"\nseed = 3\ncall_timeout = 2.0\n'
    '[[task]]\ntarget = "sigmoid"\nchecks = ["correctness.benign", "contract.pure"]\n'
)


# --------------------------------------------------------------------------- the manifest
def test_an_unchanged_tree_has_no_changes(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    manifest = CodeManifest.snapshot([(str(tmp_path), True)])
    assert manifest.changes() == []
    manifest.verify(last="alice")


def test_a_changed_added_or_removed_file_is_named(tmp_path):
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("x = 1\n")
    manifest = CodeManifest.snapshot([(str(tmp_path), True)])
    (tmp_path / "a.py").write_text("x = 2\n")
    (tmp_path / "b.py").unlink()
    (tmp_path / "c.py").write_text("")
    assert sorted(manifest.changes()) == sorted(
        [f"changed: {tmp_path / 'a.py'}", f"removed: {tmp_path / 'b.py'}", f"added: {tmp_path / 'c.py'}"]
    )
    with pytest.raises(IntegrityError, match="after grading 'mallory'") as info:
        manifest.verify(last="mallory")
    assert info.value.last == "mallory" and len(info.value.changes) == 3


def test_a_write_that_restores_size_and_mtime_is_still_caught(tmp_path):
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    st = path.stat()
    manifest = CodeManifest.snapshot([(str(tmp_path), False)])  # stat only: the change time tells
    time.sleep(0.01)
    path.write_text("x = 9\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert manifest.changes() == [f"changed: {path}"]


def test_new_compiled_files_are_not_changes(tmp_path):
    (tmp_path / "a.py").write_text("")
    manifest = CodeManifest.snapshot([(str(tmp_path), True)])
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"")
    assert manifest.changes() == []


def test_a_stale_compiled_file_rewritten_by_python_is_not_a_change(tmp_path):
    import py_compile

    src = tmp_path / "mod.py"
    src.write_text("x = 1\n")
    pyc = Path(py_compile.compile(str(src)))
    manifest = CodeManifest.snapshot([(str(tmp_path), True)])
    assert str(pyc) in manifest.stamps  # up to date: recorded
    pyc.write_bytes(pyc.read_bytes()[:16] + b"tampered")
    assert manifest.changes() == [f"changed: {pyc}"]
    os.utime(src, (1, 1))  # now stale: Python would rewrite it
    manifest = CodeManifest.snapshot([(str(tmp_path), True)])
    assert str(pyc) not in manifest.stamps
    py_compile.compile(str(src))
    assert manifest.changes() == []


def test_the_default_manifest_covers_the_verifier_and_the_oracle():
    roots = dict(default_roots())
    assert roots[str(ROOT / "verifier")] is True
    assert roots[str(ROOT / "reference")] is True


# --------------------------------------------------------------------------- the batch
def _grade(
    subs: Path, toml: Path, out: Path, env: dict | None = None, prefix: tuple = ()
) -> subprocess.CompletedProcess:
    cmd = [
        *prefix,
        sys.executable,
        "-m",
        "verifier",
        "grade",
        str(subs),
        "--assignment",
        str(toml),
        "--out",
        str(out),
        "-q",
        "--jobs",
        "1",
    ]
    return subprocess.run(
        cmd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, capture_output=True, text=True, timeout=300
    )


def _class(tmp_path: Path, n: int = 3) -> tuple[Path, Path]:
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(n):
        (subs / f"s{i}.py").write_text(CORRECT if i % 2 == 0 else WRONG)
    toml = tmp_path / "a.toml"
    toml.write_text(ASSIGNMENT)
    return subs, toml


def _grades(out: Path) -> dict[str, dict]:
    found = {}
    for p in out.glob("submissions/*/grade.json"):
        g = json.loads(p.read_text())
        for key in ("elapsed",):
            g.pop(key, None)
        for t in g["tasks"]:
            if t.get("result"):
                t["result"].pop("elapsed", None)
                t["result"].pop("diagnosis_elapsed", None)
                for c in t["result"].get("checks", ()):
                    c.pop("elapsed", None)
        found[p.parent.name] = g
    return found


def test_a_submission_that_changes_the_verifier_stops_the_batch_with_an_alert(tmp_path):
    pkg = tmp_path / "pkg"  # a copy: this submission really writes into the package it runs
    for name in ("verifier", "reference"):
        shutil.copytree(ROOT / name, pkg / name, ignore=shutil.ignore_patterns("__pycache__"))
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a_correct.py").write_text(CORRECT)
    shutil.copy(HOSTILE / "write_verifier.py", subs / "b_tamper.py")
    (subs / "c_correct.py").write_text(CORRECT)
    toml = tmp_path / "a.toml"
    toml.write_text(ASSIGNMENT)
    out = tmp_path / "out"
    # Without isolation the write goes through, and only the integrity check stands in the way.
    env = {**os.environ, "PYTHONPATH": str(pkg), "VERIFIER_ISOLATION": "off"}
    where = subprocess.run(
        [sys.executable, "-c", "import verifier; print(verifier.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where == str(pkg / "verifier" / "__init__.py")  # never this checkout's package
    cmd = [
        sys.executable,
        "-m",
        "verifier",
        "grade",
        str(subs),
        "--assignment",
        str(toml),
        "--out",
        str(out),
        "-q",
        "--jobs",
        "1",
    ]
    proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    if (
        os.access(pkg / "verifier" / "checking.py", os.W_OK)
        and "a submission was here" not in (pkg / "verifier" / "checking.py").read_text()
    ):
        pytest.skip("the submission could not write into the package here")
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("verifier: ALERT:")
    assert "after grading 'b_tamper'" in proc.stderr and str(pkg / "verifier" / "checking.py") in proc.stderr
    assert (out / "submissions" / "a_correct" / "grade.json").exists()
    assert not (out / "submissions" / "c_correct" / "grade.json").exists()  # never graded by a changed verifier


def test_a_batch_killed_at_random_moments_finishes_with_identical_results(tmp_path):
    subs, toml = _class(tmp_path, 4)
    whole = tmp_path / "whole"
    assert _grade(subs, toml, whole).returncode == 0
    expected = _grades(whole)
    out = tmp_path / "killed"
    cmd = [
        sys.executable,
        "-m",
        "verifier",
        "grade",
        str(subs),
        "--assignment",
        str(toml),
        "--out",
        str(out),
        "-q",
        "--jobs",
        "2",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(4)
    for _ in range(4):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.5)
    stamps = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("submissions/*/grade.json")}
    final = _grade(subs, toml, out)
    assert final.returncode == 0, final.stderr
    for p, stamp in stamps.items():  # graded exactly once: kept, not redone
        assert (p.stat().st_ino, p.stat().st_mtime_ns) == stamp
    assert _grades(out) == expected
    assert not list(out.rglob(".*.tmp"))


def _unshare_mount() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


needs_mounts = pytest.mark.skipif(not _unshare_mount(), reason="needs root and unshare --mount")


@needs_mounts
def test_a_read_only_output_folder_is_one_clear_error_and_keeps_finished_grades(tmp_path):
    subs, toml = _class(tmp_path, 2)
    out = tmp_path / "out"
    assert _grade(subs, toml, out).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (subs / "s9.py").write_text(CORRECT)  # a new submission to grade into a folder now read-only
    script = f'mount --bind "{out}" "{out}" && mount -o remount,bind,ro "{out}" && exec "$@"'
    proc = _grade(subs, toml, out, prefix=("unshare", "--mount", "sh", "-c", script, "sh"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Read-only file system" in proc.stderr and "Traceback" not in proc.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@needs_mounts
def test_a_full_disk_is_one_clear_error_and_keeps_finished_grades(tmp_path):
    subs, toml = _class(tmp_path, 6)
    out = tmp_path / "out"
    saved = tmp_path / "saved"
    out.mkdir()
    # A 96 KiB file system: room for a few submissions, not for all six and the class pages.
    script = f'mount -t tmpfs -o size=96k tmpfs "{out}" && "$@"; rc=$?; cp -a "{out}/." "{saved}/"; exit $rc'
    saved.mkdir()
    proc = _grade(subs, toml, out, prefix=("unshare", "--mount", "sh", "-c", script, "sh"))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "No space left on device" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    written = list(saved.glob("submissions/*/grade.json"))
    assert written, "no grade fitted at all: make the file system larger"
    for p in written:  # every grade on disk is whole, and none is a zero caused by the disk
        g = json.loads(p.read_text())
        assert not g["error"]
    # Given room, the same command continues from the grades that were kept.
    shutil.rmtree(out)
    shutil.copytree(saved, out)
    proc = _grade(subs, toml, out)
    assert proc.returncode == 0, proc.stderr
    assert f"({len(written)} from an earlier run)" in proc.stdout
