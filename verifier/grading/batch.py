"""Grading a whole class: each submission in a process of its own, resumable, with progress.

``grade_class`` grades a folder of submissions (``jobs`` at a time) and writes the per-submission
grades and views, then the class views (see verifier/grading.py for the layout).  A grade whose
assignment hash matches is reused, never recomputed; a crash or hang of a grading process becomes a
zero with the reason; a change to the verifier's own files stops the batch (verifier/integrity.py).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

from verifier.api import UsageError
from verifier.assignment import Assignment
from verifier.grading import (
    EX_OUTPUT,
    OutputError,
    Submission,
    SubmissionGrade,
    atomic_write,
    discover,
    failed_grade,
    grade_path,
    grade_submission,
    read_grade,
    write_class_views,
    write_views,
)
from verifier.integrity import CodeManifest


def _set_parent_death_signal() -> None:
    """Linux: SIGTERM this process when the grading parent dies (e.g. it was killed with -9)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(sub: Submission, assignment: Assignment, out: Path, parent: int) -> None:
    """Grade one submission in a forked process; write its grade and views."""
    stopping = []

    def on_term(signum, frame):
        stopping.append(signum)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    _set_parent_death_signal()
    if os.getppid() != parent:
        os._exit(1)
    start = time.perf_counter()
    try:
        grade = grade_submission(sub, assignment)
    except Exception as exc:  # a fault of the verifier itself: a zero with the reason, not a crash
        grade = failed_grade(sub, assignment, f"grading crashed: {type(exc).__name__}: {exc}", time.perf_counter() - start)
        traceback.print_exc()
    if stopping or os.getppid() != parent:
        os._exit(1)
    folder = grade_path(out, sub).parent
    try:
        atomic_write(folder / "grade.json", json.dumps(grade.to_json(), indent=1, allow_nan=False))
        write_views(grade, folder, assignment)
    except OSError:  # the parent reports it: a full disk is not this submission's zero
        os._exit(EX_OUTPUT)


def _write_failure(out: Path) -> OSError:
    """Why a grading process could not write into ``out``, as far as can be told from outside."""
    import errno

    try:
        st = os.statvfs(out)
        if st.f_bavail * st.f_frsize < (1 << 20) or st.f_favail == 0:
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        if st.f_flag & os.ST_RDONLY:
            return OSError(errno.EROFS, os.strerror(errno.EROFS))
    except OSError:
        pass
    return OSError("the grading process could not write its results")


def _output_error(out: Path, exc: OSError, done: int) -> OutputError:
    return OutputError(f"cannot write to {out}: {exc.strerror or exc}. Grading stopped; the {done} grades "
                       "finished so far are intact: make room or fix the folder and run the same command to continue")


class Progress:
    """A progress bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream: TextIO | None = sys.stderr, done: int = 0):
        self.total = total
        self.done = done
        self.stream = stream
        self.tty = bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())
        self.start = time.monotonic()
        self.graded = 0

    def update(self, running: int, finished: SubmissionGrade | None = None) -> None:
        if self.stream is None:
            return
        if finished is not None:
            self.done += 1
            self.graded += 1
        if self.tty:
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            elapsed = time.monotonic() - self.start
            eta = ""
            if self.graded:
                left = (self.total - self.done) * elapsed / self.graded
                eta = f", about {left:.0f}s left"
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} graded, {running} running{eta}   ")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif finished is not None:
            note = f" ({finished.error})" if finished.error else ""
            self.stream.write(f"graded {self.done}/{self.total}: {finished.submission}: {finished.score:g}/{finished.max_score:g}{note}\n")
            self.stream.flush()

    def line(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(("\n" if self.tty else "") + text + "\n")
            self.stream.flush()


@dataclass(frozen=True)
class ClassRun:
    """What ``grade_class`` did: all grades, and how many were reused from an earlier run."""

    grades: list[SubmissionGrade]
    reused: int
    graded: int
    elapsed: float


def grade_class(
    folder: str | Path,
    assignment: Assignment,
    out: str | Path,
    jobs: int = 1,
    progress: TextIO | None = sys.stderr,
    on_graded: Callable[[SubmissionGrade], None] | None = None,
) -> ClassRun:
    """Grade every submission in ``folder`` with ``jobs`` processes and write the reports to ``out``."""
    subs = discover(folder, assignment.files)
    return grade_many(subs, assignment, out, jobs, progress, on_graded)


def grade_many(
    subs: list[Submission],
    assignment: Assignment,
    out: str | Path,
    jobs: int = 1,
    progress: TextIO | None = sys.stderr,
    on_graded: Callable[[SubmissionGrade], None] | None = None,
    class_views: bool = True,
    check_integrity: bool = True,
) -> ClassRun:
    """Grade ``subs``, each in a process of its own (``jobs`` at a time), resuming from ``out``."""
    import multiprocessing
    from multiprocessing.connection import wait

    import verifier.report.html  # noqa: F401  (imported once here, shared by the forked processes)

    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"--jobs {jobs!r}: pass a whole number of processes >= 1")
    start = time.monotonic()
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot create the folder ({exc.strerror})") from None
    try:  # an unwritable folder is one clear error now, not a zero for every submission
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise _output_error(out, exc, 0) from None
    # Between submissions: the verifier's own files must be as they were when the batch started.
    manifest = CodeManifest.snapshot() if check_integrity else None
    digest = assignment.digest()
    grades: dict[str, SubmissionGrade] = {}
    pending: list[Submission] = []
    for sub in subs:
        earlier = read_grade(grade_path(out, sub))
        if earlier is not None and earlier.assignment_hash == digest and earlier.submission == sub.name:
            grades[sub.slug] = earlier
        else:
            pending.append(sub)
    reused = len(grades)
    bar = Progress(len(subs), progress, done=reused)
    if reused:
        bar.line(f"{reused} of {len(subs)} submissions already graded in {out}; grading the other {len(pending)}")

    ctx = multiprocessing.get_context("fork")
    running: dict[Any, tuple[Submission, float, float | None]] = {}  # sentinel -> (sub, started, term sent)
    procs: dict[Any, Any] = {}
    parent = os.getpid()

    def finish(sub: Submission, grade: SubmissionGrade) -> None:
        grades[sub.slug] = grade
        bar.update(len(running), grade)
        if on_graded is not None:
            on_graded(grade)

    try:
        while pending or running:
            while pending and len(running) < jobs:
                sub = pending.pop(0)
                proc = ctx.Process(target=_child, args=(sub, assignment, out, parent), name=f"grade {sub.slug}", daemon=False)
                proc.start()
                running[proc.sentinel] = (sub, time.monotonic(), None)
                procs[proc.sentinel] = proc
                bar.update(len(running))
            ready = wait(list(running), timeout=0.5)
            now = time.monotonic()
            for sentinel in ready:
                sub, started, _ = running.pop(sentinel)
                proc = procs.pop(sentinel)
                proc.join()
                grade = read_grade(grade_path(out, sub))
                if proc.exitcode == EX_OUTPUT and grade is None:
                    raise _output_error(out, _write_failure(out), len(grades))
                if grade is None or grade.assignment_hash != digest:
                    reason = _crash_reason(proc.exitcode, assignment.submission_timeout, timed_out=now - started > assignment.submission_timeout)
                    grade = failed_grade(sub, assignment, reason, now - started)
                    folder = grade_path(out, sub).parent
                    try:
                        atomic_write(folder / "grade.json", json.dumps(grade.to_json(), indent=1, allow_nan=False))
                        write_views(grade, folder, assignment)
                    except OSError as exc:
                        raise _output_error(out, exc, len(grades)) from None
                finish(sub, grade)
                if manifest is not None:
                    manifest.verify(last=sub.name)
            for sentinel, (sub, started, term) in list(running.items()):
                if now - started > assignment.submission_timeout:
                    proc = procs[sentinel]
                    if term is None:
                        proc.terminate()
                        running[sentinel] = (sub, started, now)
                    elif now - term > 2:
                        proc.kill()
    finally:
        for sentinel, proc in procs.items():
            if proc.is_alive():
                proc.kill()
            proc.join()

    ordered = [grades[s.slug] for s in subs]
    try:
        for sub, grade in zip(subs, ordered):
            folder = grade_path(out, sub).parent
            if not (folder / "report.html").exists() or not (folder / "results.json").exists():
                write_views(grade, folder, assignment)
        if class_views:
            write_class_views(ordered, out, assignment)
    except OSError as exc:
        raise _output_error(out, exc, len(grades)) from None
    return ClassRun(ordered, reused, len(subs) - reused, time.monotonic() - start)


def _crash_reason(exitcode: int | None, limit: float, timed_out: bool) -> str:
    if timed_out:
        return f"grading did not finish within the submission time limit ({limit:g} s)"
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the grading process was killed ({name})"
    return f"the grading process crashed (exit status {exitcode})"
