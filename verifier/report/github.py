"""A Result as GitHub Actions annotations: ``::error file=F,line=L,title=T::message`` lines.

GitHub reads workflow commands from a step's output and shows an ``error`` command with ``file`` and
``line`` on that line of the pull request's diff.  The line is the candidate's definition (its
``def``, or the line that binds its name), found by reading the source, never by importing it: a
``.py`` file, a notebook (the line of the ``.ipynb`` file that holds the ``def``), a helper module
the file imports the function from, or the file of a ``module:attr`` spec.

Escaping (workflow-command rules): in the message, ``%`` -> ``%25``, CR -> ``%0D``, LF -> ``%0A``; in a
property value (``file``, ``title``) also ``:`` -> ``%3A`` and ``,`` -> ``%2C``.  Everything else the
verifier prints for a step (the summary, which quotes what the candidate raised or printed) is wrapped
in ``::stop-commands::TOKEN`` ... ``::TOKEN::`` with an unguessable token, so no line of it can act
as a workflow command.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shlex
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from verifier.report.text import check_feedback
from verifier.spec.results import CheckResult, Result

ANNOTATIONS_PER_STEP = 10  # GitHub shows at most this many error annotations of one step
MAX_MESSAGE = 3000  # characters of one annotation's message (the rest is in the log)
_MAX_HOPS = 4  # helper modules followed through ``from X import name``
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped so it stays on one line."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the message escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, file: str = "", line: int = 0, end_line: int = 0, title: str = "") -> str:
    """One workflow command line, e.g. ``::error file=a.py,line=3,title=T::message``."""
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
        if line > 0:
            props.append(f"line={line}")
            if end_line >= line:
                props.append(f"endLine={end_line}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"::{kind}" + (" " + ",".join(props) if props else "")
    return f"{head}::{escape_data(message)}"


# --------------------------------------------------------------------------- where a function is defined
@dataclass(frozen=True)
class Location:
    """Where a function is defined: a file and its 1-based ``line`` (0 when only the file is known),
    ``end_line`` the last line of the definition (0 when unknown)."""

    file: Path
    line: int = 0
    end_line: int = 0


def locate(candidate: str, function: str, search_path: Sequence[str] | None = None) -> Location | None:
    """The definition of ``function`` for a ``verifier check`` candidate (``file.py``, ``file.py::name``,
    ``lab.ipynb``, ``package.module:attr``); None when the source cannot be found.  Reads files only."""
    spec, _, name = str(candidate).rpartition("::") if "::" in str(candidate) else (str(candidate), "", "")
    name = name or function
    path = Path(spec)
    if path.suffix in (".py", ".ipynb") and path.is_file():
        return _locate_in(path, name, _MAX_HOPS) or Location(path)
    module, _, attr = spec.partition(":")
    if _MODULE.match(module):
        file = find_module(module, search_path)
        if file is not None:
            return _locate_in(file, attr or name, _MAX_HOPS) or Location(file)
    return None


def find_module(module: str, search_path: Sequence[str] | None = None) -> Path | None:
    """The source file of ``module`` on ``search_path`` (default: the current folder, then
    ``sys.path``), without importing anything."""
    parts = module.split(".")
    for base in search_path if search_path is not None else [os.getcwd(), *sys.path]:
        root = Path(base or ".").joinpath(*parts)
        for file in (root.with_suffix(".py"), root / "__init__.py"):
            if file.is_file():
                return file
    return None


def _locate_in(path: Path, name: str, hops: int) -> Location | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    if path.suffix == ".ipynb":
        return _locate_in_notebook(path, text, name, hops)
    tree = _parse(text)
    if tree is None:
        return _grep_def(path, text.splitlines(), name)
    found = _definition(tree.body, name)
    if isinstance(found, tuple):
        return Location(path, found[0], found[1])
    if isinstance(found, ast.ImportFrom) and hops > 0:
        return _follow(path.parent, found, name, hops)
    return None


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _top_level(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """Module-level statements, including those inside top-level ``if``/``try``/``with`` blocks."""
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.With, ast.For, ast.While)):
            yield from _top_level(node.body)
            yield from _top_level(getattr(node, "orelse", []))
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _top_level(block)


def _definition(body: list[ast.stmt], name: str) -> tuple[int, int] | ast.ImportFrom | None:
    """The last module-level binding of ``name``: (first line, last line) of a ``def``, ``class`` or
    assignment, or the ``from X import name`` that brings it in."""
    found: tuple[int, int] | ast.ImportFrom | None = None
    for node in _top_level(body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            found = (node.lineno, node.end_lineno or node.lineno)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                found = (node.lineno, node.end_lineno or node.lineno)
        elif isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            found = node
    return found


def _follow(folder: Path, node: ast.ImportFrom, name: str, hops: int) -> Location | None:
    """The definition behind ``from X import name [as alias]``, X a module beside the importing file
    (or above it, for a relative import)."""
    original = next(a.name for a in node.names if (a.asname or a.name) == name)
    base = folder
    for _ in range(max(node.level - 1, 0)):
        base = base.parent
    module = node.module or ""
    if not module:  # ``from . import name``: name is a module, not a function
        return None
    file = find_module(module, [str(base)] + ([] if node.level else [str(folder.parent)]))
    if file is None:
        return None
    return _locate_in(file, original, hops - 1) or Location(file)


def _grep_def(path: Path, lines: list[str], name: str) -> Location | None:
    """For a file that does not parse: the last line that starts ``def name(``."""
    pattern = re.compile(rf"^(async\s+)?def\s+{re.escape(name)}\s*\(")
    hits = [i for i, line in enumerate(lines, 1) if pattern.match(line)]
    return Location(path, hits[-1]) if hits else None


def _cell_code(source: str) -> str:
    """A notebook cell as Python: magics and shell lines (``%``, ``!``) blanked, line numbers kept."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def _locate_in_notebook(path: Path, text: str, name: str, hops: int) -> Location | None:
    """The line of the ``.ipynb`` file (JSON) that holds the last ``def name`` of a code cell."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return None
    found: tuple[int, int] | None = None  # (cell number, line in the cell)
    imported: ast.ImportFrom | None = None
    for k, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        tree = _parse(_cell_code(source))
        hit = _definition(tree.body, name) if tree is not None else None
        if isinstance(hit, tuple):
            found, imported = (k, hit[0]), None
        elif isinstance(hit, ast.ImportFrom):
            found, imported = None, hit
    if found is not None:
        return Location(path, _notebook_line(text, cells, *found))
    if imported is not None and hops > 0:
        return _follow(path.parent, imported, name, hops)
    return None


def _notebook_line(text: str, cells: list, cell: int, line: int) -> int:
    """The line of the notebook's JSON text that holds line ``line`` of code cell ``cell``.

    nbformat writes a cell's source as a list of strings, one per line of the file; the wanted
    string is the one that many strings after the cell's ``"source": [`` line.  A source written as
    one string is on one line: that line."""
    raw = text.splitlines()
    starts = [i for i, row in enumerate(raw, 1) if row.lstrip().startswith('"source":')]
    if len(starts) != len(cells):  # hand-written JSON: fall back to the first line that holds the def
        wanted = _source_lines(cells[cell])[line - 1].strip() if _source_lines(cells[cell]) else ""
        hits = [i for i, row in enumerate(raw, 1) if wanted and json.dumps(wanted)[1:-1] in row]
        return hits[0] if hits else 0
    start = starts[cell]
    if not raw[start - 1].rstrip().endswith("["):
        return start
    return start + line


def _source_lines(cell: dict) -> list[str]:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    return source.split("\n")


def display_path(path: Path, base: str | None = None) -> str:
    """``path`` as GitHub wants it: relative to the workspace (``$GITHUB_WORKSPACE``, else the current
    folder) when inside it, with forward slashes."""
    root = Path(base or os.environ.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()
    full = path.resolve()
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return full.as_posix()


# --------------------------------------------------------------------------- annotations of a Result
def _title(result: Result, check: CheckResult) -> str:
    return f"{result.function} is not a correct {result.target}: {check.id} failed"


def reproduce_command(result: Result, base: str | None = None) -> str:
    """The ``verifier check`` command line that reruns ``result`` (same seed and profile)."""
    spec = result.candidate
    path = Path(spec)
    if path.suffix in (".py", ".ipynb") and path.is_file():
        spec = display_path(path, base) + f"::{result.function}"
    words = ["verifier check", shlex.quote(spec), f"--target {result.target}", f"--convention {result.convention}"]
    if result.lam:
        words.append(f"--lambda {result.lam!r}")
    if result.precision != "float64":
        words.append(f"--precision {result.precision}")
    if result.standard != "robust":
        words.append(f"--standard {result.standard}")
    if result.signature and result.signature != _default_signature(result):
        words.append(f"--signature {shlex.quote(result.signature)}")
    words += [f"--profile {result.profile}", f"--seed {result.seed}"]
    return " ".join(words)


def _default_signature(result: Result) -> str:
    from verifier.spec.conventions import get_convention
    from verifier.spec.targets import get_target

    try:
        return get_convention(result.convention).signature(get_target(result.target), result.lam).text
    except (KeyError, ValueError, LookupError):
        return ""


def _message(result: Result, check: CheckResult, base: str | None) -> str:
    text = check_feedback(result, check) or check.title
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 40].rstrip() + "\n... (the whole message is in the log)"
    return text + "\nReproduce: " + reproduce_command(result, base)


def error_annotations(result: Result, location: Location | None = None, base: str | None = None) -> list[str]:
    """One ``::error`` line per failed check on the definition's line (at most ANNOTATIONS_PER_STEP; the
    last then names the rest); when nothing failed but checks could not run, one per check not run;
    none when every check passed."""
    failed = result.failed() or [c for c in result.checks if not c.passed]  # else: not run, say why
    if not failed:
        return []
    file = display_path(location.file, base) if location is not None else ""
    line = location.line if location is not None else 0
    shown = failed if len(failed) <= ANNOTATIONS_PER_STEP else failed[: ANNOTATIONS_PER_STEP - 1]
    lines = [command("error", _message(result, c, base), file, line, title=_title(result, c)) for c in shown]
    rest = failed[len(shown) :]
    if rest:
        title = f"{result.function} is not a correct {result.target}: {len(rest)} more checks failed"
        lines.append(command("error", ", ".join(c.id for c in rest), file, line, title=title))
    return lines


def github_report(result: Result, summary: str, base: str | None = None) -> str:
    """What ``verifier check --format github`` prints: the summary with workflow commands stopped (it
    quotes the candidate), then the annotations."""
    token = secrets.token_hex(16)
    location = locate(result.candidate, result.function)
    parts = [f"::stop-commands::{token}", summary, f"::{token}::", *error_annotations(result, location, base)]
    return "\n".join(parts)


def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """Read one workflow command back: (kind, properties, message), escapes undone; None for other
    lines.  (What the runner does; used by the tests and handy for checking a log.)"""
    m = re.match(r"^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$", line)
    if not m:
        return None

    def undo(s: str) -> str:
        for code, ch in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            s = s.replace(code, ch)
        return s

    props = {}
    for item in (m.group(2) or "").split(","):
        if item:
            key, _, value = item.partition("=")
            props[key] = undo(value)
    return m.group(1), props, undo(m.group(3))
