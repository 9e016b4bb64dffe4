"""Which isolation layers a candidate's worker gets on this system, and the parts kept outside it.

`verifier.sandbox.Worker` asks this module how to start a worker (`worker_command`, `worker_config`,
`namespace_mode` for the zygote) and gives each worker a `PidsCgroup` and a `MemoryCgroup` where
cgroups are writable; `verifier.sandbox.confine` applies the rest from inside the worker.  Every layer
degrades on its own: a system without ``unshare``, without root or user namespaces, or without a
writable cgroup file system runs the worker with the layers it has, and the worker reports the ones
really in place (`verifier.sandbox.active_layers`).

Layers, strongest first (see docs/security.md):

=====================  ======================================================================
pid-namespace          every process the candidate starts dies with the worker
network-namespace      no network at all (a loopback interface that is down)
mount-namespace        a private, read-only root: no submissions, grades or assignment to read
unprivileged-user      the candidate runs as ``nobody``
no-new-privileges      no set-user-ID program gives privileges back
cgroup-pids            at most ``Limits.processes`` processes and threads; killed as a set
cgroup-memory          at most ``Limits.memory`` bytes of memory for the whole process tree
rlimits                address space, CPU seconds, open files, file size (always)
process-group          SIGKILL to the worker's whole process group (always)
=====================  ======================================================================

Set ``VERIFIER_ISOLATION=off`` to run workers with the last two layers only (debugging).
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["LAYERS", "MemoryCgroup", "PidsCgroup", "namespace_mode", "requested", "worker_command", "worker_config"]

LAYERS = (
    "pid-namespace",
    "network-namespace",
    "mount-namespace",
    "unprivileged-user",
    "no-new-privileges",
    "cgroup-pids",
    "cgroup-memory",
    "rlimits",
    "process-group",
)
ENV_VAR = "VERIFIER_ISOLATION"


def requested() -> bool:
    """False when ``VERIFIER_ISOLATION=off``: workers then get resource limits and a process group only."""
    return os.environ.get(ENV_VAR, "auto").strip().lower() not in ("off", "0", "no", "none")


@functools.cache
def _unshare_prefix() -> tuple[str, ...] | None:
    """The ``unshare`` command line that gives new PID, network and mount namespaces here, or None."""
    exe = shutil.which("unshare") or next((p for p in ("/usr/bin/unshare", "/bin/unshare") if os.path.exists(p)), None)
    if exe is None:
        return None
    base = ("--pid", "--fork", "--kill-child", "--net", "--mount", "--propagation", "private")
    tries: list[tuple[str, ...]] = [(exe, *base)] if os.geteuid() == 0 else []
    tries.append((exe, "--user", "--map-root-user", *base))  # unprivileged user namespaces
    for prefix in tries:
        try:
            done = subprocess.run(
                [*prefix, "true"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return prefix
    return None


def namespace_mode() -> str | None:
    """How `worker_command` makes a worker's namespaces here: "plain" (as root), "user" (inside a
    new user namespace that maps the caller to root), or None (no namespaces)."""
    prefix = _unshare_prefix() if requested() else None
    if prefix is None:
        return None
    return "user" if "--user" in prefix else "plain"


def worker_command(argv: list[str]) -> list[str]:
    """`argv` prefixed with the namespace launcher, where the system has one and isolation is on."""
    prefix = _unshare_prefix() if requested() else None
    return [*prefix, *argv] if prefix else list(argv)


def _nobody() -> tuple[int, int]:
    try:
        import pwd

        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except (ImportError, KeyError):
        return 65534, 65534


def unprivileged_ids() -> tuple[int, int] | None:
    """The (uid, gid) the candidate runs as when the verifier is root; None otherwise."""
    return _nobody() if requested() and os.geteuid() == 0 else None


def _readable_paths() -> list[str]:
    """What the worker needs to see besides the system: Python, its packages and the verifier's own."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the verifier package
    project = os.path.dirname(here)  # the worker's PYTHONPATH: the verifier and the oracle live here
    paths = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        os.path.dirname(os.path.realpath(sys.executable)),
        here,
        os.path.join(project, "reference"),
    }
    for entry in sys.path:
        if entry and entry.rstrip("/").endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
            paths.add(entry)
    # Parents before children, so a child is not bound twice.
    return sorted((os.path.abspath(p) for p in paths if p and os.path.exists(p)), key=len)


def worker_config(
    workdir: str,
    root: str,
    status_fd: int | None,
    cgroup: PidsCgroup | None,
    memory: MemoryCgroup | None = None,
) -> dict[str, Any]:
    """What `verifier.sandbox.confine.confine` should set up inside a worker started by `worker_command`
    (or forked by `verifier.sandbox.zygote` into the same namespaces)."""
    namespaces = requested() and _unshare_prefix() is not None
    return {
        "namespaces": namespaces,
        "network_namespace": namespaces,
        "status_fd": status_fd,
        "workdir": workdir,
        "root": root if namespaces else None,
        "readable": _readable_paths() if namespaces else [],
        "user": unprivileged_ids(),
        "no_new_privileges": requested(),
        "cgroup": cgroup.path if cgroup is not None else None,
        "memory_cgroup": memory.path if memory is not None else None,
    }


# ------------------------------------------------------------------------------------------ cgroups


def _cgroup_bases() -> list[str]:
    return ["/sys/fs/cgroup/pids", "/sys/fs/cgroup"]


class _Cgroup:
    """One worker's cgroup directory: lists every process of the worker however it detached, so
    that `kill_all` can stop them all."""

    def __init__(self, path: str, owned: bool = True):
        self.path = path
        self.owned = owned  # False: the directory belongs to another _Cgroup (cgroup v2 shares one)

    def pids(self) -> list[int]:
        try:
            with open(os.path.join(self.path, "cgroup.procs")) as f:
                return [int(line) for line in f if line.strip()]
        except (OSError, ValueError):
            return []

    def kill_all(self, timeout: float = 5.0) -> bool:
        """SIGKILL every process in the cgroup until it is empty; True when it is."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if not pids:
                return True
            if time.monotonic() > deadline:
                return False
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        """Kill what is left and remove the cgroup (when this object made it)."""
        self.kill_all()
        if not self.owned:
            return
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except FileNotFoundError:
                return
            except OSError:  # the last processes are still exiting
                time.sleep(0.02)


def _make_cgroup(base: str, tag: str, settings: Callable[[str], list[tuple[str, str]]]) -> str | None:
    """A new cgroup under `base`, with the (file, value) pairs `settings(path)` written in order; None
    where `base` is no writable cgroup or refuses a setting."""
    if not os.path.exists(os.path.join(base, "cgroup.procs")):
        return None
    _remove_stale(base)
    path = os.path.join(base, f"verifier-{os.getpid()}-{tag}{next(_created)}")
    try:
        os.mkdir(path)
    except OSError:
        return None
    try:
        for name, value in settings(path):
            _write(os.path.join(path, name), value)
        return path
    except OSError:
        try:
            os.rmdir(path)
        except OSError:
            pass
        return None


_created = itertools.count(1)


def _write(path: str, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


class PidsCgroup(_Cgroup):
    """A cgroup of the ``pids`` controller for one worker: caps its processes and threads, and lists
    every one of them (however they detached) so that `kill_all` can stop them all."""

    @classmethod
    def create(cls, max_pids: int | None) -> PidsCgroup | None:
        """A new cgroup with ``pids.max`` = `max_pids`, or None where no writable cgroup is available."""
        if not requested():
            return None
        value = str(int(max_pids)) if max_pids else "max"
        for base in _cgroup_bases():
            path = _make_cgroup(base, "", lambda _: [("pids.max", value)])
            if path is not None:
                return cls(path)
        return None


class MemoryCgroup(_Cgroup):
    """A cgroup of the ``memory`` controller for one worker: caps the memory of its whole process tree
    (no swap on top) and tells whether the kernel's out-of-memory killer acted in it.

    cgroup v2 where the unified hierarchy has the memory controller (``memory.max``,
    ``memory.swap.max``, ``memory.oom.group``, ``memory.events``), else cgroup v1 (``memory.limit_in_bytes``,
    ``memory.memsw.limit_in_bytes``, ``memory.oom_control``, ``memory.failcnt``).  In v1 the cgroup
    is made inside the grader's own memory cgroup where that is writable, so that the grader's limit
    still covers its workers."""

    def __init__(self, path: str, version: int, limit: int, owned: bool = True):
        super().__init__(path, owned)
        self.version = version
        self.limit = limit
        self._fds: dict[str, int] = {}  # counter files kept open: read after every reply of a worker

    @classmethod
    def create(cls, limit: int | None, pids: PidsCgroup | None = None) -> MemoryCgroup | None:
        """A new cgroup limited to `limit` bytes, or None where no writable memory cgroup is available.

        In cgroup v2 a process is in one cgroup only: when `pids` is a v2 cgroup, the limit is set on
        it (where its hierarchy has the memory controller) rather than on a cgroup of its own."""
        if not requested() or not limit:
            return None
        value = str(int(limit))
        shared = pids is not None and os.path.exists(os.path.join(pids.path, "cgroup.controllers"))
        if pids is not None and shared:
            try:
                for name, setting in _v2_settings(pids.path, value):
                    _write(os.path.join(pids.path, name), setting)
                return cls(pids.path, 2, int(limit), owned=False)
            except OSError:
                pass  # its hierarchy has no memory controller; v1 may have one
        for base in [] if shared else _memory_v2_bases():
            path = _make_cgroup(base, "m", lambda p: _v2_settings(p, value))
            if path is not None:
                return cls(path, 2, int(limit))
        for base in _memory_v1_bases():
            path = _make_cgroup(base, "m", lambda p: _v1_settings(p, value))
            if path is not None:
                return cls(path, 1, int(limit))
        return None

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process of this cgroup for passing the limit."""
        if self.version == 2:
            return self._counter("memory.events", "oom_kill") > 0
        kills = self._counter("memory.oom_control", "oom_kill")
        if kills >= 0:
            return kills > 0
        return self._counter("memory.failcnt", "") > 0

    def _counter(self, name: str, key: str) -> int:
        """The number after `key` in the flat-keyed file `name` (the whole file when `key` is ""), or -1;
        the file stays open for the next read (a few microseconds then, not an open each time)."""
        fd = self._fds.get(name)
        try:
            if fd is None:
                fd = self._fds[name] = os.open(os.path.join(self.path, name), os.O_RDONLY | os.O_CLOEXEC)
            text = os.pread(fd, 4096, 0).decode("ascii", "replace")
        except OSError:
            return -1
        return _counter(text, key)

    def remove(self) -> None:
        fds, self._fds = self._fds, {}
        for fd in fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        super().remove()


def _v2_settings(path: str, value: str) -> list[tuple[str, str]]:
    # memory.oom.group: the out-of-memory killer kills the whole tree at once, not one process of it
    optional = [("memory.swap.max", "0"), ("memory.oom.group", "1")]
    return [("memory.max", value)] + [(name, v) for name, v in optional if os.path.exists(os.path.join(path, name))]


def _v1_settings(path: str, value: str) -> list[tuple[str, str]]:
    # the limit first: memory.memsw.limit_in_bytes may not be set below memory.limit_in_bytes
    memsw = os.path.exists(os.path.join(path, "memory.memsw.limit_in_bytes"))
    return [("memory.limit_in_bytes", value)] + ([("memory.memsw.limit_in_bytes", value)] if memsw else [])


def _counter(text: str, key: str) -> int:
    """The number after `key` in a flat-keyed cgroup file's `text` (the whole text when `key` is ""), or -1."""
    try:
        for line in text.splitlines():
            parts = line.split()
            if not key and len(parts) == 1:
                return int(parts[0])
            if len(parts) == 2 and parts[0] == key:
                return int(parts[1])
    except ValueError:
        pass
    return -1


def _memory_v2_bases() -> list[str]:
    """The unified hierarchies here whose root offers the memory controller to its children."""
    bases = []
    for base in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        try:
            with open(os.path.join(base, "cgroup.subtree_control")) as f:
                if "memory" in f.read().split():
                    bases.append(base)
        except OSError:
            pass
    return bases


def _memory_v1_bases() -> list[str]:
    """The v1 memory hierarchy: the grader's own cgroup in it first, then its root."""
    root = "/sys/fs/cgroup/memory"
    bases = []
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                parts = line.rstrip("\n").split(":", 2)
                if len(parts) == 3 and "memory" in parts[1].split(",") and parts[2] not in ("", "/"):
                    bases.append(root + parts[2])
    except OSError:
        pass
    return [*bases, root]


def _remove_stale(base: str) -> None:
    """Remove the empty cgroups left by verifier processes that no longer exist."""
    try:
        names = [n for n in os.listdir(base) if n.startswith("verifier-")]
    except OSError:
        return
    for name in names:
        try:
            owner = int(name.split("-")[1])
        except (IndexError, ValueError):
            continue
        if owner == os.getpid() or os.path.exists(f"/proc/{owner}"):
            continue
        try:
            os.rmdir(os.path.join(base, name))
        except OSError:
            pass


THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "BLIS_NUM_THREADS",
)


def worker_environment(workdir: str, package_root: str) -> dict[str, str]:
    """The scrubbed environment of a worker: nothing of the verifier's own, one thread per library,
    the worker's directory as HOME and TMPDIR, and the verifier importable from ``package_root``."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": package_root,
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONIOENCODING": "utf-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": workdir,
        **{var: "1" for var in THREAD_VARS},
    }
