"""What every subcommand is: a declared interface, the argument parser and the one error line.

A subcommand is an object with ``name``, ``help``, ``add_arguments(parser)`` and ``run(args) -> int``
(the ``Subcommand`` protocol); ``verifier.cli.SUBCOMMANDS`` lists them.  Errors for people go through
``fail``: one line on stderr, no traceback, the exit code of the error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, Protocol

from verifier.errors import ExitCode, IntegrityError, UsageError, VerifierError


class Subcommand(Protocol):
    """One ``verifier COMMAND``."""

    @property
    def name(self) -> str:
        """The command word."""

    @property
    def help(self) -> str:
        """One line for ``verifier --help``."""

    @property
    def description(self) -> str:
        """The paragraph of ``verifier COMMAND --help``."""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the command's options."""

    def run(self, args: argparse.Namespace) -> int:
        """Do the work; return an ExitCode.  Raise VerifierError for what the user must fix."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors that exit 2 and point to ``--help``."""

    def error(self, message: str) -> NoReturn:
        sub = self.prog.split()[-1] if " " in self.prog else ""
        hint = f" (see 'verifier {sub} --help')" if sub else ""
        self.exit(ExitCode.USAGE, f"verifier: error: {message}{hint}\n")


def writable_file(path: str, option: str) -> Path:
    """``path`` as a Path whose folder exists; UsageError naming ``option`` otherwise."""
    p = Path(path)
    parent = p.resolve().parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: folder {parent} does not exist")
    return p


def progress_printer(quiet: bool):
    """A progress callback printing to stderr, or None when ``quiet``."""
    if quiet:
        return None

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    return progress


def run_reporting_errors(action: Callable[[], int]) -> int:
    """``action()``'s exit code; an error the user must fix (VerifierError) is one line on stderr and
    the error's exit code, an integrity alarm is said as an alert, an interrupt exits as interrupted."""
    try:
        return action()
    except IntegrityError as exc:
        print(f"verifier: ALERT: {exc}", file=sys.stderr)
        return exc.exit_code
    except VerifierError as exc:
        print(f"verifier: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("verifier: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
