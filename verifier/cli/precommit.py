"""``python -m verifier.cli.precommit``: the pre-commit hook (.pre-commit-hooks.yaml, docs/ci.md).

Checks every function a project lists, in the ``[tool.verifier]`` table of its pyproject.toml or in a
TOML file given with ``--config``::

    [tool.verifier]
    profile = "quick"                  # defaults for every function (any key below but path)
    [[tool.verifier.function]]
    path = "src/logreg.py::sigmoid"    # FILE[::NAME] (.py, .ipynb, folder) or module:attr
    target = "sigmoid"
    [[tool.verifier.function]]
    path = "src/logreg.py::gradient"
    target = "gradient"
    signature = "X, y, w, b -> dj_dw, dj_db"

(in a file of its own the tables are ``[[function]]`` and the defaults sit at the top).  Paths are
relative to the file that lists them.  The seed defaults to 0, so a commit is judged the same way
every time.  Exit 0 when every function passed, 1 when any failed, 2 for a mistake in the list.
A failure is one line per function, ``FILE:LINE: NAME is not a correct TARGET ...``, with the first
failed check's counterexample and diagnosis under it; ``--format github`` (the default when
``GITHUB_ACTIONS`` is set) prints GitHub annotations on the definition lines instead.
"""

from __future__ import annotations

import difflib
import os
import sys
import textwrap
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifier.cli.base import Parser, run_reporting_errors
from verifier.errors import ExitCode, UsageError

# key -> (check()'s keyword, accepted types)
_OPTIONS: dict[str, tuple[str, tuple[type, ...]]] = {
    "target": ("target", (str,)),
    "convention": ("convention", (str,)),
    "lambda": ("lam", (int, float)),
    "precision": ("precision", (str,)),
    "standard": ("standard", (str,)),
    "profile": ("profile", (str,)),
    "seed": ("seed", (int,)),
    "timeout": ("call_timeout", (int, float)),
    "only": ("only", (list,)),
    "fail_fast": ("fail_fast", (bool,)),
    "soft_labels": ("soft_labels", (bool,)),
    "signature": ("signature", (str,)),
    "reduction": ("reduction", (str,)),
    "penalty": ("penalty", (str,)),
    "penalize_intercept": ("penalize_intercept", (bool,)),
    "labels": ("labels", (list,)),
    "support": ("support", (list,)),
    "preamble": ("preamble", (str,)),
}
_DEFAULTS: dict[str, Any] = {"profile": "quick", "seed": 0}


@dataclass(frozen=True)
class Entry:
    """One function to check: its spec as written, the spec resolved against the list's folder, and
    ``check()``'s keyword arguments."""

    spec: str
    resolved: str
    options: dict[str, Any] = field(default_factory=dict)


def load_entries(config: Path) -> list[Entry]:
    """The functions ``config`` lists (a pyproject.toml's ``[tool.verifier]`` or a file of its own)."""
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{config}: cannot read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{config}: not valid TOML ({exc})") from None
    where = f"{config}"
    table = data
    if config.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("verifier")
        where = f"{config} [tool.verifier]"
        if not isinstance(table, dict):
            raise UsageError(f"{config}: no [tool.verifier] table (see docs/ci.md)")
    functions = table.get("function")
    if not isinstance(functions, list) or not functions or not all(isinstance(f, dict) for f in functions):
        raise UsageError(f"{where}: list the functions to check as [[function]] tables (see docs/ci.md)")
    defaults = {**_DEFAULTS, **_options({k: v for k, v in table.items() if k != "function"}, where)}
    entries = []
    for i, item in enumerate(functions, 1):
        here = f"{where}, function {i}"
        spec = item.get("path")
        if not isinstance(spec, str) or not spec:
            raise UsageError(f'{here}: needs path = "FILE::NAME" (or "module:attr")')
        options = {**defaults, **_options({k: v for k, v in item.items() if k != "path"}, here)}
        if "target" not in options:
            raise UsageError(f'{here} ({spec}): needs target = one of the verifier\'s targets, e.g. "gradient"')
        if "support" in options:
            options["support"] = [str(_relative(config, str(s))) for s in options["support"]]
        entries.append(Entry(spec, _resolve(config, spec), _keywords(options)))
    return entries


def _options(items: dict[str, Any], where: str) -> dict[str, Any]:
    for key, value in items.items():
        if key not in _OPTIONS:
            close = difflib.get_close_matches(key, list(_OPTIONS) + ["path"], n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: path, {', '.join(_OPTIONS)}"
            raise UsageError(f"{where}: unknown key {key!r} ({hint})")
        types = _OPTIONS[key][1]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            wanted = " or ".join(t.__name__ for t in types)
            raise UsageError(f"{where}: {key} = {value!r} should be a {wanted}")
    return dict(items)


def _keywords(options: dict[str, Any]) -> dict[str, Any]:
    return {_OPTIONS[k][0]: v for k, v in options.items()}


def _relative(config: Path, path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else config.parent / p


def _resolve(config: Path, spec: str) -> str:
    """A file spec made relative to the list's folder (a module spec stays as written)."""
    path, sep, name = spec.rpartition("::") if "::" in spec else (spec, "", "")
    candidate = _relative(config, path)
    if path.endswith((".py", ".ipynb")) or candidate.exists():
        return str(candidate) + (sep + name if sep else "")
    return spec


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _run(entry: Entry, config: Path, github: bool) -> bool:
    from verifier.checking import check
    from verifier.report.github import error_annotations, locate, reproduce_command
    from verifier.report.text import check_feedback

    result = check(entry.resolved, progress=None, **entry.options)
    location = locate(result.candidate, result.function, [str(config.parent), os.getcwd(), *sys.path])
    if result.passed:
        print(f"ok    {entry.spec} ({result.target})")
        return True
    failed = result.failed()
    where = _shown(location.file) + (f":{location.line}" if location.line else "") if location else entry.spec
    print(
        f"FAIL  {where}: {result.function} is not a correct {result.target} ({result.assessment}); "
        f"failed {', '.join(c.id for c in failed)}"
    )
    if github:
        for line in error_annotations(result, location):
            print(line)
        return False
    if failed:
        print(textwrap.indent(check_feedback(result, failed[0]), "      "))
    print(f"      reproduce: {reproduce_command(result)}")
    return False


def build_parser() -> Parser:
    p = Parser(
        prog="python -m verifier.cli.precommit",
        description="Check the functions a project lists ([tool.verifier] in pyproject.toml, or --config FILE) "
        "against the exact oracle; the pre-commit hook of the verifier.",
    )
    p.add_argument(
        "--config",
        metavar="FILE",
        default="pyproject.toml",
        help="the TOML file that lists the functions (default pyproject.toml, its [tool.verifier] table)",
    )
    p.add_argument(
        "--format",
        dest="output_format",
        choices=("auto", "text", "github"),
        default="auto",
        help="text, or github (::error annotations on the definition lines); auto (default): github when "
        "GITHUB_ACTIONS is set",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the hook; returns the exit code."""
    args = build_parser().parse_args(argv)
    github = args.output_format == "github" or (
        args.output_format == "auto" and os.environ.get("GITHUB_ACTIONS") == "true"
    )
    config = Path(args.config)

    def run_hook() -> int:
        entries = load_entries(config)
        failed = [e.spec for e in entries if not _run(e, config, github)]
        if failed:
            print(f"verifier: {len(failed)} of {len(entries)} functions are not correct: {', '.join(failed)}")
            return ExitCode.FAILED
        return ExitCode.OK

    return run_reporting_errors(run_hook)


if __name__ == "__main__":
    sys.exit(main())
