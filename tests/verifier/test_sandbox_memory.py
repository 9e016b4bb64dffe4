"""The cgroup-memory layer: one memory limit for a submission's whole worker tree, not per process.

Where the system gives no writable memory cgroup (no cgroup v2 memory controller, no cgroup v1 memory
hierarchy, not allowed to write either) the layer is missing, as the others may be, and the tests that
need it skip with that reason.  The bookkeeping of `isolation.MemoryCgroup` (which files it writes,
how it reads the kernel's kill counters) is also checked on stand-in folders, which needs no cgroup.
"""

import textwrap
from pathlib import Path

import pytest

from verifier.sandbox import Limits, Worker, isolation, zygote

MIB = 1 << 20
LIMIT = 256 * MIB

SOURCE = """
import os, time

_kept = []

def tree(children, mib):
    # children that each allocate (and touch) `mib` MiB at the same time, then exit
    pids = []
    for _ in range(children):
        pid = os.fork()
        if pid == 0:
            block = b"x" * (mib << 20)
            time.sleep(1.0)
            os._exit(0 if block else 1)
        pids.append(pid)
    return [os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids]

def hog(mib):
    return len(b"x" * (mib << 20))

def keep(mib):
    _kept.append(b"x" * (mib << 20))
    return len(_kept)

def ping():
    return "pong"
"""

FORKS_AT_IMPORT = """
import os, time

pids = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        block = b"x" * (128 << 20)
        time.sleep(1.0)
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)

def ping():
    return "pong"
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("memory")
    (base / "cand.py").write_text(textwrap.dedent(SOURCE))
    (base / "import_tree.py").write_text(textwrap.dedent(FORKS_AT_IMPORT))
    return base


def _limits() -> Limits:
    # no address-space limit: the memory cgroup alone must stop the tree
    return Limits(memory=LIMIT, address_space=None)


@pytest.fixture(params=["zygote", "spawn"])
def path(request, monkeypatch):
    monkeypatch.setenv(zygote.ENV_VAR, "off" if request.param == "spawn" else "auto")
    return request.param


def _loaded(source, **kw) -> Worker:
    w = Worker(str(source), limits=_limits(), call_timeout=30.0, **kw)
    loaded = w.load()
    if "cgroup-memory" not in w.isolation:
        w.close()
        pytest.skip(f"this system gives no cgroup-memory layer (no writable memory cgroup); layers: {w.isolation}")
    assert loaded.ok, loaded.error
    return w


def _assert_memory_kill(outcome, when="during the call"):
    assert outcome.status == "killed", outcome
    assert outcome.error.type == "MemoryLimit"
    message = outcome.error.message
    assert "256 MiB" in message and when in message and "out-of-memory" in message, message


def test_a_tree_of_children_that_together_pass_the_limit_is_killed_for_memory(folder, path):
    # 4 x 128 MiB at once: no process passes 256 MiB (nor its address space), the tree does
    with _loaded(folder / "cand.py") as w:
        _assert_memory_kill(w.call("tree", 4, 128))
        assert w.call("ping").value == "pong" and w.starts == 2  # a fresh worker, a fresh cgroup


def test_one_process_past_the_limit_is_killed_for_memory(folder, path):
    with _loaded(folder / "cand.py") as w:
        _assert_memory_kill(w.call("hog", 512))
        assert w.call("hog", 64).value == 64 * MIB


def test_a_tree_under_the_limit_runs(folder, path):
    with _loaded(folder / "cand.py") as w:
        out = w.call("tree", 2, 48)
        assert out.status == "ok" and out.value == [0, 0], out
        assert w.starts == 1


def test_a_batch_stops_at_the_call_killed_for_memory(folder, path):
    with _loaded(folder / "cand.py") as w:
        outs = w.call_many("hog", [((16,), {}), ((512,), {}), ((16,), {})])
        assert [o.status for o in outs] == ["ok", "killed", "not-run"]
        _assert_memory_kill(outs[1])
        assert "MemoryLimit" in outs[2].error.message


def test_the_limit_is_each_submissions_own(folder):
    # two workers that each hold 160 MiB: together past one limit, each under its own
    with _loaded(folder / "cand.py") as a, _loaded(folder / "cand.py") as b:
        assert a.call("keep", 160).value == 1
        assert b.call("keep", 160).value == 1
        assert a.call("ping").ok and b.call("ping").ok and a.starts == b.starts == 1
        assert a._memory.path != b._memory.path


def test_a_tree_past_the_limit_while_loading_is_a_failed_load(folder, path):
    with _loaded(folder / "cand.py"):  # skips where the layer is missing
        pass
    with Worker(str(folder / "import_tree.py"), limits=_limits(), load_timeout=30.0) as w:
        loaded = w.load()
        assert not loaded.ok
        _assert_memory_kill(loaded, when="while loading")


# ------------------------------------------------------------------ the bookkeeping, on stand-in folders


@pytest.fixture
def isolation_on(monkeypatch):
    monkeypatch.setenv(isolation.ENV_VAR, "auto")  # whatever the caller's environment says


def _fake_base(tmp_path, name):
    base = tmp_path / name
    base.mkdir()
    (base / "cgroup.procs").write_text("")
    return base


def test_v2_writes_the_limit_no_swap_and_group_kills_and_reads_memory_events(isolation_on, tmp_path, monkeypatch):
    base = _fake_base(tmp_path, "v2")
    monkeypatch.setattr(isolation, "_memory_v2_bases", lambda: [str(base)])
    monkeypatch.setattr(isolation, "_memory_v1_bases", lambda: [])
    real_mkdir = isolation.os.mkdir

    def mkdir(path, *a):  # a cgroup folder comes with its control files
        real_mkdir(path, *a)
        for name in ("cgroup.procs", "memory.swap.max", "memory.oom.group", "memory.events"):
            with open(f"{path}/{name}", "w") as f:
                f.write("")

    monkeypatch.setattr(isolation.os, "mkdir", mkdir)
    memory = isolation.MemoryCgroup.create(LIMIT)
    assert memory is not None and memory.version == 2 and memory.owned
    read = {name: (Path(memory.path) / name).read_text() for name in ("memory.max", "memory.swap.max")}
    assert read == {"memory.max": str(LIMIT), "memory.swap.max": "0"}
    assert (Path(memory.path) / "memory.oom.group").read_text() == "1"
    events = Path(memory.path) / "memory.events"
    events.write_text("low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\n")
    assert not memory.oom_killed()
    events.write_text("low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n")
    assert memory.oom_killed()


def test_v2_shares_the_pids_cgroup_which_it_does_not_own(isolation_on, tmp_path):
    pids = tmp_path / "verifier-1-1"
    pids.mkdir()
    (pids / "cgroup.controllers").write_text("memory pids\n")
    memory = isolation.MemoryCgroup.create(LIMIT, isolation.PidsCgroup(str(pids)))
    assert memory is not None and memory.path == str(pids) and memory.version == 2 and not memory.owned
    assert (pids / "memory.max").read_text() == str(LIMIT)


def test_v1_writes_the_limit_and_the_memsw_limit_and_reads_oom_control(isolation_on, tmp_path, monkeypatch):
    base = _fake_base(tmp_path, "v1")
    monkeypatch.setattr(isolation, "_memory_v2_bases", lambda: [])
    monkeypatch.setattr(isolation, "_memory_v1_bases", lambda: [str(base)])
    real_mkdir = isolation.os.mkdir

    def mkdir(path, *a):
        real_mkdir(path, *a)
        for name in ("cgroup.procs", "memory.memsw.limit_in_bytes"):
            with open(f"{path}/{name}", "w") as f:
                f.write("")

    monkeypatch.setattr(isolation.os, "mkdir", mkdir)
    memory = isolation.MemoryCgroup.create(LIMIT)
    assert memory is not None and memory.version == 1
    folder = Path(memory.path)
    assert (folder / "memory.limit_in_bytes").read_text() == (folder / "memory.memsw.limit_in_bytes").read_text()
    (folder / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 0\n")
    assert not memory.oom_killed()
    (folder / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
    assert memory.oom_killed()


def test_no_memory_cgroup_where_none_is_writable_or_none_is_asked_for(isolation_on, tmp_path, monkeypatch):
    monkeypatch.setattr(isolation, "_memory_v2_bases", lambda: [str(tmp_path / "absent")])
    monkeypatch.setattr(isolation, "_memory_v1_bases", lambda: [str(tmp_path / "absent-too")])
    assert isolation.MemoryCgroup.create(LIMIT) is None
    assert isolation.MemoryCgroup.create(None) is None
    monkeypatch.setenv(isolation.ENV_VAR, "off")
    assert isolation.MemoryCgroup.create(LIMIT) is None
