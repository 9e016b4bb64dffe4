"""Which isolation layers a candidate's worker gets on this system, and the parts kept outside it.

`verifier.sandbox.Worker` asks this module how to start a worker (`worker_command`, `worker_config`)
and gives each worker a `PidsCgroup` where cgroups are writable; `verifier.sandbox.confine` applies the rest
from inside the worker.  Every layer degrades on its own: a system without ``unshare``, without root
or user namespaces, or without a writable cgroup file system runs the worker with the layers it has,
and the worker reports the ones really in place (`verifier.sandbox.active_layers`).

Layers, strongest first (see docs/security.md):

=====================  ======================================================================
pid-namespace          every process the candidate starts dies with the worker
network-namespace      no network at all (a loopback interface that is down)
mount-namespace        a private, read-only root: no submissions, grades or assignment to read
unprivileged-user      the candidate runs as ``nobody``
no-new-privileges      no set-user-ID program gives privileges back
cgroup-pids            at most ``Limits.processes`` processes and threads; killed as a set
rlimits                address space, CPU seconds, open files, file size (always)
process-group          SIGKILL to the worker's whole process group (always)
=====================  ======================================================================

Set ``VERIFIER_ISOLATION=off`` to run workers with the last two layers only (debugging).
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

__all__ = ["LAYERS", "PidsCgroup", "requested", "worker_command", "worker_config"]

LAYERS = (
    "pid-namespace",
    "network-namespace",
    "mount-namespace",
    "unprivileged-user",
    "no-new-privileges",
    "cgroup-pids",
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


def worker_config(workdir: str, root: str, status_fd: int | None, cgroup: PidsCgroup | None) -> dict[str, Any]:
    """What `verifier.confine.confine` should set up inside a worker started by `worker_command`."""
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
    }


# ------------------------------------------------------------------------------------------ cgroups


def _cgroup_bases() -> list[str]:
    return ["/sys/fs/cgroup/pids", "/sys/fs/cgroup"]


class PidsCgroup:
    """A cgroup of the ``pids`` controller for one worker: caps its processes and threads, and lists
    every one of them (however they detached) so that `kill_all` can stop them all."""

    _counter = 0

    def __init__(self, path: str):
        self.path = path

    @classmethod
    def create(cls, max_pids: int | None) -> PidsCgroup | None:
        """A new cgroup with ``pids.max`` = `max_pids`, or None where no writable cgroup is available."""
        if not requested():
            return None
        for base in _cgroup_bases():
            if not os.path.exists(os.path.join(base, "cgroup.procs")):
                continue
            _remove_stale(base)
            cls._counter += 1
            path = os.path.join(base, f"verifier-{os.getpid()}-{cls._counter}")
            try:
                os.mkdir(path)
            except OSError:
                continue
            try:
                with open(os.path.join(path, "pids.max"), "w") as f:
                    f.write(str(int(max_pids)) if max_pids else "max")
                return cls(path)
            except OSError:
                try:
                    os.rmdir(path)
                except OSError:
                    pass
        return None

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
        """Kill what is left and remove the cgroup."""
        self.kill_all()
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except FileNotFoundError:
                return
            except OSError:  # the last processes are still exiting
                time.sleep(0.02)


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
