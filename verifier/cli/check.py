"""Command line: ``verifier check``, ``verifier demo`` (and the commands of later modules).

``main(argv) -> int`` returns an ExitCode.  Expected errors (missing file, bad argument) print one
line to stderr and exit 2 without a traceback; findings about the candidate exit 1.
"""

from __future__ import annotations

import argparse
import enum
import sys
from pathlib import Path
from typing import Sequence

from verifier.checks import CHECKS
from verifier.conventions import CONVENTIONS
from verifier.envelopes import STANDARDS
from verifier.formats import FORMATS
from verifier.profiles import PROFILES
from verifier.targets import TARGETS


class ExitCode(enum.IntEnum):
    OK = 0  # every check passed
    FAILED = 1  # a check failed (including a submission that does not load)
    USAGE = 2  # the verifier could not do what was asked
    INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        self.exit(ExitCode.USAGE, f"verifier: error: {message} (see 'verifier {self.prog.split()[-1]} --help')\n" if " " in self.prog else f"verifier: error: {message}\n")


def _add_check(sub) -> None:
    p = sub.add_parser("check", help="judge one function against the exact oracle", description="Judge one function against the exact oracle.")
    p.add_argument("path", metavar="PATH[::NAME]", help="a .py or .ipynb file, optionally ::FUNCTION, or module:attr")
    p.add_argument("--target", "-t", required=True, choices=list(TARGETS), metavar="TARGET", help="what the function computes: " + ", ".join(TARGETS))
    p.add_argument("--convention", "-c", default="mls", choices=list(CONVENTIONS), help="calling convention (default mls)")
    p.add_argument("--lambda", dest="lam", type=float, default=0.0, metavar="L", help="L2 regularization strength (default 0)")
    p.add_argument("--precision", default="float64", choices=list(FORMATS), help="the format the function is judged in")
    p.add_argument("--standard", default="robust", choices=list(STANDARDS), help="robust (default) or strict")
    p.add_argument("--profile", default="default", choices=list(PROFILES), help="search effort")
    p.add_argument("--seed", type=int, default=None, help="seed for a reproducible run (default: random, recorded)")
    p.add_argument("--json", dest="json_path", metavar="FILE", help="write the result as JSON to FILE")
    p.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS", help="per-call time limit (default 5)")
    p.add_argument("--only", action="append", choices=list(CHECKS), metavar="CHECK", help="run only this check (repeatable)")
    p.add_argument("--soft-labels", action="store_true", help="also draw soft labels in [0, 1]")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first failing check")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="verifier", description="Property-based verification of logistic regression code against an exact oracle.")
    from verifier import __version__

    parser.add_argument("--version", action="version", version=f"verifier {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_check(sub)
    sub.add_parser("demo", help="show the oracle (and the grader) at work on the bundled example")
    for extra in _extensions():
        extra.add_parser(sub)
    return parser


def _extensions():
    """Subcommands contributed by optional modules (grading, audit), when present."""
    mods = []
    for name in ("verifier.grading_cli", "verifier.audit_cli"):
        try:
            mods.append(__import__(name, fromlist=["add_parser"]))
        except ImportError:
            continue
    return mods


def _cmd_check(args) -> int:
    from verifier.api import UsageError, check
    from verifier.summary import summarize

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.json_path:
        parent = Path(args.json_path).resolve().parent
        if not parent.is_dir():
            raise UsageError(f"--json {args.json_path}: folder {parent} does not exist")
    result = check(
        args.path,
        target=args.target,
        convention=args.convention,
        lam=args.lam,
        precision=args.precision,
        standard=args.standard,
        profile=args.profile,
        seed=args.seed,
        call_timeout=args.timeout,
        only=args.only,
        soft_labels=args.soft_labels,
        fail_fast=args.fail_fast,
        progress=None if args.quiet else progress,
    )
    print(summarize(result))
    if args.json_path:
        try:
            Path(args.json_path).write_text(result.dumps())
        except OSError as exc:
            raise UsageError(f"--json {args.json_path}: cannot write ({exc.strerror})") from None
    return ExitCode.OK if result.passed else ExitCode.FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from verifier.api import UsageError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return ExitCode.USAGE
    try:
        if args.command == "check":
            return _cmd_check(args)
        if args.command == "demo":
            from verifier.demo import run_demo

            return run_demo(sys.stdout)
        for extra in _extensions():
            if extra.handles(args.command):
                return extra.run(args)
    except UsageError as exc:
        print(f"verifier: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("verifier: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    parser.print_help()
    return ExitCode.USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
