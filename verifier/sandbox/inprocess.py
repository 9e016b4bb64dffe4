"""``InProcessExecutor``: trusted callables (library functions, a library's own tests) judged exactly
like a Worker's candidate (strict output conversion, mutation check, captured output and warnings),
but called in this process."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from verifier.sandbox import wire
from verifier.sandbox.loader import LoadedSource
from verifier.sandbox.outcomes import (
    CallOutcome,
    CandidateError,
    Limits,
    LoadOutcome,
    _call_outcome,
    _calls,
    _failed_call,
)
from verifier.sandbox.worker import run_call


class InProcessExecutor:
    """Trusted Python callables, judged like a Worker's but called in this process.

    `functions` maps names to callables, e.g. ``InProcessExecutor({"sigmoid": scipy.special.expit})``.
    Arguments and results cross through the wire format (the callable gets copies; float32 stays
    float32), output is captured, warnings recorded and mutation checked as in a Worker.  There is no
    process: timeouts and resource limits are not enforced, and a callable that hangs hangs the
    caller.  Not thread-safe (it swaps sys.stdout and the warnings filters during a call).
    """

    def __init__(self, functions: Mapping[str, Callable[..., Any]], *, limits: Limits = Limits(), **ignored: Any):
        if not isinstance(functions, Mapping) or not all(callable(f) for f in functions.values()):
            raise TypeError(f"functions={functions!r}: pass a dict of name -> callable")
        self._functions = {str(k): v for k, v in functions.items()}
        self.limits = limits
        self.function_name = next(iter(self._functions), None) if len(self._functions) == 1 else None
        self._loaded = LoadedSource(dict(self._functions), "", "in-process")

    def load(self) -> LoadOutcome:
        return LoadOutcome(True, None, "", 0.0)

    def call(self, name: str, *args: Any, **kwargs: Any) -> CallOutcome:
        """Call function `name` with copies of wire values, judged as a Worker judges a call.

        Arguments that cannot cross the wire raise wire.WireError."""
        return self.call_many(name, [(args, kwargs)])[0]

    def call_many(
        self, name: str, calls: Iterable[tuple[tuple[Any, ...], dict[str, Any]]], timeout: float | None = None
    ) -> list[CallOutcome]:
        """Call function `name` once per ``(args, kwargs)`` pair of `calls`, in order: one CallOutcome
        per pair, each call with its own copies of the arguments.  Every argument is checked before
        the first call (wire.WireError); `timeout` is accepted for the Worker's signature and not
        enforced (nothing here stops a call), so no call of a batch is ever "not-run"."""
        sent = [wire.encode({"args": list(args), "kwargs": kwargs}) for args, kwargs in _calls(calls)]
        fn = self._functions.get(name)
        if fn is None:
            missing = _failed_call("raised", CandidateError("NameError", f"no function {name!r} was given"))
            return [missing] * len(sent)
        return [self._run(fn, wire.decode(body)) for body in sent]

    def _run(self, fn: Callable[..., Any], sent: dict[str, Any]) -> CallOutcome:
        reply = run_call(fn, sent["args"], sent["kwargs"], self._loaded, self.limits.output_bytes)
        try:
            reply = wire.decode(wire.encode(reply))
        except wire.WireError as exc:
            reply.update(
                status="bad-output",
                value=None,
                error={"type": "BadOutput", "message": f"returned a value that cannot be sent: {exc}"},
            )
        return _call_outcome(reply)

    def has_function(self, name: str) -> bool:
        return name in self._functions

    def parameters(self, name: str) -> tuple[str, ...] | None:
        """The parameter names of function `name` (``*args`` as ``*args``), or None when unknown."""
        import inspect

        fn = self._functions.get(name)
        try:
            params = inspect.signature(fn).parameters.values() if fn is not None else None
        except (TypeError, ValueError):
            params = None
        if params is None:
            return None
        prefix: dict[Any, str] = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
        return tuple(prefix.get(p.kind, "") + p.name for p in params)

    def functions(self) -> tuple[str, ...]:
        return tuple(sorted(self._functions))

    def close(self) -> None:
        pass

    def __enter__(self) -> InProcessExecutor:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
