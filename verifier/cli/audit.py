"""``verifier audit``: the command line of the library audit (picked up by verifier.cli).

    verifier audit [LIBRARY ...] [--precision float64 float32] [--profile P] [--out DIR]
                   [--json FILE] [--markdown FILE] [--function TEXT] [--only CHECK] [--seed N]

Writes the HTML table to DIR/audit.html (default reports/audit), the JSON list to FILE and, with
``--markdown``, the table of docs/accuracy.md.  Exit 0 when it ran (findings about libraries are the
report's content, not an error), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from verifier.audit.adapters import ADAPTERS, canonical
from verifier.audit.run import STANDARDS, audit, summary_lines, to_markdown
from verifier.cli.base import progress_printer, writable_file
from verifier.errors import ExitCode, UsageError
from verifier.spec.checks import CHECKS


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "libraries",
        nargs="*",
        metavar="LIBRARY",
        help="libraries to audit (default: all installed): " + ", ".join(ADAPTERS),
    )
    p.add_argument("--precision", nargs="+", default=["float64", "float32"], choices=["float64", "float32"])
    p.add_argument("--standard", nargs="+", default=list(STANDARDS), choices=list(STANDARDS))
    p.add_argument(
        "--profile", default="quick", choices=["quick", "default", "thorough"], help="search effort (default quick)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed (default 0, so that the table is reproducible)")
    p.add_argument(
        "--out", default="reports/audit", metavar="DIR", help="folder for audit.html (default reports/audit)"
    )
    p.add_argument("--json", dest="json_path", metavar="FILE", help="write the JSON list of records to FILE")
    p.add_argument("--markdown", metavar="FILE", help="write the markdown accuracy table to FILE (docs/accuracy.md)")
    p.add_argument(
        "--function",
        action="append",
        metavar="TEXT",
        help="only library functions whose name contains TEXT (repeatable)",
    )
    p.add_argument("--only", action="append", metavar="CHECK", help="run only this check id (repeatable)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")


def _run(args: argparse.Namespace) -> int:
    from verifier.report import audit_html

    try:
        libraries = [canonical(name) for name in args.libraries]
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    unknown = [c for c in (args.only or []) if c not in CHECKS]
    if unknown:
        raise UsageError(f"unknown check id(s) {unknown}; known: {', '.join(CHECKS)}")
    json_path = writable_file(args.json_path, "--json") if args.json_path else None
    md_path = writable_file(args.markdown, "--markdown") if args.markdown else None
    progress = progress_printer(args.quiet)
    result = audit(
        libraries or None,
        tuple(args.precision),
        tuple(args.standard),
        args.profile,
        args.seed,
        args.only,
        args.function,
        progress,
    )
    for note in result.skipped:
        print(f"note: {note}", file=sys.stderr)
    if not result.rows:
        raise UsageError("nothing to audit: no adapted library function matched")
    print("\n".join(summary_lines(result)))
    html = audit_html.write(result, args.out)
    print(f"HTML: {html}")
    if json_path:
        json_path.write_text(result.dumps())
        print(f"JSON: {json_path}")
    if md_path:
        command = (
            "verifier audit " + " ".join(sys.argv[2:])
            if sys.argv[1:2] == ["audit"]
            else "verifier audit --markdown docs/accuracy.md"
        )
        md_path.write_text(to_markdown(result, command))
        print(f"markdown: {md_path}")
    return ExitCode.OK


@dataclass(frozen=True)
class AuditCommand:
    name: str = "audit"
    help: str = "judge library implementations (numpy, scipy, sklearn, torch, ...)"
    description: str = (
        "Judge library implementations through built-in adapters, under the robust and the strict "
        "standard side by side."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        _add_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        return _run(args)


COMMAND = AuditCommand()
