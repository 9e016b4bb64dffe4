"""The Dask engine (verifier grade --scheduler): the grades of --jobs, exactly one grade per submission
when a worker dies mid-batch, a bounded number of starts for a submission that kills its worker, a
resumed run that grades nothing twice, and one error line for what a person must fix.
"""

import functools
import json
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from verifier.cli import main
from verifier.errors import UsageError
from verifier.grading import cluster
from verifier.grading.assignment import load_assignment
from verifier.grading.batch import Progress, grade_many
from verifier.grading.discovery import Submission, discover
from verifier.grading.scoring import grade_submission
from verifier.report.views import CLASS_REPORTS

ROOT = Path(__file__).resolve().parents[2]
CORRECT = (ROOT / "tests" / "corpus" / "correct_stable_branch.py").read_text()
WRONG = CORRECT.replace("1.0 / (1.0 + np.exp(-z[pos]))", "1.0 / (1.0 + np.exp(z[pos]))")
ASSIGNMENT = """
[assignment]
name = "cluster"
profile = "quick"
seed = 9
call_timeout = 2.0
submission_timeout = 120

[[task]]
name = "sigmoid"
target = "sigmoid"
points = 4
checks = ["correctness.benign"]

[[task]]
name = "gradient"
function = "compute_gradient_logistic"
target = "gradient"
points = 6
checks = ["correctness.benign"]
"""
TIMING = ("elapsed", "diagnosis_elapsed")
PATHS = ("sources", "source", "candidate")  # where the submission's file was


def _without(data, keys=TIMING):
    if isinstance(data, dict):
        return {k: _without(v, keys) for k, v in data.items() if k not in keys}
    if isinstance(data, list):
        return [_without(v, keys) for v in data]
    return data


def _grades(out: Path, drop: tuple[str, ...] = ()) -> dict[str, dict]:
    """Every grade.json under ``out``, without the fields that measure time (and ``drop``)."""
    return {
        p.parent.name: _without(json.loads(p.read_text()), TIMING + drop) for p in out.glob("submissions/*/grade.json")
    }


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """Six submissions, the assignment, and their grades from --jobs 2 (the reference)."""
    base = tmp_path_factory.mktemp("cluster")
    subs = base / "subs"
    subs.mkdir()
    for i in range(6):
        (subs / f"s{i}.py").write_text([CORRECT, WRONG, "import os\nos._exit(3)\n"][i % 3])
    toml = base / "week.toml"
    toml.write_text(ASSIGNMENT)
    assignment = load_assignment(toml)
    grade_many(
        discover(subs), assignment, base / "jobs", jobs=2, progress=None, views=CLASS_REPORTS, check_integrity=False
    )
    return base, subs, toml


def logged_grader(sub, assignment, banks=None, *, log, pause=None, kill=()):
    """Grade as usual, after noting the start in ``log`` (the submission and this process's parent, the
    Dask worker); wait ``pause[name]`` seconds first; kill the Dask worker for a submission in ``kill``."""
    with open(log, "a") as f:
        f.write(f"{sub.name} {os.getpid()} {os.getppid()}\n")
    if sub.name in kill:
        os.kill(os.getppid(), signal.SIGKILL)
        time.sleep(60)  # the worker's death stops this process (its parent-death signal)
    time.sleep((pause or {}).get(sub.name, 0.0))
    return grade_submission(sub, assignment, banks=banks)


def _starts(log: Path) -> list[tuple[str, int, int]]:
    lines = log.read_text().splitlines() if log.exists() else []
    return [(name, int(pid), int(parent)) for name, pid, parent in (line.split() for line in lines)]


@pytest.fixture
def by_value():
    """Send this module's functions to the Dask workers by value (the workers need not import it)."""
    cloudpickle = pytest.importorskip("cloudpickle")
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    yield
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


# --------------------------------------------------------------------------- the same grades
def test_scheduler_local_grades_as_jobs_and_resumes_without_a_cluster(klass, monkeypatch, capsys):
    pytest.importorskip("distributed")
    base, subs, toml, *_ = klass
    out = base / "dask"
    argv = ["grade", str(subs), "--assignment", str(toml), "--out", str(out), "--scheduler", "local", "--jobs", "2"]
    assert main([*argv, "-q"]) == 0
    assert (out / "grades.csv").read_text() == (base / "jobs" / "grades.csv").read_text()
    assert _grades(out) == _grades(base / "jobs")
    assert {p.name for p in (out / "submissions" / "s0").iterdir()} >= {"grade.json", "report.html", "results.json"}
    assert not (out / cluster.RUNS_DIR).exists()
    capsys.readouterr()

    stamps = {p: p.stat().st_mtime_ns for p in out.glob("submissions/*/grade.json")}

    def no_cluster(*args, **kwargs):
        raise AssertionError("a run with nothing left to grade started a cluster")

    monkeypatch.setattr(cluster, "connect", no_cluster)
    assert main(argv) == 0
    assert "graded 6 submissions (6 from an earlier run)" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in out.glob("submissions/*/grade.json")} == stamps


# --------------------------------------------------------------------------- workers that die
def test_a_worker_killed_mid_batch_still_gives_each_submission_one_grade(klass, tmp_path, by_value):
    distributed = pytest.importorskip("distributed")
    base, subs, toml, *_ = klass
    assignment = load_assignment(toml)
    log = tmp_path / "starts.log"
    out = tmp_path / "out"
    grader = functools.partial(logged_grader, log=str(log), pause={"s1": 4.0})
    reported: Counter[str] = Counter()
    inodes: dict[str, int] = {}
    killed: list[tuple[str, int]] = []

    def on_graded(grade) -> None:
        reported[grade.submission] += 1
        inodes[grade.slug] = (out / "submissions" / grade.slug / "grade.json").stat().st_ino
        if killed:
            return
        # s0 is done and s1 waits 4 s in its grading process: kill the Dask worker grading s1
        (worker,) = {parent for name, _, parent in _starts(log) if name == "s1"}
        workers = set(distributed.default_client().run(os.getpid).values())
        assert worker in workers  # the grading process is a child of a Dask worker, not the worker itself
        os.kill(worker, signal.SIGKILL)
        killed.append(("s1", worker))

    run = cluster.grade_on_cluster(
        discover(subs), assignment, out, "local", jobs=2, progress=None, on_graded=on_graded,
        views=CLASS_REPORTS, check_integrity=False, grader=grader,
    )  # fmt: skip
    assert killed and reported == Counter({f"s{i}": 1 for i in range(6)})
    starts = Counter(name for name, _, _ in _starts(log))
    assert starts["s1"] == 2 and all(starts[f"s{i}"] == 1 for i in (0, 2, 3, 4, 5))  # s1 graded again
    assert [g.submission for g in run.grades] == [f"s{i}" for i in range(6)] and run.graded == 6
    files = list(out.glob("submissions/*/grade.json"))
    assert len(files) == 6 and not list(out.glob("submissions/*/.*.tmp"))
    assert all(p.stat().st_ino == inodes[p.parent.name] for p in files)  # none rewritten after its report
    assert _grades(out) == _grades(base / "jobs")
    assert (out / "grades.csv").read_text() == (base / "jobs" / "grades.csv").read_text()


def test_a_submission_that_kills_its_worker_every_time_gets_zero_after_bounded_starts(klass, tmp_path, by_value):
    pytest.importorskip("distributed")
    base, subs, toml, *_ = klass
    (tmp_path / "subs").mkdir()
    for name in ("s0", "s1"):
        (tmp_path / "subs" / f"{name}.py").write_text((subs / f"{name}.py").read_text())
    (tmp_path / "subs" / "killer.py").write_text(CORRECT)
    log = tmp_path / "starts.log"
    out = tmp_path / "out"
    grader = functools.partial(logged_grader, log=str(log), kill=("killer",))
    run = cluster.grade_on_cluster(
        discover(tmp_path / "subs"), load_assignment(toml), out, "local", jobs=2, progress=None,
        views=CLASS_REPORTS, check_integrity=False, grader=grader,
    )  # fmt: skip
    by = {g.submission: g for g in run.grades}
    assert by["killer"].score == 0 and by["killer"].error == cluster.KILLED_REASON and by["killer"].verdict == "error"
    starts = Counter(name for name, _, _ in _starts(log))
    assert starts == Counter({"killer": cluster.MAX_ATTEMPTS, "s0": 1, "s1": 1})
    assert len({parent for name, _, parent in _starts(log) if name == "killer"}) == cluster.MAX_ATTEMPTS
    jobs, here = _grades(base / "jobs", drop=PATHS), _grades(out, drop=PATHS)
    assert here["s0"] == jobs["s0"] and here["s1"] == jobs["s1"]  # graded as --jobs grades them
    assert "died each of the 3 times" in (out / "grades.csv").read_text()


# --------------------------------------------------------------------------- the client's retry policy
class _Killed(Exception):
    pass


class _FakeFuture:
    def result(self):
        raise _Killed()


class _FakeClient:
    def __init__(self):
        self.submitted: list[str] = []

    def submit(self, fn, sub, job, key, pure):
        self.submitted.append(key)
        return object()

    def nthreads(self):
        return {"w": 1}


def test_a_task_lost_with_another_submissions_worker_is_sent_again(klass, tmp_path):
    pytest.importorskip("distributed")
    base, subs, toml, *_ = klass
    assignment = load_assignment(toml)
    job = cluster.Job(assignment, str(tmp_path), CLASS_REPORTS, "run1", assignment.digest(), "v")
    job.run_dir.mkdir(parents=True)
    sub = Submission("s0", (subs / "s0.py",), "s0")
    dispatch = cluster._Dispatch(_FakeClient(), job, [], Progress(1, None))
    dispatch.dist = type("dist", (), {"KilledWorker": _Killed})
    dispatch.flow = type("flow", (), {"add": lambda self, f: None})()
    # Dask gave up on the task, but it was never started (its worker died grading someone else)
    assert dispatch.collect(_FakeFuture(), sub, 1) is None
    assert dispatch.client.submitted == ["grade-run1-s0-2"]
    for _ in range(cluster.MAX_ATTEMPTS):  # started 3 times, and the worker died each time
        cluster._count_start(job, sub)
    grade = dispatch.collect(_FakeFuture(), sub, 2)
    assert grade is not None and grade.score == 0 and grade.error == cluster.KILLED_REASON
    assert json.loads((tmp_path / "submissions" / "s0" / "grade.json").read_text())["error"] == cluster.KILLED_REASON


def test_a_task_started_past_the_bound_writes_the_zero_itself(klass, tmp_path):
    base, subs, toml, *_ = klass
    assignment = load_assignment(toml)
    job = cluster.Job(assignment, str(tmp_path), CLASS_REPORTS, "run2", assignment.digest(), "v", False)
    job.run_dir.mkdir(parents=True)
    sub = Submission("s0", (subs / "s0.py",), "s0")
    for _ in range(cluster.MAX_ATTEMPTS):
        cluster._count_start(job, sub)
    # a scheduler that allows more lost workers than the verifier starts the task a fourth time
    assert cluster.grade_task(sub, job)["error"] == cluster.KILLED_REASON
    assert cluster.starts(job, sub) == cluster.MAX_ATTEMPTS + 1


# --------------------------------------------------------------------------- errors a person fixes
def test_without_dask_the_scheduler_option_says_how_to_install_it(klass, tmp_path, monkeypatch, capsys):
    base, subs, toml, *_ = klass
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    code = main(["grade", str(subs), "-a", str(toml), "-o", str(tmp_path / "o"), "--scheduler", "local"])
    err = capsys.readouterr().err
    assert code == 2 and "--scheduler needs Dask, which is not installed" in err and "pip install '.[cluster]'" in err
    assert not (tmp_path / "o").exists()  # refused before anything was discovered or written


def test_an_unreachable_scheduler_is_one_error_line(klass, tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    base, subs, toml, *_ = klass
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    out = tmp_path / "o"
    code = main(["grade", str(subs), "-a", str(toml), "-o", str(out), "--scheduler", "tcp://127.0.0.1:9", "-q"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "--scheduler tcp://127.0.0.1:9: no Dask scheduler answered there" in err and "dask scheduler" in err
    assert not list(out.glob("submissions/*")) and not (out / cluster.RUNS_DIR).exists()


def test_a_worker_that_cannot_see_the_files_or_runs_other_code_stops_the_run(klass, tmp_path):
    base, subs, toml, *_ = klass
    assignment = load_assignment(toml)
    sub = Submission("s0", (subs / "s0.py",), "s0")
    job = cluster.Job(assignment, str(tmp_path / "elsewhere"), CLASS_REPORTS, "r", assignment.digest(), "v")
    with pytest.raises(UsageError, match="does not see .*elsewhere as the client made it: put --out on a file system"):
        cluster.grade_task(sub, job)
    job = cluster.Job(assignment, str(tmp_path), CLASS_REPORTS, "r", assignment.digest(), "v")
    job.run_dir.mkdir(parents=True)
    missing = Submission("gone", (tmp_path / "gone.py",), "gone")
    with pytest.raises(UsageError, match="does not see .*gone.py: put SUBMISSIONS on a file system"):
        cluster.grade_task(missing, job)
    other = cluster.Job(assignment, str(tmp_path), CLASS_REPORTS, "r", "0" * 16, "0.0.1")
    with pytest.raises(UsageError, match=r"other verifier code than the client \(version .* there, 0.0.1 here\)"):
        cluster.grade_task(sub, other)
    assert not (tmp_path / "submissions").exists()  # nothing graded


def test_jobs_must_be_positive(klass, tmp_path):
    base, subs, toml, *_ = klass
    with pytest.raises(UsageError, match="--jobs 0: pass a whole number of workers"):
        cluster.grade_on_cluster([], load_assignment(toml), tmp_path, "local", jobs=0)


def test_the_reference_tells_submissions_apart(klass):
    base, subs, toml, *_ = klass
    grades = _grades(base / "jobs")  # what --jobs 2 gives, and the cluster must give too
    assert grades["s0"]["score"] == 10 and grades["s1"]["score"] < 10 and grades["s2"]["score"] == 0
    assert "exited with code 3 while loading" in grades["s2"]["tasks"][0]["checks"][0]["message"]
