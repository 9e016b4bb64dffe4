"""A SubmissionGrade in PrairieLearn's external-grading format (results.json), kept under 1 MB.

Format (PrairieLearn's documentation, "External grading", "Grading results"): a JSON object with
``score`` (the fraction earned, in [0, 1]), ``gradable`` (false: "invalid, not gradable", the student
is not charged an attempt) with ``format_errors`` (strings), ``message``, ``output`` and ``tests``:
one object per test with ``name``, ``description``, ``points``, ``max_points``, ``message`` and
``output``.  ``succeeded`` says whether the grader itself worked, as PrairieLearn's own Python grader
writes it.  PrairieLearn refuses a results.json over 1 MiB; ``dumps_within`` shortens the longest
texts (with a note) until the file fits in ``MAX_BYTES``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from verifier.grading.prairielearn import format_errors
from verifier.report.text import check_feedback

if TYPE_CHECKING:
    from verifier.grading.assignment import Assignment
    from verifier.grading.grades import SubmissionGrade

MAX_BYTES = 1_000_000  # below PrairieLearn's cap of 1 MiB (1,048,576 bytes), whichever "MB" is meant
MIN_TEXT = 200  # characters every shortened text keeps
TRUNCATED = "Some of this feedback was shortened to keep results.json within PrairieLearn's 1 MB limit."


def _withheld(visibility: str) -> bool:
    return visibility != "visible"


def _test(task: Any, cg: Any, by_id: dict[str, Any]) -> dict[str, Any]:
    where = f" ({task.function})" if task.function else ""
    test: dict[str, Any] = {
        "name": f"{task.name}: {cg.id}",
        "description": f"{cg.title}{where}",
        "points": float(cg.points),
        "max_points": float(cg.max_points),
    }
    if _withheld(cg.visibility):
        # PrairieLearn shows every test at once: a check the course keeps back shows its points only
        test["message"] = f"{'Passed' if cg.passed else 'Failed'}; details are withheld ({cg.visibility})."
        test["output"] = ""
        return test
    # the message is the check's first line; the output the rest: details, counterexample, likely mistake
    message = cg.message.strip()
    if cg.passed:
        test["message"] = message or "Passed"
        test["output"] = ""
        return test
    feedback = check_feedback(task.result, by_id.get(cg.id), fallback=cg.message).strip()
    first, _, rest = (message or "Failed").partition("\n")
    if message and feedback.startswith(message):
        feedback = (rest + feedback[len(message) :]).strip("\n")
    test["message"] = first
    test["output"] = feedback
    return test


def _summary(grade: SubmissionGrade, assignment: Assignment, loading: list[str]) -> str:
    lines = [f"{assignment.name}: {grade.score:g} / {grade.max_score:g} points"]
    if grade.error:
        lines.append(f"Grading failed: {grade.error}")
    for task in grade.tasks:
        passed = sum(c.passed for c in task.checks)
        where = f" ({task.function})" if task.function else ""
        lines.append(
            f"  {task.name}{where}: {task.assessment}, {task.score:g} / {task.max_score:g}, "
            f"{passed} of {len(task.checks)} checks passed"
        )
        if task.error and task.error != grade.error:
            lines.append(f"    {task.error}")
    lines.append(f"Seed {grade.seed}, profile {grade.profile or assignment.profile}.")
    if loading:
        lines.append("")
        lines.append("While loading the submission:")
        lines += [f"  {note}" for note in loading]
    return "\n".join(lines)


def _loading_notes(grade: SubmissionGrade) -> list[str]:
    """What discovery and loading noted (skipped statements, warnings), each once."""
    notes = list(grade.notes)
    for task in grade.tasks:
        if task.result is not None:
            notes += task.result.warnings
    return list(dict.fromkeys(notes))


def prairielearn_results(grade: SubmissionGrade, assignment: Assignment, student: Path | None = None) -> dict[str, Any]:
    """The results.json object for one submission: not gradable (with ``format_errors``) when it does
    not load or lacks a function, else the score as a fraction and one test per check of every task."""
    loading = _loading_notes(grade)
    errors = format_errors(grade, student)
    if errors:
        return {
            "succeeded": True,
            "gradable": False,
            "score": 0.0,
            "format_errors": errors,
            "message": "This submission cannot be graded, so it does not count as an attempt: "
            + errors[0].splitlines()[0],
            "output": _summary(grade, assignment, loading),
        }
    tests = []
    for task in grade.tasks:
        by_id = {c.id: c for c in task.result.checks} if task.result is not None else {}
        tests += [_test(task, cg, by_id) for cg in task.checks]
    if grade.max_score > 0:
        fraction = min(max(grade.score / grade.max_score, 0.0), 1.0)
    else:
        fraction = 1.0 if grade.passed else 0.0
    message = f"{grade.score:g} / {grade.max_score:g} points."
    if grade.error:
        message += f" Grading stopped: {grade.error}"
    return {
        "succeeded": True,
        "gradable": True,
        "score": round(fraction, 6),
        "max_points": float(grade.max_score),
        "message": message,
        "output": _summary(grade, assignment, loading),
        "tests": tests,
    }


def failure_results(message: str, output: str = "") -> dict[str, Any]:
    """results.json when the grader itself could not grade: ``succeeded`` false and the reason."""
    return {"succeeded": False, "score": 0.0, "message": message, "output": output}


# --------------------------------------------------------------------------- the 1 MB limit
_TOP_TEXTS = ("output", "message")
_TEST_TEXTS = ("output", "message", "description", "name")


def _texts(data: dict[str, Any]) -> list[str]:
    """Every text that may be shortened."""
    texts = [data[k] for k in _TOP_TEXTS if isinstance(data.get(k), str)]
    errors = data.get("format_errors")
    if isinstance(errors, list):
        texts += [e for e in errors if isinstance(e, str)]
    for test in data.get("tests") or ():
        texts += [test[k] for k in _TEST_TEXTS if isinstance(test.get(k), str)]
    return texts


def _shorten(text: Any, cap: int) -> Any:
    if not isinstance(text, str) or len(text) <= cap:
        return text
    left = len(text) - cap
    return f"{text[:cap]}\n[... {left} more characters left out: results.json is limited to 1 MB]"


def _capped(data: dict[str, Any], cap: int) -> dict[str, Any]:
    """A copy of ``data`` with every text cut to ``cap`` characters (and the note in ``message``)."""
    copy = dict(data)
    for k in _TOP_TEXTS:
        if k in copy:
            copy[k] = _shorten(copy[k], cap)
    if isinstance(copy.get("format_errors"), list):
        copy["format_errors"] = [_shorten(e, cap) for e in copy["format_errors"]]
    if copy.get("tests"):
        copy["tests"] = [{**t, **{k: _shorten(t[k], cap) for k in _TEST_TEXTS if k in t}} for t in copy["tests"]]
    if any(len(t) > cap for t in _texts(data)):
        copy["message"] = f"{TRUNCATED} {copy.get('message', '')}".strip()
    return copy


def _dumps(data: dict[str, Any]) -> str:
    # ASCII only (every other character escaped), so the length in characters is the size in bytes
    return json.dumps(data, indent=1, allow_nan=False, ensure_ascii=True)


def dumps_within(data: dict[str, Any], limit: int = MAX_BYTES) -> str:
    """``data`` as JSON of at most ``limit`` bytes: the longest texts are cut to the largest common
    length that fits, each with a note saying how much was left out, and ``message`` says so.  If even
    short texts do not fit (thousands of tests), the tests keep only their names and points."""
    text = _dumps(data)
    if len(text) <= limit:
        return text
    longest = max(map(len, _texts(data)), default=0)
    best = _largest_fitting(MIN_TEXT, max(longest, MIN_TEXT), lambda cap: _dumps(_capped(data, cap)), limit)
    if best is not None:
        return best
    bare = _capped(data, MIN_TEXT)
    tests = [{k: t[k] for k in ("name", "points", "max_points") if k in t} for t in bare.get("tests") or ()]
    bare.pop("output", None)

    def keeping(n: int) -> dict[str, Any]:
        left = len(tests) - n
        note = " The tests show names and points only" + (f"; {left} tests are left out." if left else ".")
        return {**bare, "message": bare.get("message", "") + note, "tests": tests[:n]}

    kept = _largest_fitting(0, len(tests), lambda n: _dumps(keeping(n)), limit)
    if kept is not None:
        return kept
    # nothing left to cut but the essentials
    return _dumps({k: bare[k] for k in ("succeeded", "gradable", "score") if k in bare} | {"message": TRUNCATED})


def _largest_fitting(lo: int, hi: int, text: Callable[[int], str], limit: int) -> str | None:
    """``text(k)`` for the largest k in [lo, hi] whose text is at most ``limit`` long (the length grows
    with k), by bisection; None when even ``text(lo)`` is too long."""
    best = None
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = text(mid)
        if len(candidate) <= limit:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best
