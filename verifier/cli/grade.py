"""``verifier grade SUBMISSIONS --assignment FILE --out DIR``: grade a class.

Writes DIR/index.html, grades.csv, junit.xml and, per submission, report.html and results.json
(Gradescope).  Stopped runs resume: finished grades are kept.  ``--scheduler`` grades on a Dask
cluster, ``--shard K/N`` grades one shard of the class, ``--merge DIR ...`` combines shards
(docs/scale.md).  Exit 0 when it ran, 2 on a usage error, 3 when the verifier's own files changed
during the batch.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from verifier.errors import ExitCode, UsageError
from verifier.spec.profiles import PROFILES

if TYPE_CHECKING:
    from verifier.grading.assignment import Assignment
    from verifier.grading.batch import ClassRun
    from verifier.grading.shards import Shard


def cpus() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class GradeCommand:
    name: str = "grade"
    help: str = "grade a folder of submissions with an assignment file"
    description: str = (
        "Grade every submission (.py / .ipynb file or per-student folder) in SUBMISSIONS. Writes DIR/index.html, "
        "grades.csv, junit.xml and, per submission, report.html and results.json (Gradescope). Stopped runs "
        "resume: finished grades are kept. Larger classes: --scheduler (a Dask cluster), --shard K/N and "
        "--merge (batch systems); see docs/scale.md."
    )

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "submissions",
            metavar="SUBMISSIONS",
            nargs="?",
            help="folder of .py / .ipynb files or of per-student folders (not with --merge)",
        )
        p.add_argument(
            "--assignment", "-a", required=True, metavar="FILE", help="the assignment (TOML; see docs/grading.md)"
        )
        p.add_argument("--out", "-o", required=True, metavar="DIR", help="where the reports and grades go")
        p.add_argument(
            "--jobs",
            "-j",
            type=int,
            default=cpus(),
            metavar="N",
            help=f"submissions graded at once; with --scheduler local, the number of Dask workers (default {cpus()})",
        )
        p.add_argument(
            "--scheduler",
            metavar="ADDRESS",
            help="grade on a Dask cluster: a running scheduler's address (tcp://HOST:8786; --out on a file system "
            "every worker mounts) or 'local' (--jobs worker processes here); needs the cluster extra",
        )
        p.add_argument(
            "--shard",
            metavar="K/N",
            help="grade only shard K of N (K from 1 to N; a submission's shard is fixed by a hash of its name)",
        )
        p.add_argument(
            "--merge",
            nargs="+",
            metavar="DIR",
            help="instead of grading: combine the --out folders of the shard runs into --out (grades and views)",
        )
        p.add_argument("--profile", choices=list(PROFILES), help="override the assignment's profile")
        p.add_argument("--quiet", "-q", action="store_true", help="no progress output")

    def run(self, args: argparse.Namespace) -> int:
        from verifier.grading.assignment import load_assignment

        _check_combination(args)
        shard = _shard(args.shard)
        assignment = load_assignment(args.assignment)
        if args.profile:
            assignment = replace(assignment, profile=args.profile)
        if args.merge:
            return _merge(args, assignment)
        run = _grade(args, assignment, shard)
        if run.grades:
            mean = sum(g.score for g in run.grades) / len(run.grades)
            print(
                f"graded {len(run.grades)} submissions ({run.reused} from an earlier run) in {run.elapsed:.1f}s; "
                f"mean score {mean:.2f} / {assignment.max_score:g}"
            )
        elif shard is None:
            print(f"no .py or .ipynb submissions found in {args.submissions}")
        _print_outputs(Path(args.out))
        return ExitCode.OK


def _check_combination(args: argparse.Namespace) -> None:
    """Either SUBMISSIONS (graded, with the grading options) or --merge; never both, never neither."""
    if args.merge:
        given = [name for name, value in (("SUBMISSIONS", args.submissions), ("--shard", args.shard)) if value]
        given += ["--scheduler"] if args.scheduler else []
        if given:
            raise UsageError(
                f"--merge combines the --out folders of graded shards: it takes no {' or '.join(given)} "
                "(grade the shards first, then run --merge DIR ... --assignment FILE --out DIR alone)"
            )
    elif not args.submissions:
        raise UsageError("pass SUBMISSIONS (the folder of submissions to grade), or --merge DIR ... to combine shards")
    if args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: pass a whole number of processes >= 1")
    if args.scheduler:
        from verifier.grading.cluster import distributed

        distributed()  # a missing Dask is one line before anything is discovered


def _shard(text: str | None) -> Shard | None:
    from verifier.grading.shards import Shard

    return Shard.parse(text) if text is not None else None


def _grade(args: argparse.Namespace, assignment: Assignment, shard: Shard | None) -> ClassRun:
    """Discover the class, keep the shard's part of it, and grade that with the engine asked for."""
    from verifier.grading.batch import discover_class, grade_many
    from verifier.report.views import CLASS_REPORTS

    out = Path(args.out)
    subs = discover_class(args.submissions, assignment, out)
    progress = None if args.quiet else sys.stderr
    from verifier.grading.shards import forget_shard, take_shard

    if shard is not None:
        whole = len(subs)
        subs = take_shard(subs, shard, assignment, out)
        print(f"shard {shard}: {len(subs)} of the {whole} submissions in {args.submissions}")
    else:
        forget_shard(out)  # a folder graded whole is no shard's output any more
    if args.scheduler:
        from verifier.grading.cluster import grade_on_cluster

        return grade_on_cluster(
            subs, assignment, out, args.scheduler, jobs=args.jobs, progress=progress, views=CLASS_REPORTS
        )
    return grade_many(subs, assignment, out, jobs=args.jobs, progress=progress, views=CLASS_REPORTS)


def _merge(args: argparse.Namespace, assignment: Assignment) -> int:
    from verifier.grading.shards import merge_shards
    from verifier.report.views import CLASS_REPORTS

    run = merge_shards(args.merge, assignment, args.out, views=CLASS_REPORTS)
    print(f"merged {len(run.grades)} grades from {len(args.merge)} shard folders")
    _print_outputs(Path(args.out))
    return ExitCode.OK


def _print_outputs(out: Path) -> None:
    print(f"class report: {out / 'index.html'}")
    print(f"grades: {out / 'grades.csv'}, {out / 'junit.xml'}")


COMMAND = GradeCommand()
