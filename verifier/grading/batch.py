"""Grading a whole class: each submission in a process of its own, resumable, with progress.

``grade_class`` grades a folder of submissions (``jobs`` at a time) and writes, under ``out``:

    submissions/<name>/grade.json    the grade (written atomically; the marker that it is done)
    submissions/<name>/...           the per-submission views the caller asks for (``Views``)
    ...                              the class views the caller asks for

A grade whose assignment hash matches is reused, never recomputed; a crash or hang of a grading
process becomes a zero with the reason; a change to the verifier's own files stops the batch
(verifier/grading/integrity.py).  Which views are written is the caller's choice (the CLI passes
verifier.report.views), so grading never imports the code that renders.

The parent prepares the assignment's case banks once (``banking.prepare``) before it starts any
grading process; each forked process inherits them.  ``grade_in_child`` grades one submission the
same way (a forked process, the submission time limit) for engines that run elsewhere
(verifier/grading/cluster.py).
"""

from __future__ import annotations

import errno
import inspect
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from verifier.errors import ExitCode, OutputError, UsageError
from verifier.grading.assignment import Assignment
from verifier.grading.banking import prepare
from verifier.grading.discovery import Submission, discover
from verifier.grading.grades import SubmissionGrade
from verifier.grading.integrity import CodeManifest
from verifier.grading.scoring import failed_grade, grade_submission
from verifier.grading.store import finished, grade_path, read_grade, split_done, write_grade
from verifier.sandbox import zygote
from verifier.sandbox.outcomes import signal_name

POLL_SECONDS = 0.5  # how often the parent looks at its running children
KILL_GRACE_SECONDS = 2.0  # between SIGTERM and SIGKILL for a grading process past its time limit
LOW_DISK_BYTES = 1 << 20  # below this much free space a failed write is reported as a full disk

SubmissionViews = Callable[[SubmissionGrade, Path, Assignment], None]
ClassViews = Callable[[list[SubmissionGrade], Path, Assignment], None]
# How one submission is graded in its process: ``grader(sub, assignment, banks=banks)``, or
# ``grader(sub, assignment)`` for a grader that takes no banks (``grade_submission`` by default).
Grader = Callable[..., SubmissionGrade]


@dataclass(frozen=True)
class Views:
    """The views written next to each grade.json (``submission(grade, folder, assignment)``) and for
    the whole class (``whole_class(grades, out, assignment)``); None writes none.  ``marker`` names the
    files whose absence makes a resumed run write a submission's views again."""

    submission: SubmissionViews | None = None
    whole_class: ClassViews | None = None
    marker: tuple[str, ...] = ()


NO_VIEWS = Views()


def _set_parent_death_signal() -> None:
    """Linux: SIGTERM this process when the grading parent dies (e.g. it was killed with -9)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def save_grade(grade: SubmissionGrade, folder: Path, assignment: Assignment, views: Views) -> None:
    """``folder``/grade.json, then the submission's views next to it."""
    write_grade(folder, grade)
    if views.submission is not None:
        views.submission(grade, folder, assignment)


def _takes_banks(grader: Grader) -> bool:
    """Whether ``grader`` accepts ``banks=`` (a replacement written before banks existed may not)."""
    try:
        params = inspect.signature(grader).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "banks" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def _child(
    sub: Submission, assignment: Assignment, out: Path, parent: int, views: Views, banks: Any, grader: Grader | None
) -> None:
    """Grade one submission in a forked process; write its grade and views."""
    stopping = []

    def on_term(signum: int, frame: Any) -> None:
        stopping.append(signum)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    _set_parent_death_signal()
    if os.getppid() != parent:
        os._exit(1)
    start = time.perf_counter()
    try:
        grade_with = grader or grade_submission
        grade = grade_with(sub, assignment, banks=banks) if _takes_banks(grade_with) else grade_with(sub, assignment)
    except Exception as exc:  # a fault of the verifier itself: a zero with the reason, not a crash
        grade = failed_grade(
            sub, assignment, f"grading crashed: {type(exc).__name__}: {exc}", time.perf_counter() - start
        )
        traceback.print_exc()
    if stopping or os.getppid() != parent:
        os._exit(1)
    try:
        save_grade(grade, grade_path(out, sub).parent, assignment, views)
    except OSError:  # the parent reports it: a full disk is not this submission's zero
        os._exit(ExitCode.OUTPUT)


def _write_failure(out: Path) -> OSError:
    """Why a grading process could not write into ``out``, as far as can be told from outside."""
    try:
        st = os.statvfs(out)
        if st.f_bavail * st.f_frsize < LOW_DISK_BYTES or st.f_favail == 0:
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        if st.f_flag & os.ST_RDONLY:
            return OSError(errno.EROFS, os.strerror(errno.EROFS))
    except OSError:
        pass
    return OSError("the grading process could not write its results")


def output_error(out: Path, exc: OSError, done: int | None) -> OutputError:
    count = "" if done is None else f" {done}"
    return OutputError(
        f"cannot write to {out}: {exc.strerror or exc}. Grading stopped; the{count} grades "
        "finished so far are intact: make room or fix the folder and run the same command to continue"
    )


def _exit_status(target: Callable[..., None], args: tuple[Any, ...]) -> int:
    """Run ``target(*args)`` in a forked process; the status it exits with."""
    try:
        target(*args)
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass


class _Forked:
    """A process forked to run ``target(*args)``, with the parts of ``multiprocessing.Process`` the pool
    uses (``sentinel``, ``exitcode``, ``join``, ``is_alive``, ``terminate``, ``kill``).  It forks
    directly, so a daemonic process (a Dask worker) may start one as well as the command line can."""

    def __init__(self, target: Callable[..., None], args: tuple[Any, ...]):
        for stream in (sys.stdout, sys.stderr):  # text buffered now must not be written twice
            stream.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            os._exit(_exit_status(target, args))  # never the parent's exit handlers
        os.close(write)
        self.pid = pid
        self.sentinel = read  # readable (end of file) once the child has exited
        self.exitcode: int | None = None

    def _reaped(self, flags: int) -> bool:
        if self.exitcode is not None:
            return True
        pid, status = os.waitpid(self.pid, flags)
        if pid == 0:
            return False
        self.exitcode = os.waitstatus_to_exitcode(status)
        os.close(self.sentinel)
        return True

    def join(self) -> None:
        self._reaped(0)

    def is_alive(self) -> bool:
        return not self._reaped(os.WNOHANG)

    def _signal(self, signum: int) -> None:
        if self.exitcode is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)


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
            self._bar(running)
        elif finished is not None:
            note = f" ({finished.error})" if finished.error else ""
            self.stream.write(
                f"graded {self.done}/{self.total}: {finished.submission}: "
                f"{finished.score:g}/{finished.max_score:g}{note}\n"
            )
            self.stream.flush()

    def _bar(self, running: int) -> None:
        assert self.stream is not None
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.start
        eta = f", about {(self.total - self.done) * elapsed / self.graded:.0f}s left" if self.graded else ""
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} graded, {running} running{eta}   "
        )
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()

    def line(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(("\n" if self.tty else "") + text + "\n")
            self.stream.flush()


@dataclass(frozen=True)
class ClassRun:
    """What ``grade_class`` did: all grades, and how many were reused from an earlier run.  The grades
    are as a class run keeps them (``SubmissionGrade.for_class``: without the error-plot samples, so
    memory stays small for a large class); the whole grade of each is in the store (``store.finished``)."""

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
    views: Views = NO_VIEWS,
) -> ClassRun:
    """Grade every submission in ``folder`` with ``jobs`` processes and write grades and ``views`` to ``out``."""
    subs = discover_class(folder, assignment, out)
    return grade_many(subs, assignment, out, jobs, progress, on_graded, views)


def discover_class(folder: str | Path, assignment: Assignment, out: str | Path) -> list[Submission]:
    """The submissions in ``folder``, in their order, after checking that ``out`` can be written
    (archives are unpacked under ``out``/.staging)."""
    out = Path(out)
    prepare_out(out)
    return discover(folder, assignment.files, staging=out / ".staging")


def prepare_out(out: Path) -> None:
    """Create ``out`` and prove it writable: an unwritable folder is one clear error, not a zero each."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot create the folder ({exc.strerror})") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test.", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise output_error(out, exc, 0) from None


@dataclass
class _Running:
    sub: Submission
    proc: Any
    started: float
    term_sent: float | None = None


@dataclass
class _Pool:
    """The grading processes of one batch: started, reaped, and stopped when past their time limit."""

    assignment: Assignment
    out: Path
    views: Views
    digest: str
    banks: Any = None
    grader: Grader | None = None
    parent: int = field(default_factory=os.getpid)
    running: dict[Any, _Running] = field(default_factory=dict)

    def start(self, sub: Submission) -> None:
        args = (sub, self.assignment, self.out, self.parent, self.views, self.banks, self.grader)
        proc = _Forked(_child, args)
        self.running[proc.sentinel] = _Running(sub, proc, time.monotonic())

    def wait(self) -> list[_Running]:
        from multiprocessing.connection import wait

        ready = wait(list(self.running), timeout=POLL_SECONDS)
        done = [self.running.pop(s) for s in ready]
        for r in done:
            r.proc.join()
        return done

    def grade_of(self, r: _Running, done: int | None) -> SubmissionGrade:
        """The grade the child wrote, or a zero with the reason it did not."""
        grade = finished(self.out, r.sub, self.digest)
        if grade is not None:
            return grade
        if r.proc.exitcode == ExitCode.OUTPUT:
            raise output_error(self.out, _write_failure(self.out), done)
        elapsed = time.monotonic() - r.started
        limit = self.assignment.submission_timeout
        grade = failed_grade(r.sub, self.assignment, _crash_reason(r.proc.exitcode, limit, elapsed > limit), elapsed)
        try:
            save_grade(grade, grade_path(self.out, r.sub).parent, self.assignment, self.views)
        except OSError as exc:
            raise output_error(self.out, exc, done) from None
        return grade

    def enforce_time_limits(self) -> None:
        now = time.monotonic()
        for r in self.running.values():
            if now - r.started <= self.assignment.submission_timeout:
                continue
            if r.term_sent is None:
                r.proc.terminate()
                r.term_sent = now
            elif now - r.term_sent > KILL_GRACE_SECONDS:
                r.proc.kill()

    def stop(self) -> None:
        for r in self.running.values():
            if r.proc.is_alive():
                r.proc.kill()
            r.proc.join()


def grade_in_child(
    sub: Submission,
    assignment: Assignment,
    out: Path,
    views: Views = NO_VIEWS,
    banks: Any = None,
    grader: Grader | None = None,
) -> SubmissionGrade:
    """Grade ``sub`` in a forked process of its own within the submission time limit, as ``grade_many``
    does, and return the grade written to ``out`` (or the zero with the reason written for it).
    Raises OutputError when the grade cannot be written."""
    zygote.warm()  # once per process: each forked grading process gets a copy, not a new zygote
    pool = _Pool(assignment, out, views, assignment.digest(), banks, grader)
    pool.start(sub)
    try:
        while True:
            for r in pool.wait():
                return pool.grade_of(r, None)
            pool.enforce_time_limits()
    finally:
        pool.stop()


def grade_many(
    subs: list[Submission],
    assignment: Assignment,
    out: str | Path,
    jobs: int = 1,
    progress: TextIO | None = sys.stderr,
    on_graded: Callable[[SubmissionGrade], None] | None = None,
    views: Views = NO_VIEWS,
    check_integrity: bool = True,
) -> ClassRun:
    """Grade ``subs``, each in a process of its own (``jobs`` at a time), resuming from ``out``."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"--jobs {jobs!r}: pass a whole number of processes >= 1")
    start = time.monotonic()
    out = Path(out)
    prepare_out(out)
    # Between submissions: the verifier's own files must be as they were when the batch started.
    manifest = CodeManifest.snapshot() if check_integrity else None
    grades, pending = split_done(subs, out, assignment.digest())
    reused = len(grades)
    bar = Progress(len(subs), progress, done=reused)
    if reused:
        bar.line(f"{reused} of {len(subs)} submissions already graded in {out}; grading the other {len(pending)}")
    # Once, before any grading process starts: every child inherits them.
    banks = prepare(assignment, out) if pending else None
    if pending:
        zygote.warm()  # and the workers' zygote: each grading process forks from a copy of it
    pool = _Pool(assignment, out, views, assignment.digest(), banks)
    try:
        while pending or pool.running:
            while pending and len(pool.running) < jobs:
                pool.start(pending.pop(0))
                bar.update(len(pool.running))
            for r in pool.wait():
                grade = pool.grade_of(r, len(grades))
                grades[r.sub.slug] = grade.for_class()  # the whole grade is in the store
                bar.update(len(pool.running), grade)
                if on_graded is not None:
                    on_graded(grade)
                if manifest is not None:
                    manifest.verify(last=r.sub.name)
            pool.enforce_time_limits()
    finally:
        pool.stop()
    ordered = [grades[s.slug] for s in subs]
    finish_views(subs, ordered, out, assignment, views)
    return ClassRun(ordered, reused, len(subs) - reused, time.monotonic() - start)


def finish_views(
    subs: list[Submission], grades: list[SubmissionGrade], out: Path, assignment: Assignment, views: Views
) -> None:
    """The submission views a resumed run lacks, then the class views (``grades`` in the order of ``subs``)."""
    done = len(grades)
    try:
        if views.submission is not None:
            for sub, grade in zip(subs, grades):
                path = grade_path(out, sub)
                if not all((path.parent / name).exists() for name in views.marker):
                    # from the whole grade as stored (the one kept in memory lacks the plots' samples)
                    views.submission(read_grade(path) or grade, path.parent, assignment)
        if views.whole_class is not None:
            views.whole_class(grades, out, assignment)
    except OSError as exc:
        raise output_error(out, exc, done) from None


def _crash_reason(exitcode: int | None, limit: float, timed_out: bool) -> str:
    if timed_out:
        return f"grading did not finish within the submission time limit ({limit:g} s)"
    if exitcode is not None and exitcode < 0:
        return f"the grading process was killed ({signal_name(-exitcode)})"
    return f"the grading process crashed (exit status {exitcode})"
