"""The worker process that imports and calls candidate code.

Started by `verifier.sandbox.Worker` as ``python -m verifier.sandbox.worker FD_IN FD_OUT``: requests arrive
on FD_IN and replies leave on FD_OUT, both private pipes, in the `verifier.sandbox.wire` format.  File
descriptors 1 and 2 point to /dev/null once the worker is running, and ``sys.stdout`` and
``sys.stderr`` are capped buffers while candidate code runs, so nothing the candidate prints can
reach the channel or fill a pipe.

Requests (dicts): ``{"op": "load", "source", "output_cap", "limits"}``, ``{"op": "call", "name",
"args", "kwargs", "cpu_seconds"}``, ``{"op": "call_many", "name", "args": [[...], ...], "kwargs":
[{...} or None, ...], "cpu_seconds"}``, ``{"op": "has", "name"}``, ``{"op": "functions"}``,
``{"op": "exit"}``.  Every request gets exactly one reply dict, except ``call_many``: one reply per
call, in order, each written to the pipe as soon as its call returns (never held back: a later call
that hangs or kills the worker must not take it along) and carrying its position as ``"index"``;
the verifier times each call on its own, and stops the batch by killing the worker.  A call's reply
leaves out the fields that hold their defaults (`compact`).  `run_call` is shared with the
in-process executor so both judge a call the same way.

`main` is the worker's entry point whether the worker was started as a new interpreter
(``python -m verifier.sandbox.worker``) or forked by the zygote (`verifier.sandbox.zygote`).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np  # before any candidate code, so the candidate cannot shadow it

from verifier.sandbox import wire
from verifier.sandbox.confine import confine
from verifier.sandbox.loader import LoadedSource, LoadError, format_traceback, prepare
from verifier.sandbox.units import explain_name_error

MAX_MESSAGE = 2000  # characters of an exception message kept
MAX_WARNINGS = 50  # distinct warnings kept per call


class CappedText:
    """A text stream that keeps the first `cap` characters written and counts the rest."""

    def __init__(self, cap: int):
        self.cap = cap
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def write(self, s: Any) -> int:
        if type(s) is not str:
            s = str(s)
        n = len(s)
        self.total += n
        room = self.cap - self.kept
        if room > 0:
            piece = s[:room]
            self.parts.append(piece)
            self.kept += len(piece)
        return n

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("captured output has no file descriptor")

    @property
    def encoding(self) -> str:
        return "utf-8"

    def getvalue(self) -> str:
        text = "".join(self.parts)
        if self.total > self.kept:
            text += f"\n[output truncated: {self.total} characters written, first {self.kept} kept]\n"
        return text


class Capture:
    """Redirect sys.stdout/sys.stderr to one CappedText and record warnings, for one block."""

    def __init__(self, cap: int):
        self.text = CappedText(cap)
        self.warnings: list[dict[str, Any]] = []

    def __enter__(self) -> Capture:
        self._saved = (sys.stdout, sys.stderr)
        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("always")
        warnings.showwarning = self._record
        sys.stdout = sys.stderr = self.text
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.stdout, sys.stderr = self._saved
        self._catch.__exit__(None, None, None)

    def _record(
        self, message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
    ) -> None:
        try:
            cat = category.__name__ if isinstance(category, type) else wire.type_name(category)
            text = _truncate(str(message), MAX_MESSAGE)
        except Exception:  # a warning object whose __str__ fails
            cat, text = "Warning", "<unprintable warning>"
        entry = {"category": cat, "message": text, "filename": str(filename), "lineno": int(lineno or 0)}
        for seen in self.warnings:
            if all(seen[k] == entry[k] for k in ("category", "message", "filename", "lineno")):
                seen["count"] += 1
                return
        if len(self.warnings) < MAX_WARNINGS:
            entry["count"] = 1
            self.warnings.append(entry)


def describe_exception(exc: BaseException, loaded: LoadedSource | None) -> dict[str, Any]:
    """Type name, truncated message and the candidate's own traceback frames, as plain data."""
    try:
        message = str(exc)
    except BaseException:
        message = "<exception message could not be printed>"
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next  # the worker's own frames
    if loaded is not None:
        message += explain_name_error(exc, loaded.run.failed_names)
    return {
        "type": _public_type_name(type(exc)),
        "message": _truncate(message, MAX_MESSAGE),
        "traceback": format_traceback(tb, loaded),
    }


def _public_type_name(cls: type) -> str:
    """numpy's private ``_ArrayMemoryError`` is reported as the MemoryError it is, and so on."""
    for klass in type.__dict__["__mro__"].__get__(cls, type):
        name = str(type.__dict__["__qualname__"].__get__(klass, type))
        module = type.__dict__["__module__"].__get__(klass, type)
        if not (name.startswith("_") and isinstance(module, str) and module.startswith("numpy")):
            return name
    return str(type.__dict__["__qualname__"].__get__(cls, type))


def describe_exit(exc: SystemExit, when: str) -> dict[str, Any]:
    code = exc.code
    shown = code if code is None or type(code) in (int, str) else wire.type_name(code)
    return {
        "type": "SystemExit",
        "message": f"called sys.exit({shown!r}) {when}",
        "traceback": "",
        "code": code if type(code) is int else (0 if code is None else 1),
    }


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"... [{len(text)} characters]"


def _snapshot(value: Any) -> Any:
    """What changes whenever an argument's content, shape or dtype changes; None for an immutable one.
    An array: its dtype, shape and bytes (exact: NaN payloads and -0.0 count); a container: its wire
    encoding."""
    t = type(value)
    if t is np.ndarray:
        return (value.dtype.str, value.shape, value.tobytes())
    if value is None or t is bool or t is int or t is float or t is str or isinstance(value, np.generic):
        return None  # immutable
    try:
        return wire.encode(value)
    except wire.WireError:
        return b"<not encodable>"


def run_call(
    fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any], loaded: LoadedSource | None, output_cap: int
) -> dict[str, Any]:
    """Call `fn` and describe the outcome as a reply dict (status, value, error, stdout, ...)."""
    before: dict[int | str, Any] = {i: _snapshot(a) for i, a in enumerate(args)}
    before.update({k: _snapshot(v) for k, v in kwargs.items()})
    reply: dict[str, Any] = {"status": "ok", "value": None, "error": None}
    with Capture(output_cap) as cap:
        start = time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        except SystemExit as exc:
            elapsed = time.perf_counter() - start
            reply.update(status="exited", error=describe_exit(exc, "during the call"))
        except BaseException as exc:  # noqa: B036 - everything the candidate raises is an outcome
            elapsed = time.perf_counter() - start
            reply.update(status="raised", error=describe_exception(exc, loaded))
        else:
            elapsed = time.perf_counter() - start
            try:
                reply["value"] = wire.from_candidate(result)
            except wire.BadOutput as exc:
                reply.update(status="bad-output", error={"type": "BadOutput", "message": str(exc), "traceback": ""})
    mutated: list[int | str] = []
    for key, snap in before.items():
        if snap is not None:
            now = _snapshot(args[key] if isinstance(key, int) else kwargs[key])
            if now != snap:
                mutated.append(key)
    reply.update(stdout=cap.text.getvalue(), warnings=cap.warnings, mutated=mutated, elapsed=elapsed)
    return reply


class Server:
    """The worker's request loop state: the loaded source and its settings."""

    def __init__(self) -> None:
        self.loaded: LoadedSource | None = None
        self.output_cap = 64 * 1024

    def handle(self, req: Any) -> dict[str, Any]:
        op = req.get("op") if type(req) is dict else None
        if op == "call":
            return self.call(req)
        if op == "load":
            return self.load(req)
        if op == "has":
            ns = self.loaded.namespace if self.loaded else {}
            return {"value": callable(ns.get(req["name"]))}
        if op == "functions":
            return {"value": self.loaded.functions() if self.loaded else []}
        if op == "parameters":
            return {"value": self._parameters(req.get("name"))}
        return {"error": {"type": "ProtocolError", "message": f"unknown request {op!r}", "traceback": ""}}

    def load(self, req: dict[str, Any]) -> dict[str, Any]:
        self.output_cap = int(req.get("output_cap", self.output_cap))
        loaded = None
        ok, error = False, None
        with Capture(self.output_cap) as cap:
            start = time.perf_counter()
            try:
                loaded = prepare(req["source"], str(req.get("preamble") or ""))
                if loaded.filename:
                    os.chdir(os.path.dirname(loaded.filename))  # relative data paths, as the student ran it
                loaded.execute()
                ok = True
            except LoadError as exc:
                error = {"type": exc.type_name, "message": exc.message, "traceback": exc.traceback_text}
            except SystemExit as exc:
                error = describe_exit(exc, "while being imported")
            except BaseException as exc:  # noqa: B036
                error = describe_exception(exc, loaded)
            elapsed = time.perf_counter() - start
        self.loaded = loaded if ok else None
        skipped = [s.to_plain() for s in loaded.skipped] if loaded is not None else []
        return {
            "ok": ok,
            "error": error,
            "stdout": cap.text.getvalue(),
            "elapsed": elapsed,
            "warnings": cap.warnings,
            "skipped": skipped,
        }

    def _parameters(self, name: Any) -> list[list[str]] | None:
        """[[name, kind], ...] of a loaded function's parameters (kind as inspect spells it), or None."""
        import inspect

        fn = self.loaded.namespace.get(name) if self.loaded is not None and isinstance(name, str) else None
        if not callable(fn):
            return None
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            return None
        return [[str(p.name), str(p.kind.name)] for p in params]

    def call(self, req: dict[str, Any]) -> dict[str, Any]:
        if self.loaded is None:
            return {
                "status": "raised",
                "error": {"type": "LoadError", "message": "no source is loaded", "traceback": ""},
            }
        fn = self.loaded.namespace.get(req["name"])
        if not callable(fn):
            return {
                "status": "raised",
                "value": None,
                "stdout": "",
                "warnings": [],
                "mutated": [],
                "elapsed": 0.0,
                "error": {
                    "type": "NameError",
                    "traceback": "",
                    "message": f"the source defines no function {req['name']!r}",
                },
            }
        cpu = req.get("cpu_seconds")
        if cpu:
            _move_cpu_limit(float(cpu))
        return run_call(fn, req["args"], req["kwargs"], self.loaded, self.output_cap)

    def call_many(self, req: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """One reply per call of ``req["args"]`` (a list of argument lists) and ``req["kwargs"]`` (a
        list of the same length: a dict of keyword arguments, or None for none), each a `call` of
        ``req["name"]`` with its own CPU limit, and without the fields that hold their defaults."""
        positional, keywords = req.get("args"), req.get("kwargs")
        if type(positional) is not list or type(keywords) is not list or len(positional) != len(keywords):
            positional = keywords = []  # not a batch: no call, and the verifier's wait ends in a timeout
        name, cpu = req.get("name"), req.get("cpu_seconds")
        for index, (args, kwargs) in enumerate(zip(positional, keywords)):
            if kwargs is None:
                kwargs = {}
            if type(args) is not list or type(kwargs) is not dict:
                reply = _worker_error("malformed call in a batch")  # and the batch goes on
            else:
                reply = _guarded(self.call, {"name": name, "args": args, "kwargs": kwargs, "cpu_seconds": cpu})
            reply["index"] = index
            yield compact(reply)


def compact(reply: dict[str, Any]) -> dict[str, Any]:
    """`reply` without the fields the verifier reads as their defaults anyway (no value, no error,
    nothing printed, no warnings, nothing mutated): fewer bytes to encode, send and decode."""
    for key in ("value", "error"):
        if key in reply and reply[key] is None:
            del reply[key]
    if reply.get("stdout", None) == "":
        del reply["stdout"]
    for key in ("warnings", "mutated"):
        if type(reply.get(key)) is list and not reply[key]:
            del reply[key]
    return reply


def apply_limits(limits: dict[str, Any], layers: Sequence[str] = ()) -> bool:
    """Apply resource limits to this process (see `verifier.sandbox.Limits`); True when any was set.

    The process limit is left to the cgroup where there is one (RLIMIT_NPROC counts per user, over
    every worker at once) and to nobody when running as root (it does not bind root)."""
    table = {
        "address_space": resource.RLIMIT_AS,
        "open_files": resource.RLIMIT_NOFILE,
        "file_size": resource.RLIMIT_FSIZE,
        "processes": resource.RLIMIT_NPROC,
    }
    if "cgroup-pids" in layers or os.geteuid() == 0:
        table.pop("processes")
    applied = False
    for key, which in table.items():
        value = limits.get(key)
        if value is None:
            continue
        soft, hard = resource.getrlimit(which)
        value = int(value) if hard == resource.RLIM_INFINITY else min(int(value), hard)
        try:
            resource.setrlimit(which, (value, value))
            applied = True
        except (ValueError, OSError):
            pass  # a limit the system will not lower this far is left as it is
    return applied


def _move_cpu_limit(seconds: float) -> None:
    """Let the next call use at most `seconds` of CPU time beyond what the worker used so far (one
    system call less when the limit, in whole seconds, is already where it should be)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    now = used.ru_utime + used.ru_stime
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    want = int(now + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if want == soft:  # where the last call left it (whole seconds): nothing to move
        return
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (want, hard))
    except (ValueError, OSError):
        pass


def _watch_parent(parent: int, requests_fd: int) -> None:
    """Exit if the verifier goes away, even while candidate code is stuck in a loop: the request
    pipe hangs up (what tells inside a PID namespace, where the parent is process 1), or the parent
    process changes."""
    import select

    poller = select.poll()
    poller.register(requests_fd, 0)  # POLLHUP and POLLERR are always reported
    while True:
        if poller.poll(1000) or os.getppid() != parent:
            os._exit(70)


def _handle(server: Server, req: Any, layers: list[str]) -> dict[str, Any]:
    """The reply to one request; a fault outside candidate code is reported, and the worker serves on."""
    try:
        reply = server.handle(req)
        if type(req) is dict and req.get("op") == "load":
            reply["isolation"] = list(layers)
        return reply
    except Exception as exc:
        return _fault(exc)


def _guarded(handler: Callable[[Any], dict[str, Any]], req: Any) -> dict[str, Any]:
    """``handler(req)``; a fault of the worker itself (outside candidate code) as a WorkerError reply."""
    try:
        return handler(req)
    except Exception as exc:
        return _fault(exc)


def _fault(exc: Exception) -> dict[str, Any]:
    import traceback

    return _worker_error(f"{type(exc).__name__}: {exc}", _truncate(traceback.format_exc(), 8000))


def _worker_error(message: str, traceback: str = "") -> dict[str, Any]:
    """A reply for a fault of the worker itself, outside candidate code."""
    return {
        "ok": False,
        "status": "raised",
        "value": None,
        "error": {"type": "WorkerError", "message": message, "traceback": traceback},
    }


def _replies(server: Server, req: Any, layers: list[str]) -> Iterator[dict[str, Any]]:
    """The replies to one request: one per call for ``call_many``, else exactly one."""
    if type(req) is dict and req.get("op") == "call_many":
        yield from server.call_many(req)
    else:
        yield _handle(server, req, layers)


def _bad_output(reply: dict[str, Any], message: str) -> bytes:
    reply.update(status="bad-output", value=None, error={"type": "BadOutput", "message": message, "traceback": ""})
    return wire.encode(reply)


def _encode_reply(reply: dict[str, Any]) -> bytes:
    """The reply as wire bytes; a value that cannot cross (or is too big) becomes a bad-output reply."""
    try:
        body = wire.encode(reply)
    except wire.WireError as exc:  # a strictly converted value that is still too big
        return _bad_output(reply, f"returned a value that cannot be sent: {exc}")
    if len(body) > wire.MAX_REPLY_BYTES:
        return _bad_output(reply, f"returned a value of {len(body)} bytes, more than {wire.MAX_REPLY_BYTES}")
    return body


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    fd_in, fd_out = int(argv[0]), int(argv[1])
    config = json.loads(argv[2]) if len(argv) > 2 else {}
    layers = confine(config, (fd_in, fd_out)) if config else ["process-group"]
    requests = open(fd_in, "rb", buffering=0)
    replies = open(fd_out, "wb", buffering=0)
    try:
        threading.Thread(target=_watch_parent, args=(os.getppid(), fd_in), daemon=True).start()
    except RuntimeError:  # no thread to spare under the process limit: the verifier still kills
        pass
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.argv = ["candidate"]
    server = Server()
    while True:
        try:
            req = wire.recv(requests, wire.MAX_REPLY_BYTES)
        except wire.WireClosed:
            return 0
        if type(req) is dict and req.get("op") == "exit":
            return 0
        if type(req) is dict and req.get("op") == "load" and req.get("limits"):
            if apply_limits(req["limits"], layers) and "rlimits" not in layers:
                layers.append("rlimits")
        for reply in _replies(server, req, layers):
            wire.send_body(replies, _encode_reply(reply))


if __name__ == "__main__":
    sys.exit(main())
