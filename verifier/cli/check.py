"""``verifier check PATH[::NAME] --target T``: judge one function against the exact oracle.

Exit 0 when every check passed, 1 when any failed (a submission that does not load is a failed
check), 2 for a usage error.  The terminal summary goes to stdout, progress lines to stderr.
``--format github`` adds GitHub Actions annotations on the function's definition line (docs/ci.md).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from verifier.cli.base import progress_printer, writable_file
from verifier.errors import ExitCode, UsageError
from verifier.spec.checks import CHECKS
from verifier.spec.conventions import CONVENTIONS
from verifier.spec.envelopes import STANDARDS
from verifier.spec.formats import FORMATS
from verifier.spec.forms import PENALTIES, REDUCTIONS, penalty_named
from verifier.spec.profiles import PROFILES
from verifier.spec.targets import TARGETS


def _encodings(text: str) -> tuple[str, ...]:
    return tuple(e.strip() for e in text.split(",") if e.strip())


def _penalty(text: str) -> str:
    """--penalty: a factor or a course's spelling of the penalty, as its factor."""
    try:
        return penalty_named(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class CheckCommand:
    name: str = "check"
    help: str = "judge one function against the exact oracle"
    description: str = "Judge one function against the exact oracle."

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "path",
            metavar="PATH[::NAME]",
            help="a .py or .ipynb file or a submission folder, optionally ::FUNCTION, or module:attr",
        )
        p.add_argument(
            "--target",
            "-t",
            required=True,
            choices=list(TARGETS),
            metavar="TARGET",
            help="what the function computes: " + ", ".join(TARGETS),
        )
        p.add_argument(
            "--convention", "-c", default="mls", choices=list(CONVENTIONS), help="calling convention (default mls)"
        )
        p.add_argument(
            "--lambda", dest="lam", type=float, default=0.0, metavar="L", help="L2 regularization strength (default 0)"
        )
        p.add_argument(
            "--precision", default="float64", choices=list(FORMATS), help="the format the function is judged in"
        )
        p.add_argument("--standard", default="robust", choices=list(STANDARDS), help="robust (default) or strict")
        p.add_argument("--profile", default="default", choices=list(PROFILES), help="search effort")
        p.add_argument("--seed", type=int, default=None, help="seed for a reproducible run (default: random, recorded)")
        p.add_argument("--json", dest="json_path", metavar="FILE", help="write the result as JSON to FILE")
        p.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS", help="per-call time limit (default 5)")
        p.add_argument(
            "--only", action="append", choices=list(CHECKS), metavar="CHECK", help="run only this check (repeatable)"
        )
        p.add_argument("--soft-labels", action="store_true", help="also draw soft labels in [0, 1]")
        p.add_argument("--fail-fast", action="store_true", help="stop at the first failing check")
        p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
        p.add_argument(
            "--format",
            dest="output_format",
            choices=("text", "github"),
            default="text",
            help="text (default), or github: the summary plus ::error annotations on the function's "
            "definition line for GitHub Actions (docs/ci.md)",
        )
        g = p.add_argument_group("how the function is called (docs/signatures.md)")
        g.add_argument(
            "--signature", metavar="SIG", help='e.g. "theta, X1, y, lam -> J, grad" (default: the convention\'s)'
        )
        g.add_argument(
            "--reduction", choices=list(REDUCTIONS), default="mean", help="mean (default) or sum of the losses"
        )
        g.add_argument(
            "--penalty",
            type=_penalty,
            default="lam/(2m)",
            help=f"the L2 penalty's factor in front of ||w||^2: {', '.join(PENALTIES)} (default lam/(2m)), "
            "or a course's spelling such as reg*sum(W^2)",
        )
        g.add_argument("--penalize-intercept", action="store_true", help="the penalty includes b (theta[0])")
        g.add_argument(
            "--labels",
            type=_encodings,
            metavar="ENC[,ENC]",
            help="label encodings the function is given: float, int, bool (default float,int)",
        )
        g.add_argument(
            "--support",
            action="append",
            default=[],
            metavar="PATH",
            help="a course file or folder copied next to the submission (repeatable)",
        )
        g.add_argument(
            "--preamble", default="", metavar="CODE", help='code run before the submission, e.g. "import numpy as np"'
        )

    def run(self, args: argparse.Namespace) -> int:
        from verifier.checking import check
        from verifier.report.summary import summarize

        json_path = writable_file(args.json_path, "--json") if args.json_path else None
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
            progress=progress_printer(args.quiet),
            signature=args.signature,
            reduction=args.reduction,
            penalty=args.penalty,
            penalize_intercept=args.penalize_intercept,
            labels=args.labels,
            support=args.support,
            preamble=args.preamble,
        )
        if args.output_format == "github":
            from verifier.report.github import github_report

            print(github_report(result, summarize(result)))
        else:
            print(summarize(result))
        if json_path is not None:
            try:
                json_path.write_text(result.dumps())
            except OSError as exc:
                raise UsageError(f"--json {args.json_path}: cannot write ({exc.strerror})") from None
        return ExitCode.OK if result.passed else ExitCode.FAILED


COMMAND = CheckCommand()
