"""Grading a class on a Dask cluster: one task per submission, into the same resumable store.

``grade_on_cluster(subs, assignment, out, scheduler)`` grades the submissions without a finished
grade in ``out`` on the Dask cluster at ``scheduler`` (a running scheduler's address, or ``"local"``
for a cluster of ``jobs`` single-threaded worker processes on this machine).  A task runs in a Dask
worker and grades its submission as the local batch does: in a forked process of its own, within the
submission time limit, writing grade.json and the submission's views under ``out``
(verifier.grading.batch.grade_in_child).  The candidate's code runs, as always, in the sandbox's
processes below that forked process, never in the Dask worker.  Every worker must see ``out`` at the
same path (a shared file system for a remote cluster).

The store decides what is done: the client submits only submissions without a finished grade, and a
task that finds its grade already written (a retry after its worker died late) returns it without
grading again.  The client keeps at most as many tasks on the cluster as it has worker threads, so a
worker that dies takes down only the submission it was grading.  A submission is started at most
``MAX_ATTEMPTS`` times in one run (the starts are counted in ``out``/.cluster/RUN/, whatever the
scheduler's own ``allowed-failures``); when its worker died every time, it gets a zero with the
reason.  The client builds the assignment's case banks into ``out``/.bank (while a local cluster
starts); each worker process reads them once, and checks the verifier's own files after every
submission it grades.  A local cluster's workers are forked from a server process that imported the
verifier once, so a worker that replaces one that died is ready at once.

Dask is an optional extra (``pip install '.[cluster]'``); it is imported only here, only when a
cluster is used.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from verifier.about import __version__
from verifier.errors import UsageError
from verifier.grading.assignment import Assignment
from verifier.grading.banking import prepare
from verifier.grading.batch import (
    NO_VIEWS,
    ClassRun,
    Grader,
    Progress,
    Views,
    finish_views,
    grade_in_child,
    output_error,
    prepare_out,
    save_grade,
)
from verifier.grading.discovery import Submission
from verifier.grading.grades import SubmissionGrade
from verifier.grading.integrity import CodeManifest
from verifier.grading.scoring import failed_grade
from verifier.grading.store import finished, grade_path, split_done

MAX_ATTEMPTS = 3  # starts of one submission in one run: the first and two retries
CONNECT_SECONDS = 20  # how long to wait for a remote scheduler to answer
RUNS_DIR = ".cluster"  # under ``out``: one folder per run, counting the starts of each submission
INSTALL = "pip install '.[cluster]' in the verifier's checkout (or pip install 'logreg-verifier[cluster]')"
KILLED_REASON = (
    f"the Dask worker grading this submission died each of the {MAX_ATTEMPTS} times it was started (the "
    "submission is taken to stop the process that grades it); it was not tried again"
)


# A task here is one long wait on a forked grading process: what Dask measures and rebalances while it
# waits (stack samples every 10 ms, event-loop ticks every 20 ms, system and memory samples, work
# stealing) is CPU taken from grading, about a tenth of a core for a local cluster of two workers.
QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "5s",
    "distributed.scheduler.work-stealing": False,
}


def distributed() -> Any:
    """The ``distributed`` package; UsageError with the install command when it is missing."""
    try:
        import distributed as dist
    except ImportError:
        raise UsageError(f"--scheduler needs Dask, which is not installed: {INSTALL}") from None
    return dist


def _forkserver_context() -> Callable[[], Any] | None:
    """Dask's ``get_mp_context`` where this system and this Dask can start workers from a forkserver."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    try:
        from distributed.utils import get_mp_context
    except ImportError:
        return None
    return get_mp_context


@contextmanager
def connect(scheduler: str, workers: int, preload: tuple[str, ...] = ()) -> Iterator[Any]:
    """A Dask client: of a new cluster of ``workers`` single-threaded processes here (``scheduler ==
    "local"``, shut down on leaving), or of the running scheduler at the address ``scheduler``.

    A local cluster's workers are forked from a server process that imported ``distributed`` and the
    modules ``preload`` once (multiprocessing's forkserver), so that neither the first workers nor a
    worker that replaces one that died import the verifier again; where there is no forkserver,
    each worker imports them as it starts."""
    dist = distributed()
    if scheduler == "local":
        import dask

        settings: dict[str, Any] = {
            # A task's third lost worker is its last (the client also counts the starts: see _Dispatch).
            "distributed.scheduler.allowed-failures": MAX_ATTEMPTS - 1,
            **QUIET,
        }
        mp_context = _forkserver_context()
        if mp_context is not None:
            settings["distributed.worker.multiprocessing-method"] = "forkserver"
        with dask.config.set(settings):
            if mp_context is not None:
                # after Dask has chosen its own list (once per process), so that ours is the one used
                mp_context().set_forkserver_preload(["distributed", *preload])
            cluster = dist.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,  # what goes wrong reaches the user as one line, or a grade
                preload=[] if mp_context is not None else list(preload),
            )
        try:
            with dist.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = dist.Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise UsageError(
            f"--scheduler {scheduler}: no Dask scheduler answered there ({exc}); start one with "
            "'dask scheduler' and workers with 'dask worker ADDRESS', or pass --scheduler local"
        ) from None
    with client:
        yield client


# --------------------------------------------------------------------------- in a Dask worker
@dataclass(frozen=True)
class _WorkerState:
    """What a worker process prepares once per store and assignment: the banks and the file manifest."""

    banks: Any
    manifest: CodeManifest | None


_STATE: dict[tuple[str, str, bool], _WorkerState] = {}


def _worker_state(assignment: Assignment, out: Path, check_integrity: bool) -> _WorkerState:
    key = (str(out), assignment.digest(), check_integrity)
    if key not in _STATE:
        manifest = CodeManifest.snapshot() if check_integrity else None
        _STATE[key] = _WorkerState(prepare(assignment, out), manifest)
    return _STATE[key]


@dataclass(frozen=True)
class Job:
    """What every task of one run shares: the store, what to grade with, and the run's id.
    ``grader`` replaces ``grade_submission`` (tests)."""

    assignment: Assignment
    out: str
    views: Views
    run: str
    digest: str
    version: str
    check_integrity: bool = True
    grader: Grader | None = None

    @property
    def run_dir(self) -> Path:
        return Path(self.out) / RUNS_DIR / self.run

    def starts_file(self, sub: Submission) -> Path:
        return self.run_dir / f"{sub.slug}.starts"


def _check_worker(job: Job, sub: Submission) -> None:
    """This worker sees the client's files at the client's paths and runs the client's verifier (else
    UsageError: a worker that cannot see them would grade every submission wrongly, not fail one)."""
    host = socket.gethostname()
    shared = "a file system every worker mounts at the same path as the client"
    if not job.run_dir.is_dir():
        raise UsageError(
            f"the Dask worker on {host} does not see {job.out} as the client made it: put --out on {shared}"
        )
    for path in (*sub.sources, *([sub.root] if sub.root is not None else [])):
        if not path.exists():
            raise UsageError(f"the Dask worker on {host} does not see {path}: put SUBMISSIONS on {shared}")
    for support in job.assignment.support:
        if not Path(support).exists():
            raise UsageError(
                f"the Dask worker on {host} does not see the assignment's support file {support}: put it on {shared}"
            )
    if job.assignment.digest() != job.digest:
        raise UsageError(
            f"the Dask worker on {host} grades with other verifier code than the client (version {__version__} "
            f"there, {job.version} here): install the same verifier on every worker"
        )


def _count_start(job: Job, sub: Submission) -> int:
    """Record one more start of ``sub`` in this run; how many there have been, this one included."""
    with open(job.starts_file(sub), "a+", encoding="utf-8") as f:
        f.write(f"{socket.gethostname()} {os.getpid()}\n")
        f.flush()
        os.fsync(f.fileno())
        f.seek(0)
        return sum(1 for _ in f)


def starts(job: Job, sub: Submission) -> int:
    """How many times ``sub`` was started in this run."""
    try:
        with open(job.starts_file(sub), encoding="utf-8") as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


def grade_task(sub: Submission, job: Job) -> dict[str, Any]:
    """One Dask task: ``sub``'s grade (its JSON) from the store, or graded now and written there."""
    _check_worker(job, sub)
    out = Path(job.out)
    done = finished(out, sub, job.digest)
    if done is not None:  # written by an earlier start whose worker died before reporting it
        return done.to_json()
    if _count_start(job, sub) > MAX_ATTEMPTS:  # a scheduler that allows more lost workers than we do
        return _killed(sub, job).to_json()
    state = _worker_state(job.assignment, out, job.check_integrity)
    grade = grade_in_child(sub, job.assignment, out, job.views, state.banks, job.grader)
    if state.manifest is not None:
        state.manifest.verify(last=sub.name)
    return grade.to_json()


def _killed(sub: Submission, job: Job) -> SubmissionGrade:
    """The zero of a submission whose worker died on every start (unless an earlier start finished it)."""
    out = Path(job.out)
    earlier = finished(out, sub, job.digest)
    if earlier is not None:
        return earlier
    grade = failed_grade(sub, job.assignment, KILLED_REASON)
    try:
        save_grade(grade, grade_path(out, sub).parent, job.assignment, job.views)
    except OSError as exc:
        raise output_error(out, exc, None) from None
    return grade


# --------------------------------------------------------------------------- in the client
def _threads(client: Any) -> int:
    """Worker threads on the cluster now (tasks it can run at once)."""
    return sum(client.nthreads().values())


class _Dispatch:
    """The client's side of one run: at most one task per worker thread on the cluster, a new task as
    each one finishes, and a task whose worker died submitted again until its starts run out."""

    def __init__(self, client: Any, job: Job, pending: list[Submission], bar: Progress) -> None:
        self.dist = distributed()
        self.client = client
        self.job = job
        self.queue = deque(pending)
        self.bar = bar
        self.running: dict[Any, tuple[Submission, int]] = {}  # future -> (submission, attempt)
        self.flow: Any = None  # the futures as they complete (distributed.as_completed), made in run()

    def submit(self, sub: Submission, attempt: int) -> None:
        key = f"grade-{self.job.run}-{sub.slug}-{attempt}"
        future = self.client.submit(grade_task, sub, self.job, key=key, pure=False)
        self.running[future] = (sub, attempt)
        self.flow.add(future)

    def fill(self) -> None:
        room = max(_threads(self.client), 1) - len(self.running)
        while self.queue and room > 0:
            self.submit(self.queue.popleft(), 1)
            room -= 1

    def run(self, on_done: Callable[[Submission, SubmissionGrade], None]) -> None:
        self.flow = self.dist.as_completed()
        if not _threads(self.client):
            self.bar.line(f"the Dask scheduler has no workers yet: {len(self.queue)} submissions wait for workers")
        self.fill()
        try:
            for future in self.flow:
                sub, attempt = self.running.pop(future)
                grade = self.collect(future, sub, attempt)
                if grade is not None:
                    self.bar.update(len(self.running), grade)
                    on_done(sub, grade)
                self.fill()
        finally:
            if self.running:
                self.client.cancel(list(self.running))

    def collect(self, future: Any, sub: Submission, attempt: int) -> SubmissionGrade | None:
        """The grade a finished task reports; None when it was submitted again after its worker died."""
        try:
            return SubmissionGrade.from_json(future.result())
        except self.dist.KilledWorker:
            if attempt < MAX_ATTEMPTS and starts(self.job, sub) < MAX_ATTEMPTS:
                self.submit(sub, attempt + 1)  # its workers died more often than it was started: again
                return None
            return _killed(sub, self.job)


def _preload(views: Views) -> tuple[str, ...]:
    """What a task imports as it is unpickled: this module and the modules of the views it writes
    (a local cluster's workers import them as they start, while the client builds the case banks)."""
    modules = [__name__] + [getattr(f, "__module__", "") for f in (views.submission, views.whole_class)]
    return tuple(dict.fromkeys(m for m in modules if m.startswith("verifier.")))


class _BanksAside:
    """The case banks built into ``out``/.bank by a forked process of their own, while this process
    starts a local cluster (a thread would contend with the cluster's start for this process's GIL).
    The workers read them from there; this process does not need them."""

    def __init__(self, assignment: Assignment, out: Path) -> None:
        self.assignment = assignment
        self.out = out
        for stream in (sys.stdout, sys.stderr):  # text buffered now must not be written twice
            stream.flush()
        self.pid: int | None = os.fork()
        if self.pid == 0:
            code = 1
            try:
                prepare(assignment, out)
                code = 0
            finally:
                os._exit(code)  # never this process's exit handlers

    def wait(self) -> None:
        """Wait for the banks; build them here when that process failed (raising what building raises)."""
        if self.pid is None:
            return
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if os.waitstatus_to_exitcode(status) != 0:
            prepare(self.assignment, self.out)

    def stop(self) -> None:
        """Stop building (the run ended before the banks were needed)."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None


def grade_on_cluster(
    subs: list[Submission],
    assignment: Assignment,
    out: str | Path,
    scheduler: str,
    jobs: int = 1,
    progress: TextIO | None = sys.stderr,
    on_graded: Callable[[SubmissionGrade], None] | None = None,
    views: Views = NO_VIEWS,
    check_integrity: bool = True,
    grader: Grader | None = None,
) -> ClassRun:
    """Grade ``subs`` on the Dask cluster ``scheduler`` ("local": ``jobs`` worker processes here; a
    remote cluster runs as many at once as it has worker threads), resuming from ``out`` exactly as
    ``grade_many`` does: the same grades, the same views."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"--jobs {jobs!r}: pass a whole number of workers >= 1")
    distributed()  # a missing Dask is one clear error before anything else happens
    start = time.monotonic()
    out = Path(os.path.abspath(out))  # the same path on every worker: not resolved through links
    subs = [_absolute(s) for s in subs]  # workers have working folders of their own
    prepare_out(out)
    digest = assignment.digest()
    grades, pending = split_done(subs, out, digest)
    reused = len(grades)
    bar = Progress(len(subs), progress, done=reused)
    if reused:
        bar.line(f"{reused} of {len(subs)} submissions already graded in {out}; grading the other {len(pending)}")

    def on_done(sub: Submission, grade: SubmissionGrade) -> None:
        grades[sub.slug] = grade.for_class()  # the whole grade is in the store
        if on_graded is not None:
            on_graded(grade)

    if pending:
        job = Job(assignment, str(out), views, uuid.uuid4().hex[:12], digest, __version__, check_integrity, grader)
        try:
            job.run_dir.mkdir(parents=True)
        except OSError as exc:
            raise output_error(out, exc, reused) from None
        # A local cluster starts while the banks are built; a remote scheduler must answer first.
        aside = _BanksAside(assignment, out) if scheduler == "local" else None
        try:
            with connect(scheduler, jobs, _preload(views)) as client:
                if aside is not None:
                    aside.wait()
                else:
                    prepare(assignment, out)
                try:
                    _Dispatch(client, job, pending, bar).run(on_done)
                except (OSError, distributed().client.FutureCancelledError) as exc:  # the scheduler was lost
                    raise UsageError(
                        f"--scheduler {scheduler}: lost the Dask scheduler ({exc}); the {len(grades)} grades finished "
                        f"so far are kept in {out}: run the same command again to grade the rest"
                    ) from None
        finally:
            if aside is not None:
                aside.stop()
            shutil.rmtree(job.run_dir, ignore_errors=True)
            _remove_if_empty(out / RUNS_DIR)
    ordered = [grades[s.slug] for s in subs]
    finish_views(subs, ordered, out, assignment, views)
    return ClassRun(ordered, reused, len(subs) - reused, time.monotonic() - start)


def _absolute(sub: Submission) -> Submission:
    """``sub`` with absolute paths (not resolved through links)."""
    root = Path(os.path.abspath(sub.root)) if sub.root is not None else None
    return replace(sub, sources=tuple(Path(os.path.abspath(p)) for p in sub.sources), root=root)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
