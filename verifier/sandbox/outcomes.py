"""Results of loading and calling candidate code, and the resource limits of a worker.

Frozen, plain data: `verifier.sandbox` builds them from the worker's replies, and the checking
engine reads them.  `STATUSES` lists every call status.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from verifier.sandbox import wire

__all__ = [
    "signal_name",
    "SkippedStatement",
    "STATUSES",
    "CallOutcome",
    "CandidateError",
    "CapturedWarning",
    "Limits",
    "LoadOutcome",
]

STATUSES = ("ok", "raised", "timeout", "exited", "bad-output", "killed", "not-run")


@dataclass(frozen=True)
class Limits:
    """Resource limits of a worker process; None turns a limit off.

    - `address_space`: bytes of virtual memory (RLIMIT_AS).  A large allocation then fails with
      MemoryError inside the candidate (status "raised") instead of exhausting the machine; only a
      process killed outright (SIGKILL from the system's OOM killer) is "killed".  Default 2 GiB.
    - `cpu_seconds`: CPU seconds per call (RLIMIT_CPU, moved forward before each call).  A backstop
      behind the wall-clock timeout, for threads and for a worker whose verifier went away.
    - `open_files`: open file descriptors (RLIMIT_NOFILE).
    - `file_size`: bytes in any one file the candidate writes (RLIMIT_FSIZE).  Python ignores
      SIGXFSZ, so a write past it raises OSError (EFBIG, "File too large") in the candidate: status
      "raised".  Pipes and /dev/null are not files, so printing is not affected.
    - `processes`: processes and threads of one worker, all its descendants included: the
      ``pids.max`` of the worker's own cgroup where cgroups are writable (a fork past it fails with
      BlockingIOError, status "raised").  Without a cgroup, RLIMIT_NPROC when the worker runs as an
      unprivileged user (Linux counts that one per user, over every worker at once); root without a
      cgroup has no process limit.  Default 64.
    - `output_bytes`: characters of printed output kept per load or call; the rest is counted.
    - `memory`: bytes of memory (RAM, and no swap on top) for the worker's whole process tree, all
      its descendants together: the limit of the worker's own memory cgroup where one is writable
      (``memory.max`` in cgroup v2, ``memory.limit_in_bytes`` in v1).  Past it the kernel kills a
      process of the tree; the outcome is "killed" with a `CandidateError` of type "MemoryLimit".
      Where no memory cgroup is available only `address_space` applies, per process.  Default 2 GiB.
    """

    address_space: int | None = 2 << 30
    cpu_seconds: float | None = 60.0
    open_files: int | None = 256
    file_size: int | None = 16 << 20
    processes: int | None = 64
    output_bytes: int = 64 << 10
    memory: int | None = 2 << 30

    def __post_init__(self) -> None:
        for name in ("address_space", "memory", "cpu_seconds", "open_files", "file_size", "processes"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f"Limits({name}={value!r}): pass a positive number, or None for no limit")
        if not (isinstance(self.output_bytes, int) and self.output_bytes >= 0):
            raise ValueError(f"Limits(output_bytes={self.output_bytes!r}): pass a non-negative int")


@dataclass(frozen=True)
class CandidateError:
    """What went wrong in candidate code: exception type name, message, and its own traceback frames."""

    type: str
    message: str
    traceback: str = ""

    def __str__(self) -> str:
        return f"{self.type}: {self.message}"


@dataclass(frozen=True)
class CapturedWarning:
    """A warning raised during a load or call, e.g. RuntimeWarning 'overflow encountered in exp'."""

    category: str
    message: str
    filename: str = ""
    lineno: int = 0
    count: int = 1


@dataclass(frozen=True)
class LoadOutcome:
    """The result of importing a source: `ok`, or the `error`; what it printed; seconds taken."""

    ok: bool
    error: CandidateError | None
    stdout: str
    elapsed: float
    warnings: tuple[CapturedWarning, ...] = ()
    status: str = "ok"  # for a failed load, the call status it stands for: raised, exited, timeout, killed
    isolation: tuple[str, ...] = ()  # the isolation layers the worker had (verifier.isolation.LAYERS)
    skipped: tuple[SkippedStatement, ...] = ()  # top-level statements that failed and were skipped
    notes: tuple[str, ...] = ()  # files of the submission not read as they were (links, caps, support)


@dataclass(frozen=True)
class SkippedStatement:
    """A top-level statement of the submission that failed while loading and was skipped."""

    where: str
    statement: str
    error: str

    def __str__(self) -> str:
        return f"{self.where}: `{self.statement}` was skipped: {self.error}"


@dataclass(frozen=True)
class CallOutcome:
    """The result of one call.

    - `status`: "ok", "raised", "timeout", "exited" (sys.exit, os._exit, crash), "bad-output"
      (returned something that is not a plain number/array/container), "killed" (a resource limit),
      "not-run" (a call of a batch, `Worker.call_many`, after an earlier call of the same batch timed
      out or ended the worker; its `error` names that call and why, and the call was never made).
    - `value`: the returned wire value when status is "ok", else None.
    - `error`: a CandidateError unless status is "ok".
    - `stdout`: what the call printed to stdout and stderr, interleaved, capped.
    - `warnings`: CapturedWarning records.
    - `mutated`: positions (int) and keyword names (str) of arguments the call changed in place.
    - `elapsed`: seconds inside the candidate's function (wall time to the kill for a timeout).
    """

    status: str
    value: Any
    error: CandidateError | None
    stdout: str
    warnings: tuple[CapturedWarning, ...]
    mutated: tuple[int | str, ...]
    elapsed: float

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _error(data: Any) -> CandidateError | None:
    if type(data) is not dict:
        return None
    return CandidateError(str(data.get("type", "")), str(data.get("message", "")), str(data.get("traceback", "")))


def _warnings(data: Any) -> tuple[CapturedWarning, ...]:
    out = []
    for w in data or ():
        if type(w) is dict:
            out.append(
                CapturedWarning(
                    str(w.get("category", "")),
                    str(w.get("message", "")),
                    str(w.get("filename", "")),
                    int(w.get("lineno", 0) or 0),
                    int(w.get("count", 1) or 1),
                )
            )
    return tuple(out)


def _skipped(data: Any) -> tuple[SkippedStatement, ...]:
    out = []
    for s in data or ():
        if type(s) is dict:
            out.append(SkippedStatement(str(s.get("where", "")), str(s.get("statement", "")), str(s.get("error", ""))))
    return tuple(out)


def _call_outcome(reply: dict[str, Any]) -> CallOutcome:
    """The outcome a call's reply describes; a field left out (the worker's `compact`) is its default."""
    status = reply.get("status")
    if status not in STATUSES:
        raise wire.WireError(f"reply with unknown status {status!r}")
    error, warned, mutated = reply.get("error"), reply.get("warnings"), reply.get("mutated")
    return CallOutcome(
        status=status,
        value=reply.get("value") if status == "ok" else None,
        error=_error(error) if error is not None else None,
        stdout=str(reply.get("stdout", "")),
        warnings=_warnings(warned) if warned else (),
        mutated=tuple(m for m in mutated if type(m) in (int, str)) if mutated else (),
        elapsed=float(reply.get("elapsed", 0.0)),
    )


def _failed_call(status: str, error: CandidateError | None, elapsed: float = 0.0, stdout: str = "") -> CallOutcome:
    return CallOutcome(status, None, error, stdout, (), (), elapsed)


def _calls(calls: Iterable[Any]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The ``(args, kwargs)`` pairs of a batch, checked: args a tuple or list, kwargs a str-keyed dict."""
    items = []
    for i, item in enumerate(calls):
        pair = tuple(item) if isinstance(item, (tuple, list)) else ()
        if (
            len(pair) != 2
            or not isinstance(pair[0], (tuple, list))
            or not isinstance(pair[1], Mapping)
            or not all(type(k) is str for k in pair[1])
        ):
            raise TypeError(f"calls[{i}]={item!r}: pass an (args, kwargs) pair, e.g. ((x,), {{}})")
        items.append((tuple(pair[0]), dict(pair[1])))
    return items


def _not_run(index: int, stopper: CallOutcome) -> CallOutcome:
    """The outcome of a batched call left out because call `index` of its batch ended the worker."""
    why = f"{stopper.status}: {stopper.error}" if stopper.error is not None else stopper.status
    return _failed_call("not-run", CandidateError("NotRun", f"not run: call [{index}] of the batch stopped it ({why})"))


def describe_memory_kill(limit: int | None, when: str) -> tuple[str, CandidateError]:
    """(call status, error) for a worker killed by the kernel for passing its memory cgroup's limit."""
    amount = f"{limit / (1 << 20):g} MiB" if limit else "its limit"
    return "killed", CandidateError(
        "MemoryLimit",
        f"the process tree used more than its memory limit of {amount} {when} "
        "(SIGKILL from the kernel's out-of-memory killer)",
    )


def signal_name(number: int) -> str:
    """``SIGKILL`` for 9, ``signal 64`` for a number with no name."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def describe_exit_status(returncode: int | None, when: str) -> tuple[str, CandidateError]:
    """(call status, error) for a worker process that ended with ``returncode`` (None: the channel broke)."""
    if returncode is None:
        return "exited", CandidateError("BrokenChannel", f"broke the worker's reply channel {when}")
    if returncode >= 0:
        return "exited", CandidateError("ProcessExit", f"the process exited with code {returncode} {when}")
    sig = -returncode
    name = signal_name(sig)
    if sig == signal.SIGXCPU:
        return "killed", CandidateError("CPULimit", f"exceeded the CPU time limit {when} ({name})")
    if sig == signal.SIGXFSZ:
        return "killed", CandidateError("FileSizeLimit", f"wrote a file larger than the limit {when} ({name})")
    if sig == signal.SIGKILL:
        return "killed", CandidateError(
            "Killed", f"the process was killed by {name} {when} (often the system running out of memory)"
        )
    return "exited", CandidateError("Crash", f"the process died from {name} {when}")
