"""``Worker``: untrusted candidate code in a confined process of its own, called over a private pipe.

`Worker` imports an untrusted source (``.py``, ``.ipynb``, or ``module:attr``) in a separate process
and calls its functions; `InProcessExecutor` calls trusted Python callables directly with the same
judging (strict output conversion, mutation check, captured output and warnings).  Both return
frozen `LoadOutcome` / `CallOutcome` values: nothing a candidate does raises in the verifier.

Each call of a `Worker` is one request on a private pipe (`verifier.sandbox.wire`, never pickle);
`Worker.call_many` makes many calls of one function in one request, with one reply per call.  A call
that passes its timeout gets SIGKILL on the worker's whole process group, its PID namespace and its
cgroups, whichever the system has (`verifier.sandbox.isolation`); the next call starts a fresh worker and loads
the source again.  The worker runs in an empty temporary directory that holds a copy of the source,
with a scrubbed environment, the resource limits of `Limits`, and where the system allows, no
network, a private read-only root file system, the user ``nobody`` and a memory limit for its whole
process tree (`verifier.sandbox.confine`).  Workers are forked by this process's zygote
(`verifier.sandbox.zygote`), which has numpy imported already, with the same layers; where it cannot
be used, each worker is a new interpreter started through ``unshare``.

Example::

    with open_executor("submissions/alice.ipynb") as ex:
        if ex.load().ok and ex.has_function("sigmoid"):
            out = ex.call("sigmoid", np.linspace(-5, 5, 11))
            out.status, out.value
            outs = ex.call_many("sigmoid", [((z,), {}) for z in (-1.0, 0.0, 1.0)])
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO

from verifier.sandbox import isolation, wire, zygote
from verifier.sandbox.loader import is_module_spec, split_spec
from verifier.sandbox.outcomes import (
    CallOutcome,
    CandidateError,
    Limits,
    LoadOutcome,
    _call_outcome,
    _calls,
    _error,
    _failed_call,
    _not_run,
    _skipped,
    _warnings,
    describe_exit_status,
    describe_memory_kill,
)
from verifier.sandbox.staging import StagingError, stage

# Within a batch, when the next reply is not there yet, the verifier first sleeps this long: the
# worker's replies meanwhile wait in the pipe without waking the verifier for each one (on a busy
# machine every wake-up also preempts the worker), and one read then takes them all.  The sleep
# counts towards the call's time limit; the last call of a batch is awaited without it.
_LINGER = 0.002

_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# ------------------------------------------------------------------------------------------- worker


class _Died(Exception):
    def __init__(self, status: str, error: CandidateError):
        super().__init__(str(error))
        self.status, self.error = status, error


class _TimedOut(Exception):
    pass


def _parameter_text(param: list[Any]) -> str:
    name, kind = str(param[0]), str(param[1])
    return {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(kind, "") + name


def _death(returncode: int | None, when: str) -> _Died:
    """How the worker process ended, as the exception that carries its call status and error."""
    status, error = describe_exit_status(returncode, when)
    return _Died(status, error)


class Worker:
    """An untrusted source loaded in its own process.

    - `source`: a path to a ``.py`` or ``.ipynb`` file, optionally ``"path::name"`` (the name is kept
      as `function_name`), or an importable ``"module"`` / ``"module:attr"`` spec.
    - `call_timeout`, `load_timeout`: wall-clock seconds before the worker is killed.
    - `limits`: resource limits of the worker process.
    - `root`: the student's folder when `source` is one file of a folder submission (the folder's
      regular files are copied beside it, verifier/sandbox/staging.py); `support`: the course's
      files copied next to it; `preamble`: code run before the source (``import numpy as np``).
    A Worker is a context manager; `close` kills the process and removes its directory.
    """

    def __init__(
        self,
        source: str | os.PathLike[str],
        *,
        call_timeout: float = 5.0,
        load_timeout: float = 60.0,
        limits: Limits = Limits(),
        root: str | os.PathLike[str] | None = None,
        support: Sequence[str | os.PathLike[str]] = (),
        preamble: str = "",
    ):
        if not isinstance(source, (str, os.PathLike)):
            raise TypeError(f"source={source!r}: pass a path, 'path::name' or 'module:attr' string")
        for name, value in (("call_timeout", call_timeout), ("load_timeout", load_timeout)):
            if not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f"{name}={value!r}: pass a positive number of seconds")
        if not isinstance(limits, Limits):
            raise TypeError(f"limits={limits!r}: pass a verifier.sandbox.Limits")
        text, self.function_name = split_spec(os.fspath(source))
        self.source = text if is_module_spec(text) else os.path.abspath(text)
        self.call_timeout = float(call_timeout)
        self.load_timeout = float(load_timeout)
        self.limits = limits
        self.root = os.path.abspath(root) if root is not None else None
        self.support = tuple(os.path.abspath(p) for p in support)
        self.preamble = str(preamble or "")
        self.notes: tuple[str, ...] = ()  # what staging did not copy as it was
        self.starts = 0  # processes started so far
        self._proc: subprocess.Popen[bytes] | zygote.Forked | None = None
        self._requests: Any = None
        self._replies: Any = None
        self._reader: wire.FrameReader | None = None  # the replies, read in chunks
        self._tmp: str | None = None
        self._copy: str | None = None
        self._load: LoadOutcome | None = None
        self._status: Any = None  # the PID namespace's init reports the worker's wait status here
        self._cgroup: isolation.PidsCgroup | None = None
        self._memory: isolation.MemoryCgroup | None = None
        self.isolation: tuple[str, ...] = ()  # the layers the last worker reported

    # -- public interface

    def load(self) -> LoadOutcome:
        """Import the source in a worker (once; later calls return the first outcome)."""
        if self._load is None:
            self._load = self._start_and_load()
        return self._load

    def call(self, name: str, *args: Any, **kwargs: Any) -> CallOutcome:
        """Call function `name` of the source with wire values; never raises for what the candidate does.

        Arguments that cannot cross the wire raise wire.WireError (a bug in the caller).
        """
        return self.call_many(name, [(args, kwargs)])[0]

    def call_many(
        self, name: str, calls: Iterable[tuple[tuple[Any, ...], dict[str, Any]]], timeout: float | None = None
    ) -> list[CallOutcome]:
        """Call function `name` once per ``(args, kwargs)`` pair of `calls`, in order, in one request;
        one CallOutcome per pair, each judged as `call` judges a call (arguments copied, mutation,
        printed output, warnings, the CPU limit, output conversion).

        - `timeout`: wall-clock seconds for each call (default `call_timeout`), each reply awaited on
          its own.
        A call that times out or ends the worker stops the batch: it gets its "timeout", "killed" or
        "exited" outcome ("killed" with a MemoryLimit error too when the kernel killed any process of
        the worker's tree for passing `Limits.memory`), the worker is stopped (the next call starts a
        fresh one), and the calls after it are not made: status "not-run".  Arguments that cannot cross
        the wire raise wire.WireError before anything is sent; a malformed pair raises TypeError.
        """
        items = _calls(calls)
        limit = self.call_timeout if timeout is None else _seconds("timeout", timeout)
        requests = _batches(items, lambda part: self._batch_body(str(name), part))
        if not items:
            return []
        failed = self._ensure_loaded()
        if failed is not None:
            return [failed] * len(items)
        outcomes: list[CallOutcome] = []
        for body, count in requests:
            done = self._run_batch(body, count, limit)
            outcomes.extend(done)
            if len(done) < count:  # the last one stopped the worker
                stopper = len(outcomes) - 1
                outcomes.extend(_not_run(stopper, outcomes[stopper]) for _ in range(len(items) - len(outcomes)))
                break
        return outcomes

    def has_function(self, name: str) -> bool:
        """Whether the loaded source defines a callable `name` (False when it did not load)."""
        return bool(self._query({"op": "has", "name": str(name)}, False))

    def parameters(self, name: str) -> tuple[str, ...] | None:
        """The parameter names of function `name` (``*args`` as ``*args``), or None when unknown."""
        params = self._query({"op": "parameters", "name": str(name)}, None)
        if not isinstance(params, list):
            return None
        return tuple(_parameter_text(p) for p in params if isinstance(p, list) and len(p) == 2)

    def functions(self) -> tuple[str, ...]:
        """Names of the public callables the source defines itself, sorted."""
        names = self._query({"op": "functions"}, [])
        return tuple(n for n in names if type(n) is str)

    def close(self) -> None:
        """Stop the worker process and remove its directory.  Safe to call twice."""
        self._stop()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self._stop()
        except Exception:
            pass

    def __repr__(self) -> str:
        return f"Worker({self.source!r}, call_timeout={self.call_timeout:g})"

    # -- process management

    def _query(self, msg: dict[str, Any], default: Any) -> Any:
        if self._ensure_loaded() is not None:
            return default
        try:
            return self._request(wire.encode(msg), self.call_timeout).get("value", default)
        except (_TimedOut, _Died):
            return default

    def _batch_body(self, name: str, items: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> bytes:
        args = [list(a) for a, _ in items]
        kwargs = [kw or None for _, kw in items]  # None for no keyword argument: one node, not a dict
        request = {"op": "call_many", "name": name, "args": args, "kwargs": kwargs}
        return wire.encode({**request, "cpu_seconds": self.limits.cpu_seconds})

    def _run_batch(self, body: bytes, count: int, timeout: float) -> list[CallOutcome]:
        """Send one ``call_many`` request and read its `count` replies; a call that stops the worker
        ends the list with its outcome."""
        outcomes: list[CallOutcome] = []
        start = time.perf_counter()
        try:
            self._send(body)
            for index in range(count):
                start = time.perf_counter()
                linger = _LINGER if index < count - 1 else 0.0
                outcomes.append(self._call_reply(self._receive(timeout, linger), index))
        except _TimedOut:
            error = CandidateError("Timeout", f"did not return within {timeout:g} s")
            outcomes.append(_failed_call("timeout", error, time.perf_counter() - start))
        except _Died as died:
            outcomes.append(_failed_call(died.status, died.error, time.perf_counter() - start))
        return outcomes

    def _call_reply(self, reply: dict[str, Any], index: int) -> CallOutcome:
        """The outcome a reply describes; a reply out of order, of no known status or with fields of
        the wrong types (a forged one) broke the channel."""
        try:
            if reply.get("index") == index:
                return _call_outcome(reply)
        except (wire.WireError, TypeError, ValueError, AttributeError):
            pass
        raise self._died()

    def _ensure_loaded(self) -> CallOutcome | None:
        """Have a live worker with the source loaded; else the CallOutcome that stands for the failure."""
        if self._load is not None and not self._load.ok:
            return _failed_call(self._load.status, self._load.error, 0.0, self._load.stdout)
        if self._proc is not None:
            return None
        # First use, or the worker was killed or died during an earlier call: start afresh.
        outcome = self._start_and_load()
        if self._load is None:
            self._load = outcome
        if outcome.ok:
            return None
        return _failed_call(outcome.status, outcome.error, 0.0, outcome.stdout)

    def _start_and_load(self) -> LoadOutcome:
        self._stop()
        start = time.perf_counter()
        try:
            self._spawn()
            reply = self._request(
                wire.encode(
                    {
                        "op": "load",
                        "source": self._copy or self.source,
                        "output_cap": self.limits.output_bytes,
                        "limits": {
                            "address_space": self.limits.address_space,
                            "open_files": self.limits.open_files,
                            "file_size": self.limits.file_size,
                            "processes": self.limits.processes,
                        },
                        "isolation_requested": isolation.requested(),
                        "preamble": self.preamble,
                    }
                ),
                self.load_timeout,
            )
        except _TimedOut:
            return LoadOutcome(
                False,
                CandidateError("Timeout", f"loading did not finish within {self.load_timeout:g} s"),
                "",
                time.perf_counter() - start,
                status="timeout",
            )
        except _Died as died:
            return LoadOutcome(False, died.error, "", time.perf_counter() - start, status=died.status)
        except StagingError as exc:
            self._stop()
            return LoadOutcome(
                False,
                CandidateError("SubmissionError", str(exc)),
                "",
                time.perf_counter() - start,
                status="raised",
                notes=self.notes,
            )
        layers = reply.get("isolation")
        if type(layers) is list and all(type(x) is str for x in layers):
            self.isolation = tuple(layers)
            _note_layers(self.isolation)
        error = _error(reply.get("error"))
        ok = bool(reply.get("ok")) and error is None
        status = "ok" if ok else ("exited" if error is not None and error.type == "SystemExit" else "raised")
        if not ok:
            self._stop()
        return LoadOutcome(
            ok,
            error,
            str(reply.get("stdout", "")),
            float(reply.get("elapsed", 0.0)),
            _warnings(reply.get("warnings")),
            status,
            self.isolation,
            _skipped(reply.get("skipped")),
            self.notes,
        )

    def _spawn(self) -> None:
        # TMP/work: the worker's directory (the only writable place it sees); TMP/root: where its
        # private root is built; TMP/.worker-stderr: the worker's own stderr, out of its sight.
        self._tmp = tmp = tempfile.mkdtemp(prefix="verifier-worker-")
        workdir = os.path.join(tmp, "work")
        os.mkdir(workdir)
        os.mkdir(os.path.join(tmp, "root"))
        self._copy = None
        if not is_module_spec(self.source) and os.path.isfile(self.source):
            # The candidate sees a copy of its own submission and nothing else of the submissions folder.
            staged = stage(self.source, workdir, self.root, self.support)
            self._copy, self.notes = staged.main, staged.notes
        ids = isolation.unprivileged_ids()
        if ids is not None:
            os.chmod(tmp, 0o711)
            os.chown(workdir, *ids)
        self._cgroup = isolation.PidsCgroup.create(self.limits.processes)
        self._memory = isolation.MemoryCgroup.create(self.limits.memory, self._cgroup)
        env = isolation.worker_environment(workdir, _PACKAGE_ROOT)
        with open(os.path.join(tmp, ".worker-stderr"), "wb") as stderr:
            if not self._start(workdir, env, stderr, forked=True):
                self._start(workdir, env, stderr, forked=False)
        self.starts += 1

    def _start(self, workdir: str, env: dict[str, str], stderr: BinaryIO, forked: bool) -> bool:
        """Start the worker on fresh pipes: forked by the zygote, or as a new interpreter through
        ``unshare``; False when the zygote did not give one (its pipes are closed again)."""
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        st_r, st_w = os.pipe()
        root = os.path.join(os.path.dirname(workdir), "root")
        config = isolation.worker_config(workdir, root, st_w, self._cgroup, self._memory)
        proc: subprocess.Popen[bytes] | zygote.Forked | None = None
        try:
            if forked:
                spec = zygote.WorkerSpec(workdir, env, config, req_r, rep_w, st_w, stderr.fileno())
                proc = zygote.start_worker(spec, isolation.namespace_mode(), _PACKAGE_ROOT)
            else:
                proc = _popen(config, env, workdir, stderr, (req_r, rep_w, st_w))
        finally:
            for fd in (req_r, rep_w, st_w):
                os.close(fd)
            if proc is None:
                for fd in (req_w, rep_r, st_r):
                    os.close(fd)
        if proc is None:
            return False
        self._proc = proc
        self._requests = open(req_w, "wb", buffering=0)
        self._replies = open(rep_r, "rb", buffering=0)
        self._reader = wire.FrameReader(rep_r, wire.MAX_REPLY_BYTES)
        self._status = open(st_r, "rb", buffering=0)
        return True

    def _send(self, body: bytes) -> None:
        """Send one request; _Died leaves the worker stopped."""
        try:
            wire.send_body(self._requests, body)
        except (wire.WireError, OSError):  # closed or broken pipe
            raise self._died() from None

    def _receive(self, timeout: float, linger: float = 0.0) -> dict[str, Any]:
        """Wait for one reply; _TimedOut / _Died leave the worker stopped.

        Replies are read in chunks (every reply that has arrived, in one read), and the worker's
        memory cgroup is looked at after every read: a reply counts only when no process of the tree
        had been killed for memory once it was read; else the call it answers is "killed"."""
        reader = self._reader
        if reader is None:
            raise self._died()
        deadline = time.monotonic() + timeout
        try:
            body = reader.frame()
            if body is None and linger > 0:
                time.sleep(min(linger, timeout / 10))  # let the next replies come too: one read for all
            while body is None:
                reader.fill(deadline)
                memory = self._memory_kill()
                if memory is not None:  # the reply may have come, but the tree passed its limit on the way
                    self._stop()
                    raise memory
                body = reader.frame()
            reply = wire.decode(body)
        except wire.WireTimeout:
            memory = self._memory_kill()  # a process of the tree killed for memory: the cause
            self._stop()
            raise (memory or _TimedOut()) from None
        except (wire.WireError, OSError):  # closed, broken pipe, or garbage on the channel
            raise self._died() from None
        if type(reply) is not dict:
            raise self._died() from None
        return reply

    def _memory_kill(self) -> _Died | None:
        """A "killed" MemoryLimit outcome when the kernel's out-of-memory killer acted in the worker's
        memory cgroup: on the worker or on any process it started (cgroup v1 kills one process, and the
        worker may outlive it; cgroup v2 kills the whole tree, memory.oom.group).  Each worker gets a
        fresh cgroup, so any kill there happened in this worker's lifetime."""
        memory = self._memory
        if memory is None or not memory.oom_killed():
            return None
        when = "during the call" if self._load is not None else "while loading"
        return _Died(*describe_memory_kill(memory.limit, when))

    def _request(self, body: bytes, timeout: float) -> dict[str, Any]:
        """Send one request and wait for its reply; _TimedOut / _Died leave the worker stopped."""
        self._send(body)
        return self._receive(timeout)

    def _worker_status(self, timeout: float) -> int | None:
        """The wait status the PID namespace's init reported for the worker (as a returncode), or None."""
        if self._status is None:
            return None
        try:
            if not select.select([self._status], [], [], timeout)[0]:
                return None
            text = self._status.read(64)
            return int(text.decode().strip()) if text and text.strip() else None
        except (OSError, ValueError):
            return None

    def _died(self) -> _Died:
        proc = self._proc
        returncode = self._worker_status(1.0)
        if proc is not None and returncode is None:
            try:
                returncode = proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                returncode = None
        when = "during the call" if self._load is not None else "while loading"
        died = self._memory_kill() or _death(returncode, when)
        if returncode is not None and returncode > 0 and self._load is None:
            tail = self._stderr_tail()
            if tail:
                died = _Died(died.status, CandidateError(died.error.type, died.error.message, tail))
        self._stop()
        return died

    def _stderr_tail(self) -> str:
        try:
            with open(os.path.join(self._tmp or "", ".worker-stderr"), "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(f.tell() - 4000, 0))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:  # the whole session: the worker and anything the candidate started
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if isinstance(proc, zygote.Forked):
                proc.release()
        cgroups = (self._memory, self._cgroup)  # memory first: in cgroup v2 it may share the pids one
        self._cgroup = self._memory = None
        for cgroup in cgroups:
            if cgroup is not None:  # whatever left the process group: setsid, double fork
                cgroup.remove()
        for f in (self._requests, self._replies, self._status):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass
        self._requests = self._replies = self._status = None
        self._reader = None
        tmp, self._tmp = self._tmp, None
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _popen(
    config: dict[str, Any], env: dict[str, str], workdir: str, stderr: BinaryIO, fds: tuple[int, int, int]
) -> subprocess.Popen[bytes]:
    """The worker as a new interpreter, through the namespace launcher where there is one."""
    argv = isolation.worker_command(
        [sys.executable, "-s", "-m", "verifier.sandbox.worker", str(fds[0]), str(fds[1]), json.dumps(config)]
    )
    return subprocess.Popen(
        argv,
        pass_fds=fds,
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        start_new_session=True,
        close_fds=True,
    )


def _seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not (isinstance(value, (int, float)) and value > 0):
        raise ValueError(f"{name}={value!r}: pass a positive number of seconds")
    return float(value)


_Items = list[tuple[tuple[Any, ...], dict[str, Any]]]


def _batches(items: _Items, encode: Callable[[_Items], bytes]) -> list[tuple[bytes, int]]:
    """``call_many`` request bodies for `items` with their number of calls: one request, split in
    halves while a body is larger than a worker accepts (wire.MAX_REPLY_BYTES)."""
    if not items:
        return []
    body = encode(items)
    if len(body) <= wire.MAX_REPLY_BYTES or len(items) == 1:
        return [(body, len(items))]
    half = len(items) // 2
    return _batches(items[:half], encode) + _batches(items[half:], encode)


_last_layers: tuple[str, ...] | None = None


def _note_layers(layers: tuple[str, ...]) -> None:
    global _last_layers
    _last_layers = tuple(layers)


def active_layers(refresh: bool = False) -> list[str]:
    """The isolation layers the workers of this process get: those the last worker reported, or
    those of a probe worker started now (`refresh` forces the probe)."""
    if _last_layers is None or refresh:
        with Worker("math", load_timeout=30) as probe:
            probe.load()
    return list(_last_layers or ())
