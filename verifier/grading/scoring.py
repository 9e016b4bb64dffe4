"""Grading one submission: every task judged with ``verifier.checking.check`` and scored.

``grade_submission`` judges one submission in this process (its code still runs in sandbox
workers); ``score_task`` turns a task's Result into points per check; ``failed_grade`` is the zero
given, with the reason, to a submission whose grading crashed or ran out of time.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from verifier.about import versions
from verifier.checking import check, shared_workers
from verifier.grading.assignment import Assignment, Task
from verifier.grading.discovery import Submission, source_for
from verifier.grading.grades import CheckGrade, SubmissionGrade, TaskGrade
from verifier.sandbox import active_layers
from verifier.spec.checks import CHECKS
from verifier.spec.conventions import get_convention
from verifier.spec.results import Result
from verifier.spec.targets import get_target

NO_AGREEMENT = (
    "passed, but earns no points: the function agrees with the exact values on none of the correctness checks "
    "(require_agreement)"
)
_SETUP_CHECKS = ("contract.loads", "contract.function")


def derive_seed(assignment_seed: int, name: str) -> int:
    """The seed of one submission: a hash of the assignment's seed and the submission's name."""
    digest = hashlib.sha256(f"{assignment_seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _agreement_check(check_id: str) -> bool:
    check = CHECKS[check_id]
    return check.tier == "correctness" and check.kind == "accuracy"


def agrees_nowhere(task: Task, result: Result | None) -> bool:
    """True when every agreement check of the task (correctness checks that compare values with the
    oracle) ran and none passed: the function never agrees with the oracle (a stub, a constant, the
    wrong formula)."""
    if result is None:
        return True
    by_id = {c.id: c for c in result.checks}
    agreement = [
        cid for cid in task.check_ids() if CHECKS[cid].tier == "correctness" and CHECKS[cid].kind == "accuracy"
    ]
    return bool(agreement) and all(cid in by_id and not by_id[cid].passed for cid in agreement)


def score_task(
    task: Task, result: Result | None, default_visibility: str, error: str = "", require_agreement: bool = True
) -> tuple[float, tuple[CheckGrade, ...]]:
    """Points of a task from its result: every check the task runs is worth ``points_for``; a check
    missing from the result (the submission did not load, the function is absent) failed.  With
    ``require_agreement``, a task that agrees with the oracle nowhere earns nothing from its other
    checks either (a stub that returns a constant must not collect identity or contract points)."""
    by_id = {c.id: c for c in result.checks} if result is not None else {}
    setup = next((by_id[c] for c in _SETUP_CHECKS if c in by_id and not by_id[c].passed), None)
    reason = error or (setup.message if setup is not None else "the check did not run")
    gated = require_agreement and result is not None and agrees_nowhere(task, result)
    grades = []
    earned = 0.0  # summed before rounding: 3 x round(20/3, 6) would give 20.000001
    for cid, pts in task.points_for().items():
        c = by_id.get(cid)
        passed = bool(c is not None and c.passed)
        message = c.message if c is not None else reason
        if gated and passed:
            message = NO_AGREEMENT
        earned += pts if passed and not gated else 0.0
        grades.append(
            CheckGrade(
                id=cid,
                tier=CHECKS[cid].tier,
                title=CHECKS[cid].title,
                passed=passed,
                points=round(pts, 6) if passed and not gated else 0.0,
                max_points=round(pts, 6),
                visibility=task.visibility_of(cid, default_visibility),
                message=message,
            )
        )
    return min(round(earned, 6), task.points), tuple(grades)


def _task_names(task: Task) -> list[str]:
    if task.function:
        return [task.function]
    return get_convention(task.convention).functions(get_target(task.target), task.lam)


def grade_task(task: Task, sub: Submission, assignment: Assignment, seed: int, bank: Any = None) -> TaskGrade:
    """Judge one task of one submission on the assignment's case bank first (``bank``, else built from
    the assignment's seed), then with exploration from ``seed``; an error inside the verifier becomes a
    zero with the reason."""
    names = _task_names(task)
    src = source_for(sub.sources, names)
    if src is None:
        score, checks = score_task(task, None, assignment.visibility, "the submission has no .py or .ipynb file")
        return TaskGrade(
            task.name, names[0], "", score, task.points, checks, None, "the submission has no .py or .ipynb file"
        )
    try:
        result = check(
            str(src),
            target=task.target,
            convention=task.convention,
            lam=task.lam,
            precision=task.precision,
            standard=assignment.standard,
            profile=assignment.profile,
            seed=seed,
            function=task.function,
            call_timeout=assignment.call_timeout,
            only=task.check_ids(),
            signature=task.signature,
            reduction=task.reduction,
            penalty=task.penalty,
            penalize_intercept=task.penalize_intercept,
            labels=task.labels,
            support=assignment.support,
            preamble=assignment.preamble,
            root=str(sub.root) if sub.root is not None else None,
            cases=bank,
            bank_seed=assignment.seed,
        )
    except Exception as exc:  # a verifier fault on this submission must not stop the class
        error = f"grading this task failed: {type(exc).__name__}: {exc}"
        score, checks = score_task(task, None, assignment.visibility, error)
        return TaskGrade(task.name, names[0], str(src), score, task.points, checks, None, error)
    score, checks = score_task(task, result, assignment.visibility, require_agreement=assignment.require_agreement)
    return TaskGrade(task.name, result.function, str(src), score, task.points, checks, result)


def grade_submission(
    sub: Submission, assignment: Assignment, seed: int | None = None, banks: Any = None
) -> SubmissionGrade:
    """Grade one submission on every task of ``assignment`` (seed derived from its name by default);
    ``banks`` from ``verifier.grading.banking.prepare`` (the same cases for every submission)."""
    seed = derive_seed(assignment.seed, sub.name) if seed is None else seed
    start = time.perf_counter()
    banks = banks or {}
    with shared_workers():  # one worker per source file for all the tasks
        tasks = tuple(grade_task(t, sub, assignment, seed, banks.get(t.name)) for t in assignment.tasks)
    return SubmissionGrade(
        submission=sub.name,
        slug=sub.slug,
        sources=tuple(str(p) for p in sub.sources),
        seed=seed,
        assignment=assignment.name,
        assignment_hash=assignment.digest(),
        score=round(sum(t.score for t in tasks), 6),
        max_score=assignment.max_score,
        tasks=tasks,
        elapsed=time.perf_counter() - start,
        profile=assignment.profile,
        versions={**versions(), "isolation": ", ".join(active_layers())},
        notes=sub.notes,
    )


def failed_grade(sub: Submission, assignment: Assignment, reason: str, elapsed: float = 0.0) -> SubmissionGrade:
    """A zero for a submission whose grading crashed or ran out of time, with the reason."""
    tasks = []
    for t in assignment.tasks:
        _, checks = score_task(t, None, assignment.visibility, reason)
        tasks.append(TaskGrade(t.name, t.function or _task_names(t)[0], "", 0.0, t.points, checks, None, reason))
    return SubmissionGrade(
        submission=sub.name,
        slug=sub.slug,
        sources=tuple(str(p) for p in sub.sources),
        seed=derive_seed(assignment.seed, sub.name),
        assignment=assignment.name,
        assignment_hash=assignment.digest(),
        score=0.0,
        max_score=assignment.max_score,
        tasks=tuple(tasks),
        elapsed=elapsed,
        error=reason,
        profile=assignment.profile,
    )
