"""Top-level statements run one at a time: a statement that fails is skipped, the rest still load.

Real submissions carry top-level code that cannot run where they are graded: a data file that is not
there, plotting, ``input()``, a magic, a test that calls a helper of the course, an hour of gradient
descent.  Each top-level statement (each cell of a notebook, statement by statement) is a ``Unit``;
``run_units`` executes them in order, and one that raises (or runs past its time budget) is recorded
as ``Skipped`` with its place, its first line and the error, while later definitions still load.  The
names a skipped statement would have bound are remembered, so that a function that needs one of them
fails with a message naming that statement (``explain_name_error``).
"""

from __future__ import annotations

import ast
import signal
import time
import types
from dataclasses import dataclass, field
from typing import Any

STATEMENT_SECONDS = 5.0  # wall-clock budget of one top-level statement
TOTAL_SECONDS = 20.0  # after this much top-level running, only definitions and imports still run
_CHEAP = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


@dataclass(frozen=True)
class Unit:
    """One top-level statement: its code (None when its cell does not parse), where it is, its first
    line, the names it binds, and the compile error of a cell that does not parse."""

    code: types.CodeType | None
    where: str
    text: str
    names: tuple[str, ...]
    cheap: bool
    error: str = ""
    defines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A top-level statement that was not run to the end, and why."""

    where: str
    statement: str
    error: str
    names: tuple[str, ...] = ()

    def to_plain(self) -> dict[str, Any]:
        return {"where": self.where, "statement": self.statement, "error": self.error, "names": list(self.names)}

    def describe(self) -> str:
        return f"{self.where}: `{self.statement}` was skipped: {self.error}"


class StatementTimeout(Exception):
    """A top-level statement ran past its budget (raised by the timer inside the statement)."""


def bound_names(node: ast.stmt) -> tuple[str, ...]:
    """The names a top-level statement binds (assignments, imports, definitions, loop targets)."""
    out: list[str] = []

    def targets(t: ast.expr) -> None:
        if isinstance(t, ast.Name):
            out.append(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                targets(e)
        elif isinstance(t, ast.Starred):
            targets(t.value)

    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.append(node.name)
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        for alias in node.names:
            out.append((alias.asname or alias.name).split(".")[0])
    elif isinstance(node, ast.Assign):
        for t in node.targets:
            targets(t)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets(node.target)
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        targets(node.target)
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        for item in node.items:
            if item.optional_vars is not None:
                targets(item.optional_vars)
    return tuple(dict.fromkeys(n for n in out if n != "*"))


def units_of(tree: ast.Module, filename: str, where: Any, lines: list[str]) -> list[Unit]:
    """One Unit per top-level statement of ``tree`` (compiled against ``filename``); ``where(lineno)``
    names a line for messages and ``lines`` are the source lines (1-based through lineno - 1)."""
    out = []
    for node in tree.body:
        module = ast.Module(body=[node], type_ignores=[])
        code = compile(module, filename, "exec", dont_inherit=True)
        first = lines[node.lineno - 1].strip() if 0 < node.lineno <= len(lines) else ""
        defines = (node.name,) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else ()
        out.append(
            Unit(code, where(node.lineno), first[:120], bound_names(node), isinstance(node, _CHEAP), defines=defines)
        )
    return out


@dataclass
class UnitRun:
    """What running the units left: the skipped statements and the names they would have bound."""

    skipped: list[Skipped] = field(default_factory=list)
    failed_names: dict[str, Skipped] = field(default_factory=dict)


def _alarm(signum: int, frame: Any) -> None:
    raise StatementTimeout(f"it ran longer than {STATEMENT_SECONDS:g} s")


def run_units(units: list[Unit], namespace: dict[str, Any]) -> UnitRun:
    """Execute ``units`` in ``namespace``; exceptions of a statement skip it (SystemExit and
    KeyboardInterrupt still propagate).  The timer is SIGALRM, so this runs in the main thread."""
    run = UnitRun()
    spent = 0.0
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for unit in units:
            if unit.code is None:
                _skip(run, Skipped(unit.where, unit.text, unit.error, unit.defines or unit.names))
                continue
            if spent > TOTAL_SECONDS and not unit.cheap:
                _skip(
                    run,
                    Skipped(unit.where, unit.text, f"not run: top-level code already took {spent:.0f} s", unit.names),
                )
                continue
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, STATEMENT_SECONDS)
            try:
                exec(unit.code, namespace)
            except Exception as exc:
                _skip(run, Skipped(unit.where, unit.text, _error_text(exc), unit.names))
            else:
                for name in unit.names:
                    run.failed_names.pop(name, None)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                spent += time.perf_counter() - start
    finally:
        signal.signal(signal.SIGALRM, previous)
    return run


def _skip(run: UnitRun, skipped: Skipped) -> None:
    run.skipped.append(skipped)
    for name in skipped.names:
        run.failed_names[name] = skipped


def _error_text(exc: BaseException) -> str:
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable>"
    name = type(exc).__name__
    if isinstance(exc, EOFError):  # input() with no keyboard: a grader cell asking for a login, a prompt
        return f"{name}: it asked for keyboard input (input()), which is refused while grading"
    return f"{name}: {message[:300]}" if message else name


def explain_name_error(exc: BaseException, failed_names: dict[str, Skipped]) -> str:
    """For a NameError about a name a skipped statement would have bound: which statement, and why."""
    name = getattr(exc, "name", None)
    if not isinstance(exc, NameError) or name not in failed_names:
        return ""
    s = failed_names[name]
    return f" ({name} would have been defined by {s.where}, `{s.statement}`, which failed while loading: {s.error})"
