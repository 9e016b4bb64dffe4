"""Load a candidate's source into a fresh module namespace (inside the worker process).

A source is one of:

- a ``.py`` file, run as a module named ``candidate`` (so ``if __name__ == "__main__":`` blocks do not run);
- a ``.ipynb`` notebook: its code cells, in order, joined into one module.  IPython line magics
  (``%matplotlib inline``), shell escapes (``!pip install``) and cells that start with a ``%%`` cell
  magic are skipped; every line keeps its place, so a module line maps back to (cell, line);
- an importable ``module`` or ``module:attr`` spec, for trusted adapters shipped with the verifier.

Top-level statements run one at a time (verifier/sandbox/units.py): one that fails is skipped and
recorded, later definitions still load.  A .py file that does not parse cannot be split into
statements and fails to load; a notebook cell that does not parse is skipped like a failing
statement.  An assignment's ``preamble`` (e.g. ``import numpy as np``) runs first.

Cells are numbered from 1 by their position in the notebook, markdown cells included, as one counts
them when scrolling.  Errors raised while loading become ``LoadError`` with a message that names the
file, the cell (for notebooks), the line and the offending text.
"""

from __future__ import annotations

import ast
import bisect
import importlib
import linecache
import os
import re
import sys
import traceback
import types
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from verifier.sandbox.units import Skipped, Unit, UnitRun, run_units, units_of

__all__ = ["LoadError", "LoadedSource", "format_traceback", "is_module_spec", "load", "prepare", "split_spec"]

MODULE_NAME = "candidate"
_MODULE_SPEC = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*(:[A-Za-z_]\w*)?$")
_MAGIC_LINE = re.compile(r"^(\s*)[%!]")
_DEF = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.M)


class LoadError(Exception):
    """The source could not be loaded; ``str(error)`` is a message meant for the candidate's author."""

    def __init__(self, message: str, *, type_name: str = "LoadError", traceback_text: str = ""):
        super().__init__(message)
        self.message = message
        self.type_name = type_name
        self.traceback_text = traceback_text


def split_spec(spec: str) -> tuple[str, str | None]:
    """Split ``"path/to/file.py::name"`` into ``("path/to/file.py", "name")``; no ``::`` gives None."""
    path, sep, name = str(spec).rpartition("::")
    if not sep:
        return str(spec), None
    if not name.isidentifier():
        raise ValueError(f"spec={spec!r} names {name!r}, which is not a Python identifier")
    return path, name


def is_module_spec(spec: str) -> bool:
    """True for ``"package.module"`` or ``"package.module:attr"`` that is not an existing file."""
    spec = str(spec)
    if spec.endswith((".py", ".ipynb")) or os.path.exists(spec):
        return False
    return bool(_MODULE_SPEC.match(spec))


@dataclass
class LoadedSource:
    """A loaded namespace, plus what is needed to point at lines of the candidate's own code."""

    namespace: dict[str, Any]
    filename: str  # the name compiled into code objects; "" for module specs
    display_name: str
    cells: list[tuple[int, int]] = field(default_factory=list)  # (first module line, cell number)
    units: list[Unit] = field(default_factory=list)  # top-level statements still to run
    run: UnitRun = field(default_factory=UnitRun)  # what running them skipped

    def execute(self) -> None:
        """Run the top-level statements one at a time (a failing one is skipped and recorded in
        ``run``).  SystemExit and KeyboardInterrupt propagate."""
        units, self.units = self.units, []
        if units:
            self.run = run_units(units, self.namespace)

    @property
    def skipped(self) -> list[Skipped]:
        return self.run.skipped

    def where(self, lineno: int) -> str:
        """``"line 7"`` for a file, ``"cell 3, line 2"`` for a notebook."""
        if not self.cells:
            return f"line {lineno}"
        starts = [s for s, _ in self.cells]
        i = bisect.bisect_right(starts, lineno) - 1
        if i < 0:
            return f"line {lineno}"
        start, cell = self.cells[i]
        return f"cell {cell}, line {lineno - start + 1}"

    def functions(self) -> list[str]:
        """Public callables defined by the source itself (not imported into it), sorted."""
        out = []
        for name, value in self.namespace.items():
            if name.startswith("_") or isinstance(value, types.ModuleType) or not callable(value):
                continue
            if getattr(value, "__module__", None) == self.namespace.get("__name__"):
                out.append(name)
        return sorted(out)


def load(spec: str, preamble: str = "") -> LoadedSource:
    """Load a ``.py`` file, a notebook or a module spec (see the module docstring) and run it."""
    loaded = prepare(spec, preamble)
    loaded.execute()
    return loaded


def prepare(spec: str, preamble: str = "") -> LoadedSource:
    """Read and split a source into top-level statements (a module spec is imported) without running
    the candidate's code; ``preamble`` is code to run before it.

    Raises LoadError for a missing file, undecodable text, a bad notebook, a .py file (or a preamble)
    that does not parse.
    """
    spec = str(spec)
    if is_module_spec(spec):
        return _load_module(spec)
    path = os.path.abspath(spec)
    if not os.path.isfile(path):
        raise LoadError(f"{spec}: no such file", type_name="FileNotFoundError")
    if path.endswith(".ipynb"):
        source, cells = _notebook_source(path)
    else:
        source, cells = _read_text(path), []
    loaded = LoadedSource({}, path, os.path.basename(path), cells)
    linecache.cache[path] = (len(source), None, source.splitlines(True), path)
    loaded.units = _preamble_units(preamble) + _source_units(loaded, source)
    module = types.ModuleType(MODULE_NAME)
    module.__file__ = path
    sys.modules[MODULE_NAME] = module  # dataclasses and pickle look classes up here
    loaded.namespace = module.__dict__
    directory = os.path.dirname(path)
    if directory not in sys.path:
        sys.path.insert(0, directory)  # sibling helper modules, as `python file.py` would find them
    return loaded


def _preamble_units(preamble: str) -> list[Unit]:
    if not preamble.strip():
        return []
    try:
        tree = ast.parse(preamble, "<preamble>")
    except SyntaxError as exc:
        raise LoadError(
            f"the assignment's preamble does not parse: {exc.msg} (line {exc.lineno})", type_name="PreambleError"
        ) from None
    return units_of(tree, "<preamble>", lambda n: f"the preamble, line {n}", preamble.splitlines())


def _source_units(loaded: LoadedSource, source: str) -> list[Unit]:
    """A .py file as one tree (a syntax error is a LoadError); a notebook cell by cell (a cell that
    does not parse becomes a unit that is skipped, with the error)."""
    lines = source.splitlines()
    if not loaded.cells:
        try:
            tree = ast.parse(source, loaded.filename)
        except SyntaxError as exc:
            raise LoadError(_syntax_message(exc, loaded, source), type_name=type(exc).__name__) from None
        except ValueError as exc:  # source with NUL bytes
            raise LoadError(f"{loaded.display_name}: {exc}", type_name="ValueError") from None
        return units_of(tree, loaded.filename, loaded.where, lines)
    units: list[Unit] = []
    bounds = [start for start, _ in loaded.cells] + [len(lines) + 1]
    for (start, _), end in zip(loaded.cells, bounds[1:]):
        text = "\n".join([""] * (start - 1) + lines[start - 1 : end - 1])  # keeps the module's line numbers
        try:
            tree = ast.parse(text, loaded.filename)
        except SyntaxError as exc:
            first = lines[start - 1].strip() if start <= len(lines) else ""
            message = _syntax_message(exc, loaded, source)
            defines = tuple(m.group(1) for m in _DEF.finditer(text))
            units.append(Unit(None, loaded.where(start), first[:120], (), False, message, defines))
            continue
        units += units_of(tree, loaded.filename, loaded.where, lines)
    return units


def _load_module(spec: str) -> LoadedSource:
    modname, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(modname)
    except ImportError as exc:
        raise LoadError(f"{spec}: cannot import {modname}: {exc}", type_name=type(exc).__name__) from None
    if not attr:
        return LoadedSource(module.__dict__, "", modname)
    if not hasattr(module, attr):
        raise LoadError(f"{spec}: module {modname} has no attribute {attr!r}", type_name="AttributeError")
    value = getattr(module, attr)
    return LoadedSource({"__name__": modname, attr: value}, "", spec)


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}", type_name=type(exc).__name__) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"{os.path.basename(path)}: not UTF-8 text ({exc.reason} at byte {exc.start})",
            type_name="UnicodeDecodeError",
        ) from None


def _notebook_source(path: str) -> tuple[str, list[tuple[int, int]]]:
    import nbformat  # only notebooks pay for this import

    try:
        nb = nbformat.reads(_read_text(path), as_version=4)  # type: ignore[no-untyped-call]
    except LoadError:
        raise
    except Exception as exc:  # nbformat raises a mix of JSON, validation and key errors
        raise LoadError(
            f"{os.path.basename(path)}: not a readable notebook: {exc}", type_name="NotebookError"
        ) from None
    lines: list[str] = []
    cells: list[tuple[int, int]] = []
    for number, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        if isinstance(text, list):
            text = "".join(text)
        cell_lines = text.splitlines()
        if not cell_lines or cell_lines[0].lstrip().startswith("%%"):
            continue
        cells.append((len(lines) + 1, number))
        for line in cell_lines:
            m = _MAGIC_LINE.match(line)
            lines.append(f"{m.group(1)}pass  # {line.strip()}" if m else line)
        lines.append("")  # a cell ends its last statement
    return "\n".join(lines) + "\n", cells


def _syntax_message(exc: SyntaxError, loaded: LoadedSource, source: str = "") -> str:
    where = loaded.where(exc.lineno) if exc.lineno else "unknown line"
    msg = f"{loaded.display_name}, {where}: {type(exc).__name__}: {exc.msg}"
    text = exc.text
    source_lines = source.splitlines()
    if exc.lineno and 0 < exc.lineno <= len(source_lines):
        # CPython may read the offending line from the file on disk, which for a notebook is JSON
        text = source_lines[exc.lineno - 1]
    if text:
        text = text.rstrip("\n")
        stripped = text.lstrip()
        msg += f"\n    {stripped}"
        if exc.offset and exc.offset > 0:
            col = max(exc.offset - 1 - (len(text) - len(stripped)), 0)
            msg += "\n    " + " " * col + "^"
    return msg


def format_traceback(tb: TracebackType | None, loaded: LoadedSource | None, limit_chars: int = 8000) -> str:
    """The frames of `tb` that are in the candidate's own source, formatted like Python does.

    Notebook frames name the cell and the line within it.  With nothing loaded yet (or a module
    spec), every frame is kept.
    """
    frames: list[traceback.FrameSummary] = list(traceback.extract_tb(tb))
    if loaded is not None and loaded.filename:
        frames = [f for f in frames if f.filename == loaded.filename]
    lines = []
    for f in frames:
        where = loaded.where(f.lineno or 0) if loaded is not None and loaded.filename else f"line {f.lineno}"
        name = loaded.display_name if loaded is not None and loaded.filename else f.filename
        lines.append(f'  File "{name}", {where}, in {f.name}\n')
        if f.line:
            lines.append(f"    {f.line.strip()}\n")
    text = "".join(lines)
    if len(text) > limit_chars:
        text = text[: limit_chars // 2] + "\n  ...\n" + text[-limit_chars // 2 :]
    return text
