"""Builds the binary and derived fixtures of the real-world corpus.

Run from anywhere with the project's interpreter:

    .venv/bin/python tests/realworld/make_archives.py

It (re)writes, deterministically:

* submissions/ex2_port_zipped.zip  a folder submission zipped the way students do it (top folder
                                    inside, plus macOS __MACOSX/ AppleDouble junk), from archive_src/
* submissions/zip_slip.zip         a good lab.py plus entries that try to escape the unpack folder
* submissions/zip_symlink.zip      a lab.py plus a symlink entry helper.py -> ../some_other_student/helper.py
* committed bytecode caches that a grader must never import:
    - ex2_launchcode_fork/__pycache__/sigmoid.<this interpreter's tag>.pyc: an UNCHECKED-HASH pyc
      compiled from an unfinished stub (sigmoid returns 0).  CPython uses such a pyc without
      looking at sigmoid.py, so a grader that leaves __pycache__ in place grades the stub.
    - pyc files of other Python versions (3.5, 3.6, 3.7, 3.9) in several folders, as committed in
      the surveyed repositories.
* submissions/ex2_notebook_folder/token.pkl (what the course's submit helper leaves behind)
* class_lms/: one export per LMS platform, made of renamed copies of submissions (see manifest.toml)

Only the standard library is used.
"""
from __future__ import annotations

import importlib.util
import io
import marshal
import os
import pickle
import shutil
import stat
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUB = HERE / "submissions"
SRC = HERE / "archive_src"
LMS = HERE / "class_lms"

DATE = (2024, 3, 1, 10, 0, 0)  # fixed timestamps: the archives are byte-for-byte reproducible


def _info(name: str, mode: int = 0o100644) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=DATE)
    zi.external_attr = mode << 16
    zi.create_system = 3  # unix, so the mode bits are meaningful
    zi.compress_type = zipfile.ZIP_DEFLATED
    return zi


def _apple_double(name: str) -> bytes:
    # the 26-byte AppleDouble header (magic 0x00051607, version 2) followed by a little filler
    return b"\x00\x05\x16\x07\x00\x02\x00\x00" + b"Mac OS X        " + b"\x00\x00" + name.encode()[:16].ljust(16, b"\x00")


def zip_folder_submission() -> None:
    src = SRC / "ex2_port_zipped"
    out = SUB / "ex2_port_zipped.zip"
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(_info("ex2_port_zipped/", 0o040755), b"")
        for p in sorted(src.iterdir()):
            if p.is_file():
                z.writestr(_info(f"ex2_port_zipped/{p.name}"), p.read_bytes())
        for p in sorted(src.iterdir()):
            if p.is_file():
                z.writestr(_info(f"__MACOSX/ex2_port_zipped/._{p.name}"), _apple_double(p.name))


LAB_GOOD = '''import numpy as np


def sigmoid(z):
    """Compute the sigmoid of z (stable for large |z|)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def compute_cost_logistic(X, y, w, b):
    """Mean log-loss, computed from the logits."""
    z = X @ w + b
    return np.mean(np.logaddexp(0.0, z) - y * z)


def compute_gradient_logistic(X, y, w, b):
    """Returns (dj_db, dj_dw)."""
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    return err.sum() / m, X.T @ err / m
'''

ESCAPE = '''# written outside the unpack folder if the archive is extracted naively
def compute_cost_logistic(X, y, w, b):
    return 0.0


def sigmoid(z):
    return 0.5
'''


def zip_slip() -> None:
    with zipfile.ZipFile(SUB / "zip_slip.zip", "w") as z:
        z.writestr(_info("lab.py"), LAB_GOOD)
        z.writestr(_info("../escape.py"), ESCAPE)
        z.writestr(_info("notes/../../escape_too.py"), ESCAPE)
        z.writestr(_info("/tmp/escape_absolute.py"), ESCAPE)


LAB_NEEDS_HELPER = '''import numpy as np
from helper import softplus


def sigmoid(z):
    """Compute the sigmoid of z."""
    return 1.0 / (1.0 + np.exp(-z))


def compute_cost_logistic(X, y, w, b):
    z = X @ w + b
    return np.mean(softplus(z) - y * z)


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    return np.sum(err) / m, np.dot(X.T, err) / m
'''


def zip_symlink() -> None:
    with zipfile.ZipFile(SUB / "zip_symlink.zip", "w") as z:
        z.writestr(_info("lab.py"), LAB_NEEDS_HELPER)
        # a symlink entry: mode S_IFLNK, the content is the link target
        z.writestr(_info("helper.py", stat.S_IFLNK | 0o777), "../some_other_student/helper.py")


STALE_SIGMOID = '''def sigmoid(z):
    """computes the sigmoid of z."""
    g = 0
    return g
'''


def _fake_pyc(magic_number: int, source: str, name: str) -> bytes:
    # a pyc of another interpreter version: its magic differs from ours, so CPython would refuse it
    # anyway; the body is this interpreter's marshal data, which is all a bystander can produce
    code = compile(source, name, "exec")
    return magic_number.to_bytes(2, "little") + b"\r\n" + b"\x00" * 12 + marshal.dumps(code)


def bytecode_caches() -> None:
    # 1. the trap: an unchecked-hash pyc for THIS interpreter, compiled from a stub
    cache = SUB / "ex2_launchcode_fork" / "__pycache__"
    cache.mkdir(exist_ok=True)
    for old in cache.glob("sigmoid.cpython-*.pyc"):
        if old.name != f"sigmoid.{sys.implementation.cache_tag}.pyc":
            old.unlink()
    code = compile(STALE_SIGMOID, "sigmoid.py", "exec")
    flags = 0b01  # hash-based, check_source bit clear: "unchecked"
    source_hash = importlib.util.source_hash(STALE_SIGMOID.encode())
    data = importlib.util.MAGIC_NUMBER + flags.to_bytes(4, "little") + source_hash + marshal.dumps(code)
    (cache / f"sigmoid.{sys.implementation.cache_tag}.pyc").write_bytes(data)
    (cache / "costFunction.cpython-36.pyc").write_bytes(_fake_pyc(3379, "J = 0\n", "costFunction.py"))

    # 2. other versions' caches, as committed in the surveyed repositories
    cache = SUB / "ex2_launchcode_stubs" / "__pycache__"
    cache.mkdir(exist_ok=True)
    for name in ("sigmoid", "costFunction", "predict"):
        (cache / f"{name}.cpython-35.pyc").write_bytes(_fake_pyc(3350, f"# {name}\n", f"{name}.py"))
    cache = SUB / "mls_archive_checkpoints" / "__pycache__"
    cache.mkdir(exist_ok=True)
    for name, magic, tag in (("hidden_tests", 3394, "37"), ("hidden_tests", 3425, "39"),
                             ("solutions", 3394, "37"), ("solutions", 3425, "39")):
        src = "def compute_cost(X, y, w, b, *argv):\n    return 0.0\n" if name == "solutions" else "def test():\n    pass\n"
        (cache / f"{name}.cpython-{tag}.pyc").write_bytes(_fake_pyc(magic, src, f"{name}.py"))
    cache = SUB / "dlai_per_file" / "__pycache__"
    cache.mkdir(exist_ok=True)
    for name in ("sigmoid", "propagate", "predict", "rum"):
        (cache / f"{name}.cpython-37.pyc").write_bytes(_fake_pyc(3394, f"# {name}\n", f"{name}.py"))


def token_pickle() -> None:
    data = {"login": "student@example.org", "token": "0123456789abcdef"}
    (SUB / "ex2_notebook_folder" / "token.pkl").write_bytes(pickle.dumps(data, protocol=2))


# ------------------------------------------------------------------------------ LMS exports


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def _files(folder: Path):
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def canvas() -> None:
    """Canvas "Download Submissions": flat, <lastfirst>_[LATE_]<userid>_<attachmentid>_<original name>."""
    out = LMS / "canvas"
    # one student, several files: every file is renamed, each with its own attachment id
    for k, p in enumerate(_files(SUB / "ex2_port_mstampfer")):
        _copy(p, out / f"hallowayjane_40211_{8812001 + k}_{p.name}")
    _copy(SUB / "ex2_port_zipped.zip", out / "smithbob_340934_208490284_ex2.zip")
    _copy(SUB / "ex2_reg_twice_divided.py", out / "perezluis_LATE_41877_8812350_ex2_reg.py")
    # uploaded twice under the same name: Canvas appends -1 to the later file
    _copy(SUB / "ex2_onefile_correct.py", out / "chenwei_41001_8812400_ex2-1.py")


def moodle() -> None:
    """Moodle "Download all submissions" in folders mode."""
    out = LMS / "moodle"
    _copy(SUB / "mls_notebook_textbook.ipynb",
          out / "Jane Smith_1234567_assignsubmission_file" / "C1_W3_Logistic_Regression.ipynb")
    for p in _files(SUB / "mls_exercise_files"):
        _copy(p, out / "Bao Nguyen_1234568_assignsubmission_file" / p.name)
    # Moodle 3.x names the folder with a trailing underscore
    _copy(SUB / "mls_docstring_order.py",
          out / "Liam O'Brien_1234571_assignsubmission_file_" / "logistic_regression.py")
    _copy(SUB / "mls_clip_eps.py", out / "María García_1234570_assignsubmission_file" / "lab.py")
    text = ('<p>I used np.clip in the cost so the log never sees 0.</p>\n'
            '<p>Submitted late because of the flu, sorry!</p>\n')
    p = out / "María García_1234570_assignsubmission_onlinetext" / "onlinetext.html"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


RECEIPT = """Name: {name} ({user})
Assignment: LogRegWeek2
Date Submitted: {date}
Current Grade: Needs Grading

Submission Field:
There is no student submission text data for this assignment.

Comments:
{comments}

Files:
{files}
"""


def blackboard() -> None:
    """Blackboard "Assignment File Download": flat <assignment>_<user>_attempt_<ts>_<original name> + .txt."""
    out = LMS / "blackboard"
    out.mkdir(parents=True, exist_ok=True)
    people = [
        ("jdoe12", "John Doe", "2024-03-01-10-00-00", "Sunday, 1 March 2024 10:00:00 o'clock CET",
         [(SUB / "dlai_notebook_correct.ipynb", "dlai_lab.ipynb")], "There are no student comments for this assignment."),
        ("akumar3", "Anil Kumar", "2024-03-02-22-41-07", "Saturday, 2 March 2024 22:41:07 o'clock CET",
         [(SUB / "dlai_notebook_textbook.ipynb", "Logistic_Regression_with_a_Neural_Network_mindset.ipynb")],
         "There are no student comments for this assignment."),
        ("bwilson", "Beth Wilson", "2024-03-03-09-15-55", "Sunday, 3 March 2024 09:15:55 o'clock CET",
         [(SUB / "dlai_nested_sigmoid.py", "propagate.py")], "only did propagate, sorry"),
        ("mlopez4", "Marta Lopez", "2024-03-01-23-59-30", "Friday, 1 March 2024 23:59:30 o'clock CET",
         [(p, p.name) for p in _files(SUB / "dlai_per_file")], "There are no student comments for this assignment."),
    ]
    for user, name, ts, date, files, comments in people:
        stem = f"LogRegWeek2_{user}_attempt_{ts}"
        lines = []
        for src, original in files:
            current = f"{stem}_{original}"
            _copy(src, out / current)
            lines.append(f"\tOriginal filename: {original}\n\tFilename: {current}")
        (out / f"{stem}.txt").write_text(
            RECEIPT.format(name=name, user=user, date=date, comments=comments, files="\n".join(lines)),
            encoding="utf-8")


METADATA = """submission_231001:
  :submitters:
  - :name: Chloé Dubois
    :sid: '311204'
    :email: chloe.dubois@epfl.example
  :created_at: 2024-10-25 17:03:12.481000000 +02:00
  :score: 0.0
  :history: []
submission_231002:
  :submitters:
  - :name: Jonas Weber
    :sid: '309871'
    :email: jonas.weber@epfl.example
  :created_at: 2024-10-25 23:58:40.102000000 +02:00
  :score: 0.0
  :history:
  - :created_at: 2024-10-24 11:20:05.550000000 +02:00
    :score: 0.0
submission_231003:
  :submitters:
  - :name: Sofia Rossi
    :sid: '312456'
    :email: sofia.rossi@epfl.example
  :created_at: 2024-10-26 08:12:33.000000000 +02:00
  :score: 0.0
  :history: []
submission_231004:
  :submitters:
  - :name: Ana Costa
    :sid: '310002'
    :email: ana.costa@epfl.example
  - :name: Luc Perrin
    :sid: '310377'
    :email: luc.perrin@epfl.example
  :created_at: 2024-10-25 20:45:00.000000000 +02:00
  :score: 0.0
  :history: []
"""


def gradescope() -> None:
    """Gradescope "Export Submissions": submission_<id>/ folders plus submission_metadata.yml."""
    out = LMS / "gradescope"
    _copy(SUB / "epfl_lab_correct.ipynb", out / "submission_231001" / "ex05.ipynb")
    _copy(SUB / "epfl_implementations_mean.py", out / "submission_231002" / "implementations.py")
    _copy(SUB / "epfl_overflow_loop.py", out / "submission_231003" / "logistic_regression.py")
    _copy(SUB / "epfl_intercept_unpenalized.py", out / "submission_231004" / "implementations.py")
    (out / "submission_metadata.yml").write_text(METADATA, encoding="utf-8")


def main() -> None:
    zip_folder_submission()
    zip_slip()
    zip_symlink()
    bytecode_caches()
    token_pickle()
    if LMS.exists():
        shutil.rmtree(LMS)
    canvas()
    moodle()
    blackboard()
    gradescope()
    for p in sorted(SUB.glob("*.zip")):
        with zipfile.ZipFile(p) as z:
            print(f"{p.relative_to(HERE)}: {len(z.infolist())} entries")
    print(f"class_lms: {sum(1 for _ in LMS.rglob('*') if _.is_file())} files")


if __name__ == "__main__":
    main()
