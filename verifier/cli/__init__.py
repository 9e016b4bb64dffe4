"""The command line: ``verifier check | grade | gradescope | prairielearn | audit | demo``.

``main(argv) -> int`` returns an ExitCode (verifier.errors).  Each subcommand is a module of this
package implementing the ``Subcommand`` protocol (verifier/cli/base.py); ``SUBCOMMANDS`` is the
registry.  Errors the user must fix (VerifierError) print one line to stderr without a traceback
and exit with the error's code; findings about the candidate are results, not errors.
"""

from __future__ import annotations

from collections.abc import Sequence

from verifier.about import __version__
from verifier.cli import audit, check, demo, grade, gradescope, prairielearn
from verifier.cli.base import Parser, Subcommand, run_reporting_errors
from verifier.errors import ExitCode

_COMMANDS: tuple[Subcommand, ...] = (
    check.COMMAND,
    grade.COMMAND,
    gradescope.COMMAND,
    prairielearn.COMMAND,
    audit.COMMAND,
    demo.COMMAND,
)
SUBCOMMANDS: dict[str, Subcommand] = {c.name: c for c in _COMMANDS}


def build_parser() -> Parser:
    parser = Parser(
        prog="verifier", description="Property-based verification of logistic regression code against an exact oracle."
    )
    parser.add_argument("--version", action="version", version=f"verifier {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in SUBCOMMANDS.values():
        command.add_arguments(sub.add_parser(command.name, help=command.help, description=command.description))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = SUBCOMMANDS.get(args.command) if args.command else None
    if command is None:
        parser.print_help()
        return ExitCode.USAGE
    return run_reporting_errors(lambda: command.run(args))


__all__ = ["main", "build_parser", "SUBCOMMANDS", "ExitCode"]
