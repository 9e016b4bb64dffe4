"""Confinement that the worker process applies to itself before any candidate code runs.

`verifier.sandbox.isolation` decides what to ask for and starts the worker inside new namespaces (``unshare``);
this module runs in the worker, as the first thing it does, and sets up what can only be set up from
inside.  Each step is attempted on its own; `confine` returns the names of the layers that are really
in place, which the worker reports back with its load reply.

- ``cgroup-pids``: join the cgroup the verifier made for this worker (its ``pids.max`` caps processes
  and threads; the verifier kills everything listed in it when the worker stops).
- ``cgroup-memory``: join the memory cgroup the verifier made for this worker (its limit caps the
  memory of the whole process tree; in cgroup v2 it is the same cgroup as the one above).
- ``pid-namespace``: the worker is process 1 of a new PID namespace, where the kernel ignores signals
  without a handler.  It forks: process 1 stays behind as a minimal init that reaps orphans and, when
  the real worker (process 2) ends, writes its wait status on a private pipe and exits, which makes the
  kernel kill everything left in the namespace (daemons, ``setsid`` escapees).
- ``network-namespace``: a fresh network namespace has only a loopback interface, and it is down.
- ``mount-namespace``: a private root filesystem: the Python installation, the system libraries and the
  verifier's own packages, all read-only; an empty ``/tmp``; a minimal ``/dev``; a fresh ``/proc``; and
  the worker's own directory, the only writable place.  Submissions, grades and the assignment are not
  there to be read.
- ``unprivileged-user``: when really root, drop to ``nobody`` (no groups, no capabilities).
- ``no-new-privileges``: ``PR_SET_NO_NEW_PRIVS``: no set-user-ID program can give privileges back.

`enter_namespaces` is what ``unshare --pid --net --mount --propagation private`` (with ``--user
--map-root-user`` when not root) does before it forks, for a process forked by the zygote
(`verifier.sandbox.zygote`) instead of started through ``unshare``.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

__all__ = ["confine", "die_with_parent", "enter_namespaces"]

_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_NOEXEC = 8
_MS_REMOUNT = 32
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18
_MNT_DETACH = 2
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_PDEATHSIG = 1
_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWPID = 0x20000000
_CLONE_NEWNET = 0x40000000
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(os.uname().machine)
_DEVICES = ("null", "zero", "full", "random", "urandom")

_libc: Any = None


def _c() -> Any:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def enc(s: str | None) -> bytes | None:
        return None if s is None else s.encode()

    _check(_c().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def _bind(source: str, target: str, writable: bool = False) -> None:
    """Bind `source` at `target` (recursively), read-only unless `writable`."""
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "wb").close()
    _mount(source, target, None, _MS_BIND | _MS_REC)
    flags = _MS_REMOUNT | _MS_BIND | _MS_NOSUID | (0 if writable else _MS_RDONLY)
    _mount(None, target, None, flags)


# ------------------------------------------------------------------------------------------- steps


def _join_cgroup(path: str) -> bool:
    try:
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write("0")
        return True
    except OSError:
        return False


def _become_init_and_fork(status_fd: int, close_fds: tuple[int, ...]) -> None:
    """In a new PID namespace: keep process 1 as a reaper and return in its child, the worker."""
    pid = os.fork()
    if pid == 0:
        os.close(status_fd)
        return
    for fd in close_fds:  # the channel belongs to the worker alone
        try:
            os.close(fd)
        except OSError:
            pass
    status = 0
    while True:
        try:
            reaped, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if reaped == pid:
            break
    try:
        os.write(status_fd, f"{os.waitstatus_to_exitcode(status)}\n".encode())
    except (OSError, ValueError):
        pass
    os._exit(0)  # the kernel now kills whatever is left in the namespace


def _private_root(base: str, workdir: str, readable: list[str]) -> None:
    """Build a root filesystem at `base` and pivot into it (chroot where pivot_root is unavailable)."""
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount("tmpfs", base, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=4m,mode=755")
    os.makedirs(base + "/tmp", exist_ok=True)  # before the binds: one of them may live under /tmp
    _mount("tmpfs", base + "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, "size=64m,mode=1777")
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"):
        if os.path.islink(top):
            os.symlink(os.readlink(top), base + top)
        elif os.path.isdir(top):
            _bind(top, base + top)
    for path in readable:
        if os.path.exists(path) and not os.path.exists(base + path):
            _bind(path, base + path)
    os.makedirs(base + "/dev", exist_ok=True)
    _mount("tmpfs", base + "/dev", "tmpfs", _MS_NOSUID | _MS_NOEXEC, "size=64k,mode=755")
    for name in _DEVICES:
        if os.path.exists("/dev/" + name):
            _bind("/dev/" + name, f"{base}/dev/{name}", writable=True)
    _bind(workdir, base + workdir, writable=True)
    os.makedirs(base + "/proc", exist_ok=True)
    try:
        _mount("proc", base + "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    except OSError:
        pass  # no /proc: the candidate only loses what it could learn from it
    old = base + "/.old-root"
    os.makedirs(old, exist_ok=True)
    pivoted = False
    if _SYS_PIVOT_ROOT is not None:
        pivoted = _c().syscall(_SYS_PIVOT_ROOT, base.encode(), old.encode()) == 0
    if pivoted:
        os.chdir("/")
        _check(_c().umount2(b"/.old-root", _MNT_DETACH), "umount the old root")
        os.rmdir("/.old-root")
    else:
        os.chroot(base)
    _mount(None, "/", None, _MS_REMOUNT | _MS_NOSUID | _MS_NODEV | _MS_RDONLY)
    os.chdir(workdir)


def _in_initial_user_namespace() -> bool:
    try:
        with open("/proc/self/uid_map") as f:
            return f.read().split() == ["0", "0", "4294967295"]
    except OSError:
        return False


def _drop_to(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def _map_to_root(uid: int, gid: int) -> None:
    """In a new user namespace: map root inside to the caller outside (``--map-root-user``)."""
    for path, text in (
        ("/proc/self/setgroups", "deny"),
        ("/proc/self/uid_map", f"0 {uid} 1"),
        ("/proc/self/gid_map", f"0 {gid} 1"),
    ):
        with open(path, "w") as f:
            f.write(text)


# ------------------------------------------------------------------------------------------ public


def enter_namespaces(mode: str) -> None:
    """Unshare the PID (for the next child), network and mount namespaces and make every mount
    private; with `mode` "user" inside a new user namespace that maps the caller to root.  Raises
    OSError when the system refuses; the caller must be single-threaded."""
    flags = _CLONE_NEWPID | _CLONE_NEWNET | _CLONE_NEWNS
    uid, gid = os.getuid(), os.getgid()
    if mode == "user":
        flags |= _CLONE_NEWUSER
    elif mode != "plain":
        raise ValueError(f"mode={mode!r}: pass 'plain' or 'user'")
    _check(_c().unshare(ctypes.c_int(flags)), "unshare")
    if mode == "user":
        _map_to_root(uid, gid)
    _mount("none", "/", None, _MS_REC | _MS_PRIVATE)


def die_with_parent() -> None:
    """SIGKILL this process when its parent ends (``unshare --kill-child``)."""
    _check(_c().prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")


def confine(config: dict[str, Any], channel_fds: tuple[int, ...]) -> list[str]:
    """Apply the confinement `config` asks for (see `verifier.isolation.worker_config`); return the
    names of the layers in place.  Never raises: a step the system refuses is left out."""
    layers = ["process-group"]
    cgroup = config.get("cgroup")
    joined = isinstance(cgroup, str) and _join_cgroup(cgroup)
    if joined:
        layers.append("cgroup-pids")
    memory = config.get("memory_cgroup")
    if isinstance(memory, str) and ((joined and memory == cgroup) or (memory != cgroup and _join_cgroup(memory))):
        layers.append("cgroup-memory")
    status_fd = config.get("status_fd")
    if config.get("namespaces") and os.getpid() == 1 and status_fd is not None:
        _become_init_and_fork(int(status_fd), channel_fds)
        layers.append("pid-namespace")
    elif status_fd is not None:
        os.close(int(status_fd))
    if config.get("namespaces"):
        # A fresh network namespace: check that no interface but the loopback is there.
        try:
            import socket

            names = {name for _, name in socket.if_nameindex()}
        except OSError:
            names = set()
        if config.get("network_namespace") and names <= {"lo"}:
            layers.append("network-namespace")
    was_root = os.geteuid() == 0
    real_root = was_root and _in_initial_user_namespace()
    workdir = config.get("workdir")
    if config.get("namespaces") and config.get("root") and workdir and was_root:
        try:
            _private_root(config["root"], workdir, list(config.get("readable", ())))
            layers.append("mount-namespace")
        except OSError as exc:
            print(f"verifier.sandbox.confine: no private root: {exc}", file=sys.stderr)
            try:
                os.chdir(workdir)
            except OSError:
                pass
    user = config.get("user")
    if user and real_root:
        try:
            _drop_to(int(user[0]), int(user[1]))
            layers.append("unprivileged-user")
        except OSError as exc:
            print(f"verifier.sandbox.confine: still root: {exc}", file=sys.stderr)
    try:
        if config.get("no_new_privileges") and _c().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0:
            layers.append("no-new-privileges")
    except (OSError, AttributeError):
        pass
    return layers
