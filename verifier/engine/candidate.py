"""A candidate function bound to a target and a convention: canonical case in, observation out.

The executor (a worker process for untrusted code, or in-process for trusted callables) does the
calling; this module builds the arguments through the convention and reads the outputs back.  A
pointwise function that rejects arrays is still judged: its inputs are then passed one scalar at a
time and the observation records ``scalar_fallback`` (check ``contract.arrays`` reports it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Protocol

import numpy as np

from verifier.sandbox import CallOutcome, LoadOutcome
from verifier.spec.case import Case
from verifier.spec.conventions import Convention, UnreadableOutput
from verifier.spec.formats import Format
from verifier.spec.targets import Target


class Executor(Protocol):
    """What calls a candidate: a sandbox ``Worker`` (untrusted code) or ``InProcessExecutor``."""

    def load(self) -> LoadOutcome: ...

    def call(self, name: str, *args: Any, **kwargs: Any) -> CallOutcome: ...

    def has_function(self, name: str) -> bool: ...

    def functions(self) -> tuple[str, ...]: ...

    def parameters(self, name: str) -> tuple[str, ...] | None: ...

    def close(self) -> None: ...


@dataclass
class Observation:
    """What one call of the candidate gave: canonical outputs, or why there are none."""

    outputs: dict[str, np.ndarray] | None
    raw: Any = None
    status: str = "ok"  # ok, raised, timeout, exited, killed, bad-output, unreadable, not-run
    error: str = ""
    mistake: str = ""  # a hint for diagnosis: wrong-shape, wrong-type, rejects-arrays, ...
    warnings: tuple[str, ...] = ()
    mutated: tuple[Any, ...] = ()
    stdout: str = ""
    elapsed: float = 0.0
    scalar_fallback: bool = False
    traceback: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _warning_texts(outcome) -> tuple[str, ...]:
    return tuple(f"{w.category}: {w.message}" for w in getattr(outcome, "warnings", ()))


_ARRAY_REJECTIONS = (
    "only length-1 arrays",
    "only size-1 arrays",
    "only 0-dimensional",
    "truth value of an array",
    "must be real number, not",
    "can't convert",
    "cannot convert",
    "ambiguous",
)


STOPPING = ("timeout", "killed")  # after one of these, a function is not called again


class BoundCandidate:
    """Calls one function of an executor under a convention, for one target and format."""

    def __init__(self, executor: Executor, function: str, target: Target, convention: Convention, fmt: Format):
        self.executor = executor
        self.function = function
        self.target = target
        self.convention = convention
        self.fmt = fmt
        self.stopped = ""  # why the function is not called any more ("" while it is)
        self._seen: dict[int, tuple[Case, Observation]] = {}  # bank cases already observed, by identity

    def call_raw(self, args: tuple):
        return self.executor.call(self.function, *args)

    def observe(self, case: Case) -> Observation:
        """Call the candidate on ``case`` and read its outputs (not called once it hung or was killed)."""
        if self.stopped:
            return self._not_called()
        if self._per_row(case):  # one call per row
            return self._observe_many([case])[0]
        args = self.convention.make_args(self.target, case, self.fmt)
        outcome = self.call_raw(args)
        self._note_stop(outcome)
        if outcome.status == "raised" and self.target.pointwise and self._rejects_arrays(outcome):
            return self._observe_scalars(case, args, outcome)
        return self._read(case, outcome)

    def observe_many(self, cases: list[Case], reuse: bool = False) -> list[Observation]:
        """``observe`` for each case, the calls made in one batch where the executor can; after a call
        that hangs or is killed, the later cases are not called.  With ``reuse``, a case object this
        candidate was already called on (a bank case shared by two checks) is not called again: its
        observation is the earlier one."""
        if not reuse:
            return self._observe_many(cases)
        fresh = [c for c in cases if self._seen.get(id(c), (None,))[0] is not c]
        for case, obs in zip(fresh, self._observe_many(fresh)):
            if obs.status != "not-run":
                self._seen[id(case)] = (case, obs)
        return [self._seen[id(c)][1] if id(c) in self._seen else self._not_called() for c in cases]

    def _observe_many(self, cases: list[Case]) -> list[Observation]:
        if not cases:
            return []
        if self.stopped:
            return [self._not_called() for _ in cases]
        groups = [self.convention.calls(self.target, c, self.fmt) for c in cases]
        flat = self._call_batch([args for group in groups for args in group])
        out = []
        start = 0
        for case, group in zip(cases, groups):
            part, start = flat[start : start + len(group)], start + len(group)
            if self._per_row(case):
                out.append(self._rows(case, part))
                continue
            args, outcome = group[0], part[0]
            if outcome is None or outcome.status == "not-run":
                out.append(self._not_called(outcome))
                continue
            self._note_stop(outcome)
            if outcome.status == "raised" and self.target.pointwise and self._rejects_arrays(outcome):
                out.append(self._observe_scalars(case, args, outcome))
            else:
                out.append(self._read(case, outcome))
        return out

    def _per_row(self, case: Case) -> bool:
        return self.convention.signature(self.target, case.lam).per_row

    def _rows(self, case: Case, outcomes: list) -> Observation:
        """One observation from the calls of a per-row signature: the first that failed, else the
        rows' return values together."""
        for outcome in outcomes:
            if outcome is None or outcome.status == "not-run":
                return self._not_called(outcome)
            self._note_stop(outcome)
            if outcome.status != "ok":
                return self._read(case, outcome)
        merged = SimpleNamespace(
            status="ok",
            error=None,
            value=[o.value for o in outcomes],
            warnings=tuple(w for o in outcomes for w in getattr(o, "warnings", ())),
            mutated=tuple(dict.fromkeys(v for o in outcomes for v in o.mutated)),
            stdout="".join(o.stdout for o in outcomes),
            elapsed=sum(o.elapsed for o in outcomes),
        )
        return self._read(case, merged)

    def _call_batch(self, all_args: list[tuple]) -> list:
        many = getattr(self.executor, "call_many", None)
        if many is not None:
            return list(many(self.function, [(tuple(a), {}) for a in all_args]))
        outcomes: list = []
        for args in all_args:
            outcome = self.call_raw(args)
            outcomes.append(outcome)
            if outcome.status in STOPPING:
                break
        return outcomes + [None] * (len(all_args) - len(outcomes))

    def _note_stop(self, outcome) -> None:
        if outcome.status in STOPPING and not self.stopped:
            what = "did not return within the time limit" if outcome.status == "timeout" else "was killed"
            detail = f" ({outcome.error})" if outcome.error else ""
            self.stopped = f"the function {what}{detail} on an earlier call, so it is not called again"

    def _not_called(self, outcome=None) -> Observation:
        reason = self.stopped or (str(outcome.error) if outcome is not None and outcome.error else "not called")
        return Observation(None, status="not-run", error=f"not called: {reason}")

    @staticmethod
    def _rejects_arrays(outcome) -> bool:
        text = str(outcome.error).lower() if outcome.error else ""
        return (
            outcome.error is not None
            and outcome.error.type in ("TypeError", "ValueError")
            and any(s in text for s in _ARRAY_REJECTIONS)
        )

    def _read(self, case: Case, outcome) -> Observation:
        base = dict(
            raw=outcome.value,
            warnings=_warning_texts(outcome),
            mutated=tuple(outcome.mutated),
            stdout=outcome.stdout,
            elapsed=outcome.elapsed,
        )
        if outcome.status != "ok":
            err = outcome.error
            return Observation(
                None,
                status=outcome.status,
                error=str(err) if err else outcome.status,
                traceback=getattr(err, "traceback", "") if err else "",
                **base,
            )
        try:
            outputs = self.convention.read(self.target, case, outcome.value)
        except UnreadableOutput as exc:
            return Observation(None, status="unreadable", error=str(exc), mistake=exc.mistake, **base)
        return Observation(outputs, **base)

    def _observe_scalars(self, case: Case, args: tuple, first) -> Observation:
        n = int(np.size(args[0]))
        values: list[Any] = []
        mutated: list[Any] = []
        warnings, elapsed = list(_warning_texts(first)), first.elapsed
        for i in range(n):
            scalar_args = tuple(float(np.asarray(a, dtype=np.float64).reshape(-1)[i]) for a in args)
            outcome = self.call_raw(scalar_args)
            elapsed += outcome.elapsed
            warnings.extend(_warning_texts(outcome))
            if outcome.status != "ok":
                obs = self._read(case, outcome)
                obs.scalar_fallback = True
                obs.mistake = obs.mistake or "rejects-arrays"
                return obs
            values.append(outcome.value)
        shape = np.shape(case[self.target.inputs[0]])
        raw = values
        try:
            arr = np.asarray([np.asarray(v, dtype=np.float64).reshape(()) for v in values]).reshape(shape)
            outputs = {"value": arr}
            status, error, mistake = "ok", "", "rejects-arrays"
        except (ValueError, TypeError) as exc:
            outputs, status, error, mistake = None, "unreadable", f"scalar results cannot be read: {exc}", "wrong-shape"
        return Observation(
            outputs,
            raw=raw,
            status=status,
            error=error,
            mistake=mistake,
            warnings=tuple(dict.fromkeys(warnings)),
            mutated=tuple(mutated),
            elapsed=elapsed,
            scalar_fallback=True,
            extra={"array_error": str(first.error)},
        )
