"""Real submissions as they come: folders with helper modules, failing top-level code, support files
and a preamble, links that must never be read, archives that must be unpacked safely, LMS exports."""

import json
import os
import stat
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest

import verifier
from verifier.grading.archives import MAX_RATIO, unpack
from verifier.grading.discovery import discover
from verifier.grading.lms import detect, gradescope_names
from verifier.sandbox import Worker

REALWORLD = Path(__file__).resolve().parents[1] / "realworld"

STABLE_SIGMOID = """
import numpy as np

def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""
COST_USING_HELPER = """
import numpy as np
from helper import sigmoid

def compute_cost_logistic(X, y, w, b):
    z = X @ w + b
    return float(np.mean(np.logaddexp(0, z) - y * z))

def compute_gradient_logistic(X, y, w, b):
    err = sigmoid(X @ w + b) - y
    return float(err.mean()), X.T @ err / X.shape[0]
"""


def _folder(tmp_path, name, files):
    d = tmp_path / name
    d.mkdir()
    for rel, text in files.items():
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text(textwrap.dedent(text))
    return d


def test_a_folder_submission_imports_its_own_helper_module(tmp_path):
    d = _folder(tmp_path, "alice", {"helper.py": STABLE_SIGMOID, "lab.py": COST_USING_HELPER})
    r = verifier.check(f"{d}::compute_gradient_logistic", target="gradient", profile="quick", seed=3)
    assert r.passed and r.assessment == "correct", r.failed()
    assert r.candidate.endswith("lab.py")


def test_a_link_to_a_classmates_file_is_never_read(tmp_path):
    _folder(tmp_path, "classmate", {"helper.py": STABLE_SIGMOID})
    d = _folder(tmp_path, "bob", {"lab.py": COST_USING_HELPER})
    os.symlink("../classmate/helper.py", d / "helper.py")
    r = verifier.check(f"{d}::compute_gradient_logistic", target="gradient", profile="quick", seed=3)
    assert r.assessment == "broken" and not r.passed
    assert any("helper.py is a link" in w and "not followed" in w for w in r.warnings)
    assert any("No module named 'helper'" in c.message for c in r.failed())
    # the function that does not need the helper is still judged from bob's own file
    ok = verifier.check(f"{d}::compute_cost_logistic", target="cost", profile="quick", seed=3)
    assert ok.passed


def test_discovery_never_reads_a_linked_file(tmp_path):
    _folder(tmp_path, "other", {"answers.py": "def sigmoid(z):\n    return z\n"})
    d = _folder(tmp_path, "carol", {"notes.txt": "nothing"})
    os.symlink("../other/answers.py", d / "answers.py")
    os.symlink("../other", d / "linked_dir")
    from verifier.sandbox.sources import sources_in

    assert sources_in(d) == []


def test_failing_top_level_statements_are_skipped_and_named(tmp_path):
    src = tmp_path / "export.py"
    src.write_text(
        textwrap.dedent("""
        # In[1]:
        import numpy as np
        get_ipython().run_line_magic('matplotlib', 'inline')
        data = np.loadtxt("data/ex2data1.txt")
        X_train = data[:, :2]
        answer = input("press enter")

        def sigmoid(z):
            z = np.asarray(z, dtype=float)
            e = np.exp(-np.abs(z))
            return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

        def uses_data(z):
            return sigmoid(z) + X_train[0, 0]
    """)
    )
    r = verifier.check(str(src), target="sigmoid", profile="quick", seed=1)
    assert r.passed
    skipped = [w for w in r.warnings if w.startswith("skipped while loading")]
    assert len(skipped) == 4
    assert any("line 4" in w and "get_ipython" in w for w in skipped)
    assert any("FileNotFoundError" in w for w in skipped) and any("EOFError" in w for w in skipped)
    with Worker(str(src)) as w:
        assert w.load().ok
        out = w.call("uses_data", 0.0)
    assert out.status == "raised"
    assert "X_train would have been defined by line 6" in out.error.message
    assert "data = np.loadtxt" not in out.error.message  # it names the statement that binds X_train


def test_a_statement_that_runs_too_long_is_stopped_and_skipped(tmp_path, monkeypatch):
    src = tmp_path / "train.py"
    src.write_text("import time\n\nwhile True:\n    time.sleep(0.01)\n\ndef sigmoid(z):\n    return z\n")
    with Worker(str(src)) as w:
        loaded = w.load()
        assert loaded.ok and w.has_function("sigmoid")
    assert any("ran longer than" in s.error for s in loaded.skipped)


def test_a_notebook_cell_that_does_not_parse_skips_that_cell_only(tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": 1,
                "source": "import numpy as np\n%matplotlib inline",
            },
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": 2,
                "source": "def sigmoid(z):\n    return 1 / (1 + np.exp(-z)\n",
            },
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "execution_count": 3,
                "source": "def loss(f, y):\n    return -y * np.log(f) - (1 - y) * np.log(1 - f)\n",
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "lab.ipynb"
    path.write_text(json.dumps(nb))
    bad = verifier.check(str(path), target="sigmoid", profile="quick", seed=1)
    assert bad.assessment == "broken" and bad.diagnoses[0].id == "syntax-error"
    assert "cell 2" in bad.failed()[0].message
    other = verifier.check(str(path), target="loss", only=["correctness.benign"], profile="quick", seed=1)
    assert other.passed


def test_support_files_and_the_preamble_reach_every_submission(tmp_path):
    support = _folder(tmp_path, "course", {"utils.py": "SCALE = 1.0\n", "data/ex2data1.txt": "1,2,0\n"})
    pasted = tmp_path / "pasted.py"
    pasted.write_text(
        textwrap.dedent("""
        from utils import SCALE
        rows = open("data/ex2data1.txt").read()

        def sigmoid(z):
            z = SCALE * np.asarray(z, dtype=float)
            e = np.exp(-np.abs(z))
            return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    """)
    )
    r = verifier.check(
        str(pasted),
        target="sigmoid",
        profile="quick",
        seed=1,
        support=[support / "utils.py", support / "data"],
        preamble="import numpy as np",
    )
    assert r.passed and not [w for w in r.warnings if w.startswith("skipped")], r.warnings
    without = verifier.check(str(pasted), target="sigmoid", profile="quick", seed=1)
    assert without.assessment == "broken"


def test_a_course_support_file_wins_over_the_students_copy_and_is_read_only(tmp_path):
    support = _folder(tmp_path, "course", {"utils.py": "VALUE = 'course'\n"})
    d = _folder(
        tmp_path,
        "dave",
        {
            "utils.py": "VALUE = 'student'\n",
            "lab.py": "import os, utils\nWRITABLE = os.access('utils.py', os.W_OK)\n"
            "def value():\n    return utils.VALUE, WRITABLE\n",
        },
    )
    with Worker(str(d / "lab.py"), root=str(d), support=[str(support / "utils.py")]) as w:
        assert w.load().ok
        out = w.call("value")
    assert out.value[0] == "course"
    assert any("part of the course's support files" in n for n in w.notes)
    if os.geteuid() == 0 and "unprivileged-user" not in w.isolation:
        pytest.skip("root without a user switch ignores file modes")
    assert out.value[1] is False


def _zip(path, entries, links=()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        for name, target in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


def test_archives_refuse_zip_slip_links_and_bombs_and_extract_the_rest(tmp_path):
    archive = _zip(
        tmp_path / "sub.zip",
        {
            "lab/sigmoid.py": STABLE_SIGMOID,
            "../escape.py": "print('out')",
            "/etc/evil.py": "x = 1",
            "a/../../up.py": "x = 2",
            "__MACOSX/lab/._sigmoid.py": "junk",
            "bomb.txt": "0" * (MAX_RATIO * 2 * (1 << 20) // 100),  # compresses far past the ratio cap
        },
        links=[("lab/helper.py", "../../classmate/helper.py")],
    )
    out = unpack(archive, tmp_path / "out")
    assert out.files == ["lab/sigmoid.py"]
    text = " | ".join(out.notes)
    for refused in ("../escape.py", "/etc/evil.py", "a/../../up.py", "lab/helper.py is a link", "bomb.txt"):
        assert refused in text
    assert not (tmp_path / "escape.py").exists() and not (tmp_path / "up.py").exists()
    assert not (tmp_path / "out" / "lab" / "helper.py").exists()


def test_a_class_of_archives_is_graded_from_the_safe_entries(tmp_path):
    subs_dir = tmp_path / "class"
    subs_dir.mkdir()
    _zip(subs_dir / "erin.zip", {"erin/lab.py": STABLE_SIGMOID, "../../evil.py": "x = 1"})
    (subs_dir / "broken.zip").write_bytes(b"not a zip at all")
    subs = {s.name: s for s in discover(subs_dir, staging=tmp_path / "stage")}
    assert [p.name for p in subs["erin"].sources] == ["lab.py"]
    assert any("../../evil.py" in n for n in subs["erin"].notes)
    assert subs["broken"].sources == () and "not a readable zip" in subs["broken"].notes[0]


@pytest.mark.parametrize("platform", ["canvas", "moodle", "blackboard", "gradescope"])
def test_lms_exports_are_mapped_back_to_their_students_with_original_names(tmp_path, platform):
    manifest = tomllib.loads((REALWORLD / "manifest.toml").read_text())
    entry = next(e for e in manifest["lms"] if e["platform"] == platform)
    folder = REALWORLD / entry["path"]
    assert detect(sorted(p for p in folder.iterdir() if not p.name.startswith("."))) == platform
    subs = {s.name: s for s in discover(folder, staging=tmp_path)}
    expected = set(entry["students"])
    if platform == "gradescope":  # a group submission is one submission named after both
        expected = {n for n in expected if n not in ("Ana Costa", "Luc Perrin")} | {"Ana Costa, Luc Perrin"}
    assert set(subs) == expected
    for name, sub in subs.items():
        assert sub.sources, name
        for p in sub.sources:  # the LMS prefixes are gone: sibling imports work again
            assert not p.name.startswith(("hallowayjane_", "LogRegWeek2_")), p.name


def test_canvas_keeps_the_latest_resubmission_and_blackboard_the_latest_attempt(tmp_path):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    (canvas / "leeann_100_200_lab.py").write_text("VERSION = 0\n")
    (canvas / "leeann_100_201_lab-2.py").write_text("VERSION = 2\n")
    (canvas / "leeann_100_202_lab-1.py").write_text("VERSION = 1\n")
    (sub,) = discover(canvas, staging=tmp_path / "s1")
    assert sub.name == "leeann" and [p.name for p in sub.sources] == ["lab.py"]
    assert sub.sources[0].read_text() == "VERSION = 2\n"
    bb = tmp_path / "bb"
    bb.mkdir()
    for ts, v in (("2024-03-01-10-00-00", 1), ("2024-03-02-09-00-00", 2)):
        (bb / f"Lab3_kim7_attempt_{ts}_lab.py").write_text(f"VERSION = {v}\n")
        (bb / f"Lab3_kim7_attempt_{ts}.txt").write_text("receipt")
    (sub,) = discover(bb, staging=tmp_path / "s2")
    assert sub.name == "kim7" and sub.sources[0].read_text() == "VERSION = 2\n"


def test_gradescope_metadata_names_every_submitter(tmp_path):
    names = gradescope_names(REALWORLD / "class_lms" / "gradescope" / "submission_metadata.yml")
    assert names["231004"] == "Ana Costa, Luc Perrin" and names["231001"] == "Chloé Dubois"
