"""The zygote: a process that has imported numpy, ``scipy.special`` and the worker module once, and
forks each new worker from that state instead of starting an interpreter and importing them again.

`start_worker` is what `verifier.sandbox.Worker` calls to start a worker; it returns None when the
zygote is off (``VERIFIER_ZYGOTE=off``), not possible here, or failed, and the Worker then starts the
worker as a new interpreter through ``unshare`` (`verifier.sandbox.isolation.worker_command`).

One zygote per process that starts workers: started on first use (or by `warm`), reused, started
again when it died, never shared with another process.  It is single-threaded (BLAS libraries get
one thread from the scrubbed environment it starts with; it checks that it has one thread before it
serves), and it talks to its owner only on an anonymous socket pair, which no worker inherits; it
ends when its owner's end of that socket closes (the owner exited, or `stop`).  It never runs
candidate code, and keeps nothing of one request when it serves the next.

A child forked (``os.fork``, ``multiprocessing``) from a process with a live zygote gets a zygote of
its own without starting an interpreter: just before the fork, the parent asks its zygote to fork a
copy of itself that serves a new socket pair; the child keeps that socket and closes the parent's,
and the parent closes its end of the new pair (`os.register_at_fork` hooks).  The copy is forked
between two requests, so it holds only what the zygote preloaded; it is the zygote in every other
respect, and ends when its child's socket hangs up.  Where anything of this fails, the child starts
its own zygote on first use, as a process without a copy does.  `warm` starts the zygote of a
process that forks children before it starts any worker itself (``grade_many``'s parent).

Each request forks a helper that stands where ``unshare --pid --fork --kill-child --net --mount
--propagation private`` stands in the other path: it starts a new session (the worker's process
group), takes the worker's pipes and stderr file, its directory and its scrubbed environment, enters
new namespaces the same way (`verifier.sandbox.confine.enter_namespaces`, in a user namespace that
maps the caller to root when `isolation.namespace_mode` says "user"), and forks the worker, which dies
with the helper.  The worker runs `verifier.sandbox.worker.main` with the same configuration, so
`verifier.sandbox.confine` gives it the same layers (pid 1 of its PID namespace, the private root,
``nobody``, no-new-privileges, cgroups, rlimits) and it reports them as before.  The helper reports
the worker's exit status to the verifier, and stays until the verifier lets it go, so that its
process group id is never reused while the verifier may still signal it.  When the helper cannot
enter the namespaces the worker would get the other way, the zygote says so, and the process stops
using it: the layers never differ between the two paths.

A forked worker differs from a new interpreter in what is already imported (numpy, ``scipy.special``,
the verifier's sandbox modules, and for a batch ``matplotlib.pyplot``, whose config folder then
reads as the removed temporary one its font list was built in) and in ``/proc/self/environ``, which
shows the zygote's own scrubbed environment (``os.environ`` is the worker's).  Random generators are
reseeded after the fork.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from typing import Any

from verifier.sandbox import confine, isolation, worker

__all__ = ["ENV_VAR", "Forked", "WorkerSpec", "refused", "requested", "start_worker", "stop", "warm"]

ENV_VAR = "VERIFIER_ZYGOTE"
PRELOAD = ("numpy", "scipy.special")  # optional: a missing one is skipped
# Preloaded too by a zygote started for a batch (`warm`): notebooks import pyplot, and a worker that
# imports it itself builds matplotlib's font list anew in its empty config folder (about 0.8 s of CPU
# per submission); the zygote builds it once, in a temporary folder it removes before it serves.
BATCH_PRELOAD = ("matplotlib.pyplot",)
START_TIMEOUT = 60.0  # seconds for the zygote to import what it preloads
FORK_TIMEOUT = 30.0  # seconds for one fork request
COPY_TIMEOUT = 10.0  # seconds for the zygote to fork a copy of itself for a forked child
_MAX_MESSAGE = 1 << 20
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def requested() -> bool:
    """False when ``VERIFIER_ZYGOTE=off`` (or ``0``, ``no``, ``none``): every worker is a new interpreter."""
    return os.environ.get(ENV_VAR, "auto").strip().lower() not in ("off", "0", "no", "none")


@dataclass(frozen=True)
class WorkerSpec:
    """What one worker gets: its directory, environment and `confine` configuration, and the file
    descriptors (in this process) of its request pipe's read end, its reply pipe's write end, the
    write end of its init's status pipe and its stderr file.  The configuration's ``status_fd`` is
    replaced by the worker's own number for the status pipe."""

    workdir: str
    env: dict[str, str]
    config: dict[str, Any]
    requests: int
    replies: int
    status: int
    stderr: int


class Forked:
    """A worker forked by the zygote, as its verifier holds it.

    - `pid`: the helper's process id, which is the worker's process group and session.
    - `wait(timeout)`: the worker's exit status as a returncode (``-9`` for SIGKILL); raises
      subprocess.TimeoutExpired when it has not ended in time.
    - `kill`: SIGKILL to the helper (the worker dies with it); `release`: let the helper go.
    """

    def __init__(self, pid: int, hold: socket.socket):
        self.pid = pid
        self.returncode: int | None = None
        self._hold = hold

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._hold], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0.0)
            self.returncode = _status_from(self._read_status())
        return self.returncode

    def _read_status(self) -> bytes:
        data = b""
        try:
            while not data.endswith(b"\n"):
                chunk = self._hold.recv(64)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        return data

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def release(self) -> None:
        """Close the channel to the helper, which then exits (call after the last signal)."""
        self._hold.close()


def _status_from(data: bytes) -> int:
    """The returncode the helper reported; a helper that ended without a word was killed."""
    try:
        return int(data.decode().strip())
    except ValueError:
        return -signal.SIGKILL


# ------------------------------------------------------------------------------- the verifier's side


class _Gone(Exception):
    """The zygote died or stopped answering; a new one may do."""


class _Refused(Exception):
    """The zygote cannot give a worker the layers it would have as a new interpreter."""


class _Zygote:
    """A running zygote and the socket to it, owned by one process: the one that started it
    (`start`), or a forked child that adopted a copy of its parent's zygote (`adopt`)."""

    def __init__(self, sock: socket.socket, pid: int, proc: subprocess.Popen[bytes] | None = None):
        self.owner = os.getpid()
        self.sock = sock
        self.pid = pid
        self.proc = proc  # None for a copy: the copy is the zygote's child, not this process's

    @classmethod
    def start(cls, package_root: str, extra: tuple[str, ...] = ()) -> _Zygote:
        """Start a zygote as a new interpreter, preloading ``extra`` too; raise _Gone when it dies
        before it is ready, _Refused when it cannot serve here."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        options = json.dumps({"extra": list(extra), "tmp": tempfile.gettempdir()})
        try:
            proc = subprocess.Popen(
                [sys.executable, "-s", "-m", "verifier.sandbox.zygote", str(theirs.fileno()), options],
                pass_fds=(theirs.fileno(),),
                cwd="/",
                env=isolation.worker_environment("/", package_root),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                close_fds=True,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        zygote = cls(ours, proc.pid, proc)
        try:
            reply = zygote._receive(START_TIMEOUT)
        except _Gone:
            zygote.close()
            raise
        if reply.get("ready") is not True:
            zygote.close()
            raise _Refused(str(reply.get("error", "the zygote did not start")))
        return zygote

    @classmethod
    def adopt(cls, copy: tuple[socket.socket, int]) -> _Zygote:
        """The zygote of a forked child: the copy `copy_for_child` asked for before the fork."""
        return cls(copy[0], copy[1])

    def copy_for_child(self) -> tuple[socket.socket, int]:
        """Ask the zygote to fork a copy of itself that serves a new socket pair, for a child about to
        be forked: our end of that pair (which the child keeps and this process closes) and the
        copy's pid.  Raise _Gone when the zygote does not answer, _Refused when it declines."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        return ours, self._ask({"op": "copy"}, [theirs.fileno()], theirs, ours, COPY_TIMEOUT, "copy", "no copy")

    def fork(self, spec: WorkerSpec, mode: str | None) -> Forked:
        """Ask for a worker; raise _Gone when the zygote is gone, _Refused when it cannot make one."""
        hold, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"workdir": spec.workdir, "env": spec.env, "config": spec.config, "namespaces": mode}
        fds = [spec.requests, spec.replies, spec.status, spec.stderr, theirs.fileno()]
        # the zygote gives up on a helper before this process gives up on the zygote
        return Forked(self._ask(request, fds, theirs, hold, FORK_TIMEOUT + 5.0, "pid", "no worker"), hold)

    def _ask(
        self,
        request: dict[str, Any],
        fds: list[int],
        theirs: socket.socket,
        ours: socket.socket,
        timeout: float,
        key: str,
        missing: str,
    ) -> int:
        """Send ``request`` with ``fds`` and return the pid under ``key`` in the reply.  ``theirs`` (sent)
        is closed here in any case, ``ours`` only on failure: _Gone when the zygote does not answer,
        _Refused when it declines."""
        try:
            socket.send_fds(self.sock, [json.dumps(request).encode()], fds)
            reply = self._receive(timeout)
        except (OSError, _Gone):
            ours.close()
            raise _Gone() from None
        finally:
            theirs.close()
        pid = reply.get(key)
        if type(pid) is not int:
            ours.close()
            raise _Refused(str(reply.get("error", missing)))
        return pid

    def _receive(self, timeout: float) -> dict[str, Any]:
        try:
            self.sock.settimeout(timeout)
            data = self.sock.recv(_MAX_MESSAGE)
            reply = json.loads(data) if data else None
        except (OSError, ValueError):
            reply = None
        if type(reply) is not dict:
            raise _Gone()
        return reply

    def alive(self) -> bool:
        """Whether the zygote still serves: its process runs (one this process started), and its end
        of the socket is open and has said nothing unasked."""
        if self.proc is not None and self.proc.poll() is not None:
            return False
        try:
            return not select.select([self.sock], [], [], 0)[0]
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        """Stop the zygote (its workers are not affected).  A copy ends by itself once its socket
        hangs up; a zygote this process started is also killed and reaped."""
        self.sock.close()
        if self.proc is not None and os.getpid() == self.owner:
            try:
                self.proc.kill()
                self.proc.wait(timeout=5.0)
            except (OSError, subprocess.TimeoutExpired):
                pass

    def detach(self) -> None:
        """In a forked child: forget the parent's zygote without stopping it."""
        self.sock.close()


_lock = threading.Lock()
_current: _Zygote | None = None
_refused: str | None = None  # why this process forks no workers, once the zygote could not
_forking = threading.local()  # in the thread that forks, between the fork hooks: the lock, the copy


def start_worker(spec: WorkerSpec, mode: str | None, package_root: str) -> Forked | None:
    """A worker forked by this process's zygote, or None: the zygote is off, was refused here, or
    could not be started twice in a row; the caller then starts the worker as a new interpreter.

    - `mode`: `isolation.namespace_mode()`, the namespaces the worker would get through ``unshare``.
    - `package_root`: the folder the verifier is imported from (the zygote's ``PYTHONPATH``)."""
    global _refused
    if not _usable():
        return None
    with _lock:
        if _refused is not None:  # another thread found the zygote unusable meanwhile
            return None
        for _ in range(2):  # a zygote that died is replaced once per request
            try:
                return _ready(package_root).fork(spec, mode)
            except _Gone:
                _replace(None)
            except Exception as exc:  # _Refused, OSError, or anything unforeseen: new interpreters then
                _refuse(exc)
                return None
        _refused = "the zygote died twice in a row"
    return None


def warm(package_root: str = _PACKAGE_ROOT) -> bool:
    """Start this process's zygote now, unless it has a live one; True when it has one afterwards.

    For a process that forks grading processes (``os.fork``, ``multiprocessing``) before it starts
    any worker itself: each child then gets a copy of this zygote as it is forked, instead of
    starting a zygote of its own (an interpreter importing numpy) on its first worker.  A zygote
    started here also preloads `BATCH_PRELOAD` (once for the batch, not once per submission).
    False, with nothing started, where `start_worker` would give None."""
    global _refused
    if not _usable():
        return False
    with _lock:
        if _refused is not None:
            return False
        for _ in range(2):
            try:
                _ready(package_root, BATCH_PRELOAD)
                return True
            except _Gone:
                _replace(None)
            except Exception as exc:
                _refuse(exc)
                return False
        _refused = "the zygote died twice in a row"
    return False


def _usable() -> bool:
    return requested() and _refused is None and hasattr(socket, "send_fds")


def _ready(package_root: str, extra: tuple[str, ...] = ()) -> _Zygote:
    """This process's live zygote, started (preloading ``extra`` too) when there is none or it died
    (call with `_lock` held)."""
    global _current
    if _current is None or not _current.alive():
        _replace(None)
        _current = _Zygote.start(package_root, extra)
    return _current


def _refuse(exc: Exception) -> None:
    global _refused
    _refused = str(exc) if isinstance(exc, _Refused) else f"{type(exc).__name__}: {exc}"
    _replace(None)


def refused() -> str | None:
    """Why this process no longer forks workers from a zygote, or None."""
    return _refused


def stop() -> None:
    """Stop this process's zygote, if any (the next `start_worker` starts a new one)."""
    with _lock:
        _replace(None)


def _replace(new: _Zygote | None) -> None:
    global _current
    old, _current = _current, new
    if old is not None:
        old.close()


# A forked child gets a zygote of its own without starting one: before the fork, the parent's zygote
# forks a copy of itself on a new socket pair (`_before_fork`); the child keeps that socket and drops
# the parent's, the parent closes its end of the new pair (`_after_fork_in_child`, `_in_parent`).  No
# two processes ever talk to one zygote, and a copy ends when its child's socket hangs up.  Where
# anything fails, the child has no zygote and starts its own on first use, as before.
# (``subprocess`` does not run these hooks: only ``os.fork`` and what uses it, such as multiprocessing.)


def _before_fork() -> None:
    _forking.held = _forking.copy = None
    zygote = _current
    if zygote is None or zygote.owner != os.getpid() or not _usable():
        return
    if not _lock.acquire(timeout=COPY_TIMEOUT):  # another thread is busy with the zygote for long
        return
    _forking.held = True  # until the fork is done: no other thread uses the zygote meanwhile
    try:
        if _current is zygote and zygote.alive():
            _forking.copy = zygote.copy_for_child()
    except _Gone:
        _replace(None)  # it died: the parent and the child each start a new one on first use
    except Exception:
        pass  # the child starts its own zygote, as without a copy


def _after_fork_in_parent() -> None:
    copy, _forking.copy = getattr(_forking, "copy", None), None
    if copy is not None:
        copy[0].close()  # the child's end now
    if getattr(_forking, "held", None):
        _forking.held = None
        _lock.release()


def _after_fork_in_child() -> None:
    """The parent's socket is the parent's alone: drop it, and adopt the copy made for this child."""
    global _lock, _current
    _lock = threading.Lock()
    if _current is not None:
        _current.detach()
    _current = None
    copy, _forking.copy, _forking.held = getattr(_forking, "copy", None), None, None
    if copy is not None:
        _current = _Zygote.adopt(copy)


os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child)
atexit.register(stop)  # the zygote would end anyway when the socket closes; this also reaps it


# -------------------------------------------------------------------------------- the zygote's side


def serve(fd: int, options: dict[str, Any] | None = None) -> int:
    """The zygote's loop on socket `fd`: preload, report ready, then fork one worker per request
    (or, for ``{"op": "copy"}``, a copy of itself that serves the socket the request brings).
    ``options``: ``extra``, more modules to preload, and ``tmp``, where they may write a cache."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the helpers
    sock = socket.socket(fileno=fd)
    parent = os.getppid()
    # No PR_SET_PDEATHSIG here: it fires when the *thread* that started the zygote ends, which would
    # kill it under a verifier that starts workers from a thread pool.  The zygote ends instead when
    # its socket hangs up, which the verifier's end does when the verifier exits in any way (no other
    # process holds that end: it is close-on-exec and closed in forked children).
    options = options or {}
    error = _preload()
    if error is None:
        _preload_extra([str(m) for m in options.get("extra") or ()], str(options.get("tmp") or ""))
    if error is None and os.getppid() != parent:
        return 0
    if error is None and _threads() != 1:
        error = f"the zygote has {_threads()} threads; forking needs one"
    sock.send(json.dumps({"ready": True} if error is None else {"error": error}).encode())
    if error is not None:
        return 1
    gc.freeze()  # what is loaded now stays shared with every worker
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 8)
        except OSError:
            return 0
        if not msg:
            return 0
        try:
            req = json.loads(msg)
            if type(req) is dict and req.get("op") == "copy":
                reply, copy = _copy(fds)
                if copy is not None:  # in the copy: serve the new owner's socket, and only it
                    sock.close()
                    sock = copy
                    continue
            else:
                reply = _fork(req, fds, sock)
        except Exception as exc:  # a malformed request: answer, and serve on
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        for received in fds:
            os.close(received)
        sock.send(json.dumps(reply).encode())


def _copy(fds: list[int]) -> tuple[dict[str, Any], socket.socket | None]:
    """Fork a copy of this zygote for an owner's forked child, to serve the socket received in `fds`:
    in the zygote, the reply ({"copy": pid}) and None; in the copy, None's place is that socket.

    The copy is forked between two requests, so it holds nothing of its owner's earlier requests
    (the descriptors a request brings are closed before the next one), only what the zygote
    preloaded; it never talks on the zygote's socket, and ends when its own socket hangs up."""
    if len(fds) != 1:
        return {"error": "malformed request"}, None
    pid = os.fork()
    if pid == 0:
        try:
            copy = socket.socket(fileno=fds[0])
            fds.clear()  # the copy's socket now, not a received descriptor to close
            return {}, copy
        except BaseException:  # noqa: B036 - the copy must never answer on the zygote's socket
            os._exit(70)
    return {"copy": pid}, None


def _preload() -> str | None:
    """Import what every worker imports (and what candidates commonly import); None, or the failure."""
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            if name == "numpy":
                return "numpy cannot be imported"
    return None


def _preload_extra(names: list[str], tmp: str) -> None:
    """Import ``names`` where they can be (a failure only means that a worker imports it itself),
    with matplotlib's config folder in a temporary folder under ``tmp`` that is removed afterwards:
    the zygote's own folder is ``/``, and nothing is left behind.  A worker forked later keeps the
    font list built here; its matplotlib reads its config folder as this removed one."""
    if not names or not tmp:
        return
    try:
        folder = tempfile.mkdtemp(prefix="verifier-zygote-", dir=tmp)
    except OSError:
        return
    saved = os.environ.get("MPLCONFIGDIR")
    os.environ["MPLCONFIGDIR"] = folder
    try:
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:
                continue
    finally:
        if saved is None:
            os.environ.pop("MPLCONFIGDIR", None)
        else:
            os.environ["MPLCONFIGDIR"] = saved
        shutil.rmtree(folder, ignore_errors=True)


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _fork(req: dict[str, Any], fds: list[int], sock: socket.socket) -> dict[str, Any]:
    """Fork a helper for one worker and wait until it has forked the worker (or failed)."""
    if len(fds) != 5 or type(req) is not dict:
        return {"error": "malformed request"}
    report_r, report_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(report_r)
            os.close(sock.detach())
            _helper(req, fds, report_w)
        except BaseException as exc:  # noqa: B036 - the helper must never return into the zygote
            _say(report_w, f"error {type(exc).__name__}: {exc}")
        finally:
            os._exit(70)
    os.close(report_w)
    line = _read_line(report_r, FORK_TIMEOUT)
    os.close(report_r)
    if line == "ok":
        return {"pid": pid}
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return {"error": line or "the helper ended before it forked the worker"}


def _say(fd: int, line: str) -> None:
    try:
        os.write(fd, (line.replace("\n", " ") + "\n").encode())
    except OSError:
        pass


def _read_line(fd: int, timeout: float) -> str:
    data = b""
    while b"\n" not in data and select.select([fd], [], [], timeout)[0]:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0].decode("utf-8", "replace")


def _helper(req: dict[str, Any], fds: list[int], report: int) -> None:
    """In the helper: become the worker's session, enter its namespaces, fork it, report its end."""
    requests, replies, status, stderr, hold = fds
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _arrange_fds(stderr, keep=(requests, replies, status, hold, report), inheritable=(requests, replies, status))
    os.chdir(str(req["workdir"]))
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in dict(req["env"]).items()})
    mode = req.get("namespaces")
    if mode is not None:
        confine.enter_namespaces(str(mode))
    pid = os.fork()
    if pid == 0:
        _run_worker(req, (requests, replies, status), close=(hold, report))
    for fd in (requests, replies, status):
        os.close(fd)
    _say(report, "ok")
    os.close(report)
    code = _wait(pid)
    with socket.socket(fileno=hold) as channel:
        try:
            channel.sendall(f"{code}\n".encode())
            while channel.recv(64):  # until the verifier lets go: this pid stays the group's
                pass
        except OSError:
            pass
    os._exit(0)


def _arrange_fds(stderr: int, keep: tuple[int, ...], inheritable: tuple[int, ...]) -> None:
    """Standard input and output on /dev/null, standard error on `stderr`, nothing else but `keep`."""
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.dup2(stderr, 2)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    for fd in inheritable:
        os.set_inheritable(fd, True)


def _wait(pid: int) -> int:
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status)
        except InterruptedError:
            continue
        except ChildProcessError:
            return -signal.SIGKILL


def _run_worker(req: dict[str, Any], fds: tuple[int, int, int], close: tuple[int, ...]) -> None:
    """In the worker: what ``python -s -m verifier.sandbox.worker`` would do, then exit (never returns)."""
    code = 1
    try:
        for fd in close:
            os.close(fd)
        confine.die_with_parent()
        _fresh_interpreter_state(str(req["workdir"]))
        config = dict(req["config"])
        if config.get("status_fd") is not None:
            config["status_fd"] = fds[2]
        code = worker.main([str(fds[0]), str(fds[1]), json.dumps(config)])
    except SystemExit as exc:
        code = exc.code if type(exc.code) is int else (0 if exc.code is None else 1)
    except BaseException:  # noqa: B036 - as an interpreter would: the traceback on stderr, status 1
        import traceback

        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _fresh_interpreter_state(workdir: str) -> None:
    """What differs between a forked worker and a new interpreter started in `workdir`."""
    if sys.path:
        sys.path[0] = workdir  # ``python -m`` puts the working directory first
    sys.modules["__main__"] = worker
    tempfile = sys.modules.get("tempfile")
    if tempfile is not None:
        setattr(tempfile, "tempdir", None)  # noqa: B010 - $TMPDIR is the worker's directory now
    legacy = sys.modules.get("numpy.random")
    if legacy is not None:
        legacy.seed()  # the zygote's state would repeat in every worker (``random`` reseeds itself)


if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1]), json.loads(sys.argv[2]) if len(sys.argv) > 2 else None))
