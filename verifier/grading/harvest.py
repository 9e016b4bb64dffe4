"""A notebook's functions as a submission file: the source of each function asked for and of what it
needs (imports, helper functions it calls, constants it reads), taken from a live namespace.

``harvest(namespace, names)`` reads nothing but source text and plain values: a function's source
comes from ``inspect.getsource`` (IPython keeps every cell's code in ``linecache``), else from the
newest cell of IPython's ``In`` history that defines it; a module becomes an ``import``; a function or
class from a module becomes ``from MODULE import NAME``; numbers, strings, small containers of them
and small numeric arrays become literals.  What cannot be rebuilt from source (a closure, an object
such as a DataFrame or a fitted model, a function made with ``exec``) makes its task *missing*, with a
message that says why and what to do; nothing raises.  The text is then graded like any ``.py`` file.
"""

from __future__ import annotations

import ast
import builtins
import dis
import inspect
import math
import sys
import sysconfig
import textwrap
import types
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_ARRAY_ELEMENTS = 10_000  # a global array larger than this is data, not a constant of the code
_HEADER = "# Written by verifier.Lab from the notebook's namespace: the functions checked and what they need.\n"


class Unreproducible(Exception):
    """The sandbox cannot rebuild this from source; the message says why and what to do instead."""


@dataclass(frozen=True)
class Harvest:
    """The module text, the functions it defines (in the order asked), why the others are missing,
    notes (a name a function reads that the notebook does not define) and local helper modules to copy
    next to the file (``from utils import helper`` where utils.py sits beside the notebook)."""

    source: str
    functions: tuple[str, ...]
    missing: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    modules: tuple[Path, ...] = ()


@dataclass
class _Part:
    """What one function needs, in the order it must be written."""

    imports: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    defs: dict[str, str] = field(default_factory=dict)
    modules: dict[Path, None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def bound(self, name: str) -> bool:
        return name in self.imports or name in self.values or name in self.defs

    def merge(self, other: _Part) -> None:
        for mine, theirs in ((self.imports, other.imports), (self.values, other.values), (self.defs, other.defs)):
            for k, v in theirs.items():
                mine.setdefault(k, v)
        self.modules.update(other.modules)
        self.notes += [n for n in other.notes if n not in self.notes]


def harvest(namespace: Mapping[str, Any], names: Iterable[str], here: str | Path | None = None) -> Harvest:
    """The source that defines each of ``names`` as ``namespace`` holds it.  ``here`` is the notebook's
    folder: a module imported from a file under it is the student's helper and is copied, not imported."""
    base = Path(here).resolve() if here is not None else Path.cwd().resolve()
    whole = _Part()
    found: list[str] = []
    missing: dict[str, str] = {}
    for name in dict.fromkeys(names):
        if name not in namespace:
            missing[name] = (
                f"no function named {name!r} is defined in this notebook: run the cell that defines it first"
            )
            continue
        obj = namespace[name]
        if not callable(obj) or isinstance(obj, type):
            missing[name] = f"{name!r} is a {type(obj).__name__}, not a function: define it with def {name}(...)"
            continue
        part = _Part()
        try:
            _Walker(namespace, base, part).visit(name, obj, name)
        except Unreproducible as exc:
            missing[name] = str(exc)
            continue
        whole.merge(part)
        found.append(name)
    return Harvest(_text(whole), tuple(found), missing, tuple(whole.notes), tuple(whole.modules))


def _text(part: _Part) -> str:
    blocks = [_HEADER]
    if part.imports:
        blocks.append("\n".join(part.imports.values()) + "\n")
    if part.values:
        blocks.append("\n".join(part.values.values()) + "\n")
    blocks += [src.rstrip() + "\n" for src in part.defs.values()]
    return "\n\n".join(b.rstrip("\n") for b in blocks if b.strip()) + "\n"


class _Walker:
    """Walks from a function to everything it reads, filling a ``_Part``."""

    def __init__(self, namespace: Mapping[str, Any], base: Path, part: _Part):
        self.ns = namespace
        self.base = base
        self.part = part
        self.visiting: set[str] = set()

    def visit(self, name: str, obj: Any, needed_by: str) -> None:
        if self.part.bound(name) or name in self.visiting:
            return
        self.visiting.add(name)
        try:
            self._visit(name, obj, needed_by)
        finally:
            self.visiting.discard(name)

    def _visit(self, name: str, obj: Any, needed_by: str) -> None:
        if isinstance(obj, types.ModuleType):
            self._module(name, obj)
        elif self._defined_here(obj):
            self._definition(name, obj)
        elif _importable(obj) is not None:
            self._imported(name, obj)
        else:
            self.part.values[name] = f"{name} = {_literal(obj, name, needed_by)}"

    def _defined_here(self, obj: Any) -> bool:
        if isinstance(obj, (types.FunctionType, types.MethodType)):
            return getattr(inspect.unwrap(obj), "__globals__", None) is self.ns
        if isinstance(obj, type):
            return obj.__module__ == self.ns.get("__name__", "__main__") and _importable(obj) is None
        return False

    # ------------------------------------------------------------------ modules and imports
    def _local_file(self, module: types.ModuleType) -> Path | None:
        """The file (or package folder) of a module that is the student's own, beside the notebook."""
        file = getattr(module, "__file__", None)
        if not file:
            return None
        path = Path(file).resolve()
        if path.name == "__init__.py":
            path = path.parent
        if self.base not in path.parents or "site-packages" in path.parts or "dist-packages" in path.parts:
            return None
        return path

    def _module(self, name: str, module: types.ModuleType) -> None:
        full = module.__name__
        local = self._local_file(sys.modules.get(full.split(".")[0], module))
        if local is not None:
            self.part.modules[local] = None
        if name == full:
            self.part.imports[name] = f"import {full}"
        elif "." in full and full.rsplit(".", 1)[1] == name:
            self.part.imports[name] = f"from {full.rsplit('.', 1)[0]} import {name}"
        else:
            self.part.imports[name] = f"import {full} as {name}"

    def _imported(self, name: str, obj: Any) -> None:
        where = _importable(obj)
        assert where is not None
        module, attr = where
        top = sys.modules.get(module.split(".")[0])
        local = self._local_file(top) if top is not None else None
        if local is not None:
            self.part.modules[local] = None
        alias = "" if attr == name else f" as {name}"
        self.part.imports[name] = f"from {module} import {attr}{alias}"

    # ------------------------------------------------------------------ definitions in the notebook
    def _definition(self, name: str, obj: Any) -> None:
        fn = inspect.unwrap(obj) if not isinstance(obj, type) else obj
        if isinstance(fn, types.MethodType):
            raise Unreproducible(f"{name!r} is a method of an object; define {name} as a plain function with def")
        code = getattr(fn, "__code__", None)
        if code is not None and code.co_freevars:
            raise Unreproducible(
                f"{name!r} is defined inside another function (it uses {', '.join(code.co_freevars)} from there); "
                f"define {name} at the top level of a cell"
            )
        source, node = _source(name, fn, self.ns)
        defined = node.name if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else name
        reads = _header_names(node)
        if code is not None:
            reads += list(_global_reads(code))
        else:  # a class: every name its body reads
            reads += [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
        for dep in dict.fromkeys(reads):
            if dep in (name, defined):
                continue
            if dep in self.ns:
                self.visit(dep, self.ns[dep], name)
            elif not hasattr(builtins, dep):
                note = f"{name} reads {dep!r}, which this notebook does not define: calling it will fail"
                if note not in self.part.notes:
                    self.part.notes.append(note)
        if defined != name:  # sigmoid = my_sigmoid: write the def, then the name the task asks for
            self.part.defs[defined] = source
            self.part.defs[name] = f"{name} = {defined}"
        else:
            self.part.defs[name] = source


def _source(name: str, fn: Any, ns: Mapping[str, Any]) -> tuple[str, ast.stmt]:
    """The source of one definition and its parsed statement: ``inspect.getsource``, else the newest
    cell of ``In`` that defines it."""
    want = getattr(fn, "__name__", name)
    try:
        text = textwrap.dedent(inspect.getsource(fn))
        node = _defining_statement(text, want, name)
        if node is not None:
            return _segment(text, node), node
    except (OSError, TypeError, SyntaxError):
        pass
    for cell in reversed(list(ns.get("In", ()) or ())):
        if not isinstance(cell, str) or want not in cell:
            continue
        try:
            node = _defining_statement(cell, want, name)
        except SyntaxError:
            continue
        if node is not None:
            return _segment(cell, node), node
    kind = "class" if isinstance(fn, type) else "function"
    raise Unreproducible(
        f"the source of the {kind} {name!r} was not found in this notebook (was it made with exec, or loaded "
        f"from a pickle?); define it with {'class' if kind == 'class' else 'def'} {want} in a cell and run that cell"
    )


def _defining_statement(text: str, want: str, name: str) -> ast.stmt | None:
    """The last top-level ``def``/``class`` named ``want`` in ``text``, or ``name = lambda ...``."""
    found: ast.stmt | None = None
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == want:
            found = node
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Lambda)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        ):
            found = node
    return found


def _segment(text: str, node: ast.stmt) -> str:
    """The lines of ``node`` in ``text``, decorators included."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", ())])
    lines = text.splitlines()[first - 1 : node.end_lineno]
    return textwrap.dedent("\n".join(lines))


def _header_names(node: ast.stmt) -> list[str]:
    """Names a definition reads when it is made: decorators, defaults, annotations, base classes."""
    parts: list[ast.AST] = list(getattr(node, "decorator_list", ()))
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = node.args
        parts += [*a.defaults, *(d for d in a.kw_defaults if d is not None)]
        parts += [x.annotation for x in (*a.posonlyargs, *a.args, *a.kwonlyargs) if x.annotation is not None]
        parts += [x.annotation for x in (a.vararg, a.kwarg) if x is not None and x.annotation is not None]
        if node.returns is not None:
            parts.append(node.returns)
    elif isinstance(node, ast.ClassDef):
        parts += [*node.bases, *(k.value for k in node.keywords)]
    elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):  # name = lambda ...: its defaults
        parts += [*node.value.args.defaults, *(d for d in node.value.args.kw_defaults if d is not None)]
    return [n.id for p in parts for n in ast.walk(p) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]


def _global_reads(code: types.CodeType) -> Iterator[str]:
    """The global names a function's code (and the code nested in it) reads."""
    for ins in dis.get_instructions(code):
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and isinstance(ins.argval, str):
            yield ins.argval
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _global_reads(const)


def _importable(obj: Any) -> tuple[str, str] | None:
    """(module, name) such that ``from module import name`` gives ``obj``; None when no loaded module
    holds it (or it lives in the notebook itself)."""
    if not (callable(obj) or isinstance(obj, type)):
        return None
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if isinstance(module, str) and module != "__main__" and isinstance(qualname, str) and "." not in qualname:
        mod = sys.modules.get(module)
        if mod is not None and getattr(mod, qualname, None) is obj:
            return module, qualname
    name = getattr(obj, "__name__", None)
    if not isinstance(name, str):
        return None
    holders = [
        m
        for m, mod in list(sys.modules.items())
        if m != "__main__" and mod is not None and getattr(mod, "__dict__", {}).get(name) is obj
    ]
    if not holders:
        return None
    return min(holders, key=lambda m: _import_preference(m, sys.modules[m])), name


def _import_preference(name: str, module: types.ModuleType) -> tuple[bool, bool, int, int]:
    """Rank modules that hold an object: an installed library's before anyone else's (a test module or
    a script that imported it too), public before private, then the shortest name."""
    file = getattr(module, "__file__", None)
    installed = not file or any(p in Path(file).parts for p in ("site-packages", "dist-packages"))
    installed = installed or Path(file or "").resolve().is_relative_to(_STDLIB)
    private = any(part.startswith("_") for part in name.split("."))
    return (not installed, private, name.count("."), len(name))


_STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


_PLAIN = (bool, int, str, bytes, type(None))


def _literal(value: Any, name: str, needed_by: str) -> str:
    """Python source that rebuilds ``value`` exactly; Unreproducible when it cannot."""
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic) and value.dtype.kind in "biuf":
        return f"__import__('numpy').{value.dtype.name}({_literal(value.item(), name, needed_by)})"
    if type(value) in _PLAIN:
        return repr(value)
    if type(value) is float:
        return _float(value)
    if type(value) is complex:
        return f"complex({_float(value.real)}, {_float(value.imag)})"
    if type(value) in (list, tuple, set, frozenset) and len(value) <= MAX_ARRAY_ELEMENTS:
        items = [_literal(v, name, needed_by) for v in value]
        if isinstance(value, list):
            return "[" + ", ".join(items) + "]"
        if isinstance(value, tuple):
            return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return f"{type(value).__name__}([{', '.join(items)}])"
    if type(value) is dict and len(value) <= MAX_ARRAY_ELEMENTS:
        pairs = [f"{_literal(k, name, needed_by)}: {_literal(v, name, needed_by)}" for k, v in value.items()]
        return "{" + ", ".join(pairs) + "}"
    if numpy is not None and isinstance(value, numpy.ndarray) and value.dtype.kind in "biuf":
        if value.size > MAX_ARRAY_ELEMENTS:
            raise Unreproducible(
                f"{needed_by} reads the global {name!r}, an array of {value.size} numbers: that is data, not part "
                f"of the function; pass it as an argument instead"
            )
        body = _literal(value.tolist(), name, needed_by)
        return f"__import__('numpy').array({body}, dtype={value.dtype.name!r}).reshape({value.shape!r})"
    kind = type(value).__name__
    raise Unreproducible(
        f"{needed_by} reads the global {name!r} (a {kind}), which cannot be rebuilt from source: pass it as an "
        f"argument, or create it inside the function"
    )


def _float(x: float) -> str:
    if math.isnan(x):
        return "float('nan')"
    if math.isinf(x):
        return "float('inf')" if x > 0 else "float('-inf')"
    return repr(float(x))
