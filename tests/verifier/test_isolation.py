"""Isolation layers of a worker: what the candidate can see, reach and leave behind."""

import os
import subprocess
import sys
import textwrap
import time

import pytest

from verifier import sandbox
from verifier.sandbox import Limits, Worker, isolation

LAYERS = sandbox.active_layers(refresh=True)


def needs(*layers):
    missing = [layer for layer in layers if layer not in LAYERS]
    return pytest.mark.skipif(bool(missing), reason=f"this system gives no {', '.join(missing)}")


PROBES = """
import os, socket, sys, time

def listdir(path):
    return sorted(os.listdir(path))

def read(path):
    with open(path) as f:
        return f.read()

def write(path):
    with open(path, "a") as f:
        f.write("x")
    return 1

def ids():
    return [os.getuid(), os.getgid(), os.getcwd()]

def connect(port):
    s = socket.socket()
    s.settimeout(1)
    s.connect(("127.0.0.1", port))
    return 1

def environment():
    return sorted(os.environ)

def forks(n):
    made = 0
    for _ in range(n):
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
        made += 1
    return made

def daemon(token):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(120)", token])
        os._exit(0)
    os.wait()
    time.sleep(0.3)
    return 1

def crash_with_a_child():
    if os.fork() == 0:
        time.sleep(30)
        os._exit(0)
    os._exit(3)
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe")
    (folder / "probes.py").write_text(PROBES)
    (folder / "sibling.py").write_text("SECRET = 1\n")
    with Worker(str(folder / "probes.py"), call_timeout=5.0) as w:
        assert w.load().ok
        yield w, folder


def _processes_with(token: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if token.encode() in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def test_layers_have_known_names_and_always_include_the_basics():
    assert set(LAYERS) <= set(isolation.LAYERS)
    assert {"process-group", "rlimits"} <= set(LAYERS)


@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/usr/bin/unshare"), reason="needs root and unshare")
def test_as_root_with_unshare_every_layer_is_active():
    assert set(LAYERS) == set(isolation.LAYERS)


def test_isolation_off_leaves_the_basic_layers(tmp_path):
    script = "from verifier import sandbox; print(','.join(sandbox.active_layers()))"
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "VERIFIER_ISOLATION": "off"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert out.split(",") == ["process-group", "rlimits"]


def test_load_outcome_and_worker_report_the_layers(probe):
    w, _ = probe
    assert w.load().isolation == w.isolation == tuple(LAYERS)


@needs("mount-namespace")
def test_the_candidate_sees_its_own_copy_and_nothing_of_the_submissions_folder(probe):
    w, folder = probe
    cwd = w.call("ids").value[2]
    assert w.call("listdir", cwd).value == ["probes.py"]
    # /tmp holds the worker's own folder, plus the path down to the verifier's installation when
    # that lives under /tmp (bound read-only, e.g. a checkout in /tmp/x with its .venv)
    installed_under_tmp = {p.split("/")[2] for p in isolation._readable_paths() if p.startswith("/tmp/")}
    assert sorted(w.call("listdir", "/tmp").value) == sorted(
        {os.path.basename(os.path.dirname(cwd))} | installed_under_tmp
    )
    out = w.call("read", str(folder / "sibling.py"))
    assert out.status == "raised" and out.error.type == "FileNotFoundError"


@needs("mount-namespace")
def test_the_verifier_and_python_are_read_only(probe):
    w, _ = probe
    import verifier

    for path in (
        os.path.join(os.path.dirname(verifier.__file__), "checking.py"),
        os.path.join(sys.prefix, "pyvenv.cfg"),
    ):
        out = w.call("write", path)
        assert out.status == "raised" and out.error.type in ("PermissionError", "OSError"), out
    out = w.call("write", "scratch.txt")  # its own directory is writable
    assert out.ok


@needs("unprivileged-user")
def test_the_candidate_runs_as_nobody(probe):
    w, _ = probe
    uid, gid, _ = w.call("ids").value
    assert (uid, gid) == isolation.unprivileged_ids()


@needs("network-namespace")
def test_there_is_no_network(probe):
    w, _ = probe
    out = w.call("connect", 22)
    assert out.status == "raised" and "Network is unreachable" in out.error.message


def test_the_environment_is_scrubbed(probe):
    w, _ = probe
    assert set(w.call("environment").value) <= {
        "PATH",
        "HOME",
        "TMPDIR",
        "LANG",
        "LC_ALL",
        "PYTHONPATH",
        "PYTHONHASHSEED",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONNOUSERSITE",
        "PYTHONIOENCODING",
        "MPLBACKEND",
        "MPLCONFIGDIR",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "BLIS_NUM_THREADS",
    }


@needs("cgroup-pids")
def test_processes_are_capped_per_worker(tmp_path):
    (tmp_path / "f.py").write_text(PROBES)
    with Worker(str(tmp_path / "f.py"), call_timeout=10.0, limits=Limits(processes=16)) as w:
        out = w.call("forks", 100)  # capped: at most 100 children even if nothing stops it
        assert out.status == "raised" and out.error.type == "BlockingIOError"


@needs("pid-namespace")
def test_a_daemon_that_left_the_process_group_dies_with_the_worker(tmp_path):
    (tmp_path / "f.py").write_text(PROBES)
    token = f"ISOLATION-DAEMON-{os.getpid()}"
    try:
        with Worker(str(tmp_path / "f.py"), call_timeout=5.0) as w:
            assert w.call("daemon", token).ok
            assert _processes_with(token)  # it is running, in its own session
        deadline = time.monotonic() + 5
        while _processes_with(token) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _processes_with(token)
    finally:
        for pid in _processes_with(token):
            os.kill(pid, 9)


@needs("pid-namespace")
def test_a_crash_is_reported_at_once_even_when_a_child_holds_the_channel(tmp_path):
    (tmp_path / "f.py").write_text(PROBES)
    with Worker(str(tmp_path / "f.py"), call_timeout=20.0) as w:
        out = w.call("crash_with_a_child")
        # "exited", not "timeout": the crash was seen before the 20 s limit although a child holds the pipe
        assert out.status == "exited" and "code 3" in out.error.message


def test_a_candidate_that_ignores_sigterm_is_killed_at_the_timeout(tmp_path):
    (tmp_path / "f.py").write_text(
        textwrap.dedent("""
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        def hang():
            time.sleep(60)
    """)
    )
    with Worker(str(tmp_path / "f.py"), call_timeout=0.5) as w:
        assert w.call("hang").status == "timeout"
        assert w.call("hang").status == "timeout"  # the killed worker was replaced: the next call runs


def test_cgroups_are_removed_when_the_worker_closes(tmp_path):
    (tmp_path / "f.py").write_text(PROBES)
    w = Worker(str(tmp_path / "f.py"))
    w.load()
    path = w._cgroup.path if w._cgroup is not None else None
    w.close()
    assert path is None or not os.path.exists(path)
