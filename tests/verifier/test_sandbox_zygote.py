"""Workers forked by the zygote: the same layers, view and environment as workers started as new
interpreters, and a silent fall back to those where the zygote is off or cannot be used."""

import json
import os
import subprocess
import sys
import time

import pytest

from verifier import sandbox
from verifier.sandbox import Worker, isolation, process, zygote

PROBES = """
import os, sys

def look():
    fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
    return {
        "cwd": os.getcwd(),
        "listing": sorted(os.listdir(".")),
        "environ": dict(os.environ),
        "path0": sys.path[0],
        "uid": os.getuid(),
        "pid": os.getpid(),
        "fds": len(fds),
        "scipy": "scipy.special" in sys.modules,
    }

def read(path):
    with open(path) as f:
        return f.read()

def listdir(path):
    return sorted(os.listdir(path))

def draw():
    import numpy as np, random
    return [float(np.random.random()), random.random()]

def taint():
    import numpy as np, scipy.special
    np.exp = lambda z: 0.0
    scipy.special.expit = None
    sys.modules["json"].TAINT = 1
    os.environ["TAINT"] = "1"
    with open("/tmp/taint", "w") as f:
        f.write("1")
    return 1

def tainted():
    import json, numpy as np, scipy.special
    return {
        "numpy": float(np.exp(0.0)) != 1.0,
        "scipy": scipy.special.expit is None,
        "json": hasattr(json, "TAINT"),
        "environ": "TAINT" in os.environ,
        "tmp": os.path.exists("/tmp/taint"),
    }
"""

LAYERS = sandbox.active_layers(refresh=True)


def needs(*layers):
    missing = [layer for layer in layers if layer not in LAYERS]
    return pytest.mark.skipif(bool(missing), reason=f"this system gives no {', '.join(missing)}")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("zyg")
    (base / "probes.py").write_text(PROBES)
    (base / "sibling.py").write_text("SECRET = 1\n")
    return base


def _open(folder, path, monkeypatch):
    monkeypatch.setenv(zygote.ENV_VAR, path == "spawn" and "off" or "auto")
    w = Worker(str(folder / "probes.py"), call_timeout=5.0)
    assert w.load().ok
    return w


@pytest.fixture(params=["zygote", "spawn"])
def both(request, folder, monkeypatch):
    w = _open(folder, request.param, monkeypatch)
    yield request.param, w
    w.close()


def _without_workdir(environ: dict, workdir: str) -> dict:
    return {k: ("WORKDIR" if v == workdir else v) for k, v in environ.items()}


def test_the_path_taken_is_the_one_asked_for(both):
    path, w = both
    assert isinstance(w._proc, zygote.Forked) == (path == "zygote")
    if path == "zygote":
        assert w.call("look").value["scipy"]  # preloaded, though the candidate never imported it


def test_both_paths_report_the_same_layers_and_see_the_same_things(folder, monkeypatch):
    seen = {}
    for path in ("zygote", "spawn"):
        with _open(folder, path, monkeypatch) as w:
            look = w.call("look").value
            seen[path] = (
                w.isolation,
                look["listing"],
                look["uid"],
                look["fds"],
                look["path0"] == look["cwd"],
                _without_workdir(look["environ"], look["cwd"]),
            )
    assert seen["zygote"] == seen["spawn"]
    assert seen["zygote"][0] == tuple(LAYERS)


def test_the_environment_is_the_workers_own(both):
    _, w = both
    look = w.call("look").value
    assert look["environ"]["HOME"] == look["environ"]["TMPDIR"] == look["cwd"]
    assert look["environ"]["OPENBLAS_NUM_THREADS"] == "1" and zygote.ENV_VAR not in look["environ"]


@needs("mount-namespace")
def test_a_forked_worker_cannot_see_the_grading_process_files(both, folder):
    _, w = both
    assert w.call("listdir", w.call("look").value["cwd"]).value == ["probes.py"]
    out = w.call("read", str(folder / "sibling.py"))
    assert out.status == "raised" and out.error.type == "FileNotFoundError"
    out = w.call("listdir", str(folder))
    assert out.status == "raised"


@needs("pid-namespace")
def test_each_forked_worker_is_pid_2_of_its_own_namespace(folder, monkeypatch):
    with _open(folder, "zygote", monkeypatch) as a, _open(folder, "zygote", monkeypatch) as b:
        assert a.call("look").value["pid"] == b.call("look").value["pid"] == 2
        assert a._proc.pid != b._proc.pid


def test_random_generators_differ_between_forked_workers(folder, monkeypatch):
    with _open(folder, "zygote", monkeypatch) as a, _open(folder, "zygote", monkeypatch) as b:
        first, second = a.call("draw").value, b.call("draw").value
        assert first[0] != second[0] and first[1] != second[1]


def test_what_a_forked_worker_changes_is_not_seen_by_the_next_one(folder, monkeypatch):
    with _open(folder, "zygote", monkeypatch) as a:
        assert a.call("taint").value == 1 and a.call("tainted").value["numpy"]
        with _open(folder, "zygote", monkeypatch) as b:
            seen = b.call("tainted").value
    private_tmp = "mount-namespace" in LAYERS  # without it /tmp is the machine's, for both paths
    assert seen == {"numpy": False, "scipy": False, "json": False, "environ": False, "tmp": not private_tmp}
    if not private_tmp:
        os.unlink("/tmp/taint")


def _user_namespace_prefix():
    prefix = isolation._unshare_prefix()
    if prefix is None:
        return None
    if "--user" not in prefix:
        prefix = (prefix[0], "--user", "--map-root-user", *prefix[1:])
    done = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
    return prefix if done.returncode == 0 else None


def test_in_a_user_namespace_both_paths_give_the_same_layers(folder, monkeypatch):
    # where the verifier is not root, workers get their namespaces inside a user namespace (unshare
    # --user --map-root-user, or the zygote's helper doing the same): run that path here too
    prefix = _user_namespace_prefix()
    if prefix is None:
        pytest.skip("this system gives no user namespaces")
    monkeypatch.setattr(isolation, "_unshare_prefix", lambda: prefix)
    monkeypatch.setattr(zygote, "_refused", None)
    assert isolation.namespace_mode() == "user"
    seen = {}
    for path in ("zygote", "spawn"):
        with _open(folder, path, monkeypatch) as w:
            assert isinstance(w._proc, zygote.Forked) == (path == "zygote"), zygote.refused()
            look = w.call("look").value
            seen[path] = (w.isolation, look["uid"], look["pid"], look["listing"])
    assert seen["zygote"] == seen["spawn"]
    assert {"pid-namespace", "network-namespace", "mount-namespace"} <= set(seen["zygote"][0])


def test_the_zygote_is_single_threaded_and_restarted_when_it_dies(folder, monkeypatch):
    with _open(folder, "zygote", monkeypatch):
        old = zygote._current
        assert old is not None and old.alive()
        assert os.listdir(f"/proc/{old.proc.pid}/task") == [str(old.proc.pid)]
    old.proc.kill()
    old.proc.wait()
    with _open(folder, "zygote", monkeypatch) as w:
        assert isinstance(w._proc, zygote.Forked) and w.call("look").ok
        assert zygote._current is not old and zygote._current.alive()


def test_a_timeout_kills_the_forked_worker_and_the_next_call_forks_a_fresh_one(folder, tmp_path, monkeypatch):
    (tmp_path / "hang.py").write_text("import time\ndef hang():\n    time.sleep(60)\ndef ok():\n    return 1\n")
    monkeypatch.setenv(zygote.ENV_VAR, "auto")
    with Worker(str(tmp_path / "hang.py"), call_timeout=0.5) as w:
        first = w._proc if w.load().ok else None
        assert isinstance(first, zygote.Forked)
        assert w.call("hang").status == "timeout"
        assert first.returncode is not None  # the helper reported the killed worker
        assert w.call("ok").value == 1 and w.starts == 2


def test_off_falls_back_to_new_interpreters(folder, monkeypatch):
    with _open(folder, "spawn", monkeypatch) as w:
        assert isinstance(w._proc, subprocess.Popen)
        assert not w.call("look").value["scipy"]


def test_a_zygote_that_cannot_give_the_layers_is_not_used(folder, monkeypatch):
    # a namespace mode the helper cannot enter stands for a system where the zygote cannot do what
    # unshare does: the worker is started as a new interpreter, with its usual layers
    monkeypatch.setattr(process.isolation, "namespace_mode", lambda: "unknown")
    monkeypatch.setattr(zygote, "_refused", None)
    with _open(folder, "zygote", monkeypatch) as w:
        assert isinstance(w._proc, subprocess.Popen)
        assert w.isolation == tuple(LAYERS) and w.call("look").ok
    assert zygote.refused() is not None
    monkeypatch.undo()
    zygote.stop()


@pytest.mark.parametrize("failure", ["dies", "breaks"])
def test_a_zygote_that_cannot_start_leaves_new_interpreters(folder, monkeypatch, failure):
    # "dies": it ends before it says it is ready, every time; "breaks": anything unforeseen
    class Broken:
        @classmethod
        def start(cls, package_root, extra=()):
            raise zygote._Gone() if failure == "dies" else RuntimeError("unforeseen")

    zygote.stop()
    monkeypatch.setattr(zygote, "_Zygote", Broken)
    monkeypatch.setattr(zygote, "_refused", None)
    with _open(folder, "zygote", monkeypatch) as w:
        assert isinstance(w._proc, subprocess.Popen)
        assert w.isolation == tuple(LAYERS) and w.call("look").ok
    assert zygote.refused() == ("the zygote died twice in a row" if failure == "dies" else "RuntimeError: unforeseen")
    with _open(folder, "zygote", monkeypatch) as w:  # and stays with them, without trying again
        assert isinstance(w._proc, subprocess.Popen)


def _in_child(body, *args):
    """Run ``body(*args)`` in a forked child (as grade_many runs a submission) and return what it
    returned, through a pipe as JSON; the child ends with os._exit, as a grading process does."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            os.close(read)
            os.write(write, json.dumps(body(*args)).encode())
            code = 0
        except BaseException as exc:  # noqa: B036 - anything, reported to the parent
            os.write(write, json.dumps({"error": repr(exc)}).encode())
        finally:
            os._exit(code)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    _, status = os.waitpid(pid, 0)
    answer = json.loads(data)
    assert os.waitstatus_to_exitcode(status) == 0, answer
    return answer


def _child_look(folder):
    """In a forked child: which zygote it has, and what its first worker looks like."""
    have = zygote._current
    before = {"pid": have.pid, "started": have.proc is not None} if have is not None else None
    with Worker(str(folder / "probes.py")) as w:
        look = w.call("look").value
        forked = isinstance(w._proc, zygote.Forked)
        layers = list(w.isolation)
    after = zygote._current
    return {
        "before": before,
        "after": {"pid": after.pid, "started": after.proc is not None} if after is not None else None,
        "forked": forked,
        "layers": layers,
        "look": [look["uid"], look["pid"], look["listing"], look["fds"], look["scipy"]],
    }


def _children_of(pid):
    out = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.add(int(name))
            except (OSError, IndexError, ValueError):
                pass
    return out


def test_a_forked_child_gets_a_copy_of_the_zygote_and_workers_with_the_same_layers(folder, monkeypatch):
    with _open(folder, "zygote", monkeypatch) as w:
        look = w.call("look").value
        mine = (list(w.isolation), [look["uid"], look["pid"], look["listing"], look["fds"], look["scipy"]])
        parent_zygote = zygote._current
        child = _in_child(_child_look, folder)
    # the child had a zygote before its first worker, a copy (not a process it started), not ours
    assert child["before"] is not None and child["before"]["started"] is False
    assert child["before"]["pid"] != parent_zygote.pid and child["after"] == child["before"]
    assert child["forked"] and (child["layers"], child["look"]) == mine
    assert zygote._current is parent_zygote and parent_zygote.alive()  # the parent's goes on serving


def test_many_forks_in_a_row_leave_no_copies_or_descriptors_behind(folder, monkeypatch):
    monkeypatch.setenv(zygote.ENV_VAR, "auto")
    assert zygote.warm()
    ours = zygote._current
    fds = sorted(os.listdir("/proc/self/fd"))
    children = _children_of(ours.pid)  # helpers of workers still held elsewhere, if any
    copies = []
    for i in range(12):
        if i % 4 == 0:  # some children start a worker, the others never use their copy
            answer = _in_child(_child_look, folder)
            assert answer["forked"] and answer["before"]["started"] is False
            copies.append(answer["before"]["pid"])
        else:
            copies.append(_in_child(lambda: zygote._current.pid if zygote._current else None))
    assert None not in copies and len(set(copies)) == len(copies) and ours.pid not in copies
    deadline = time.monotonic() + 10.0
    while _children_of(ours.pid) - children and time.monotonic() < deadline:
        time.sleep(0.05)  # each copy ends once its child's socket hangs up
    assert _children_of(ours.pid) - children == set()
    assert not any(os.path.exists(f"/proc/{pid}") and pid in _children_of(ours.pid) for pid in copies)
    assert sorted(os.listdir("/proc/self/fd")) == fds
    assert zygote._current is ours and ours.alive()


def test_a_copy_holds_nothing_but_its_own_socket(folder, monkeypatch):
    # forked between two requests: the descriptors of the parent's worker requests are gone, and the
    # socket it serves is not the zygote's
    with _open(folder, "zygote", monkeypatch):
        ours = zygote._current.pid
        go_r, go_w = os.pipe()
        report_r, report_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - reports through the pipe, then waits to be looked at
            os.write(report_w, str(zygote._current.pid if zygote._current else -1).encode())
            os.read(go_r, 1)
            os._exit(0)
        os.close(report_w)
        copy = int(os.read(report_r, 64))
        try:
            assert copy not in (-1, ours)

            def descriptors(p):
                return sorted(os.readlink(f"/proc/{p}/fd/{fd}") for fd in os.listdir(f"/proc/{p}/fd"))

            theirs, zygotes = descriptors(copy), descriptors(ours)
            assert len(theirs) == len(zygotes)  # the standard streams and one socket, each
            files = [[d for d in fds if not d.startswith("socket:")] for fds in (theirs, zygotes)]
            assert files[0] == files[1]
            assert {d for d in theirs if d.startswith("socket:")}.isdisjoint(zygotes)
        finally:
            os.write(go_w, b"x")
            os.waitpid(pid, 0)
            for fd in (go_r, go_w, report_r):
                os.close(fd)


def test_a_child_whose_copy_fails_starts_its_own_zygote(folder, monkeypatch):
    with _open(folder, "zygote", monkeypatch):
        ours = zygote._current

        def broken(self):
            raise RuntimeError("no copy today")

        monkeypatch.setattr(zygote._Zygote, "copy_for_child", broken)
        child = _in_child(_child_look, folder)
    assert child["before"] is None and child["after"]["started"] is True and child["forked"]
    assert child["layers"] == list(LAYERS)
    assert zygote._current is ours and ours.alive()


def test_a_parent_without_a_zygote_forks_children_that_start_their_own(folder, monkeypatch):
    monkeypatch.setenv(zygote.ENV_VAR, "auto")
    zygote.stop()
    child = _in_child(_child_look, folder)
    assert child["before"] is None and child["after"]["started"] is True and child["forked"]
    assert zygote._current is None  # forking did not start one here


def test_warm_starts_the_zygote_once_and_not_when_it_is_off(monkeypatch):
    monkeypatch.setenv(zygote.ENV_VAR, "off")
    zygote.stop()
    assert zygote.warm() is False and zygote._current is None
    assert _in_child(lambda: zygote._current is None) is True
    monkeypatch.setenv(zygote.ENV_VAR, "auto")
    assert zygote.warm() is True
    first = zygote._current
    assert zygote.warm() is True and zygote._current is first and first.proc is not None


def test_the_isolation_off_switch_still_holds_through_the_zygote():
    script = (
        "from verifier.sandbox import Worker, zygote\n"
        "with Worker('math') as w:\n"
        "    w.load()\n"
        "    print(type(w._proc).__name__, ','.join(w.isolation))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, isolation.ENV_VAR: "off", zygote.ENV_VAR: "auto"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out == ["Forked", "process-group,rlimits"]


PLOTTING = """
import sys

def preloaded():
    return "matplotlib.pyplot" in sys.modules

def plot():
    import io
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.plot([0.0, 1.0], [1.0, 0.0])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    plt.TAINT = 1
    return [plt.get_backend().lower(), buffer.getvalue()[:4] == b"\\x89PNG"]

def tainted():
    import matplotlib.pyplot as plt
    return hasattr(plt, "TAINT")
"""


def _leftovers(tmp: str) -> set[str]:
    return {name for name in os.listdir(tmp) if name.startswith("verifier-zygote-")}


def test_a_batch_zygote_preloads_pyplot_leaves_no_folder_and_stays_single_threaded(tmp_path, monkeypatch):
    import tempfile

    (tmp_path / "plots.py").write_text(PLOTTING)
    monkeypatch.setenv(zygote.ENV_VAR, "auto")
    before = _leftovers(tempfile.gettempdir())
    zygote.stop()
    try:
        with Worker(str(tmp_path / "plots.py"), call_timeout=10.0) as w:  # started on demand: lean
            assert w.load().ok and w.call("preloaded").value is False
        zygote.stop()
        assert zygote.warm() is True  # started for a batch: pyplot preloaded
        pid = zygote._current.proc.pid
        assert os.listdir(f"/proc/{pid}/task") == [str(pid)]
        with Worker(str(tmp_path / "plots.py"), call_timeout=10.0) as w:
            assert w.load().ok and isinstance(w._proc, zygote.Forked)
            assert w.call("preloaded").value is True
            assert w.call("plot").value == ["agg", True]
            assert w.call("tainted").value is True
        with Worker(str(tmp_path / "plots.py"), call_timeout=10.0) as w:
            assert w.load().ok and w.call("tainted").value is False  # each worker has its own copy
        assert _leftovers(tempfile.gettempdir()) == before
    finally:
        zygote.stop()
