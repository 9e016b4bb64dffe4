"""junit.xml for a grading run: a testsuite per submission, a testcase per check of each task.

Everything is escaped by ElementTree; characters XML 1.0 cannot hold at all (control characters,
lone surrogates) are replaced, so the file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from verifier.report.text import check_feedback

if TYPE_CHECKING:
    from verifier.grading.assignment import Assignment
    from verifier.grading.grades import SubmissionGrade

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by U+FFFD."""
    return _INVALID_XML.sub("\ufffd", str(text))


def junit_xml(grades: Iterable[SubmissionGrade], assignment: Assignment) -> str:
    """The JUnit XML text of a run."""
    return "".join(junit_parts(list(grades), assignment))


def junit_parts(grades: Sequence[SubmissionGrade], assignment: Assignment) -> Iterator[str]:
    """The JUnit XML text of a run in pieces, one ``testsuite`` at a time (what ``junit_xml`` joins):
    a large class's file is written without the whole document in memory."""
    counts = [_counts(g) for g in grades]
    root = ET.Element("testsuites", name=xml_text(assignment.name))
    root.set("tests", str(sum(c[0] for c in counts)))
    root.set("failures", str(sum(c[1] for c in counts)))
    root.set("errors", str(sum(c[2] for c in counts)))
    empty = ET.tostring(root, encoding="unicode", xml_declaration=True)  # <?xml ...?>\n<testsuites ... />
    if not grades:
        yield empty + "\n"
        return
    yield empty.removesuffix(" />") + ">"
    for g, (tests, failures, errors) in zip(grades, counts):
        yield ET.tostring(_suite(g, tests, failures, errors), encoding="unicode")
    yield "</testsuites>\n"


def _counts(g: SubmissionGrade) -> tuple[int, int, int]:
    """(tests, failures, errors) of ``g``'s testsuite: a check that did not pass is an error when its
    task or the submission could not be graded, else a failure."""
    tests = failures = errors = 0
    for task in g.tasks:
        tests += len(task.checks)
        failed = sum(not cg.passed for cg in task.checks)
        if task.error or g.error:
            errors += failed
        else:
            failures += failed
    return tests, failures, errors


def _suite(g: SubmissionGrade, tests: int, failures: int, errors: int) -> ET.Element:
    """``g``'s testsuite, with its counts (``_counts``)."""
    suite = ET.Element("testsuite", name=xml_text(g.submission))
    for task in g.tasks:
        by_id = {c.id: c for c in task.result.checks} if task.result is not None else {}
        for cg in task.checks:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=xml_text(f"{g.submission}.{task.name}"),
                name=xml_text(cg.id),
                time="0",
            )
            if cg.passed:
                continue
            text = xml_text(check_feedback(task.result, by_id.get(cg.id), fallback=cg.message))
            first = text.splitlines()[0] if text else "failed"
            kind = "error" if task.error or g.error else "failure"
            ET.SubElement(case, kind, message=first[:500]).text = text
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("time", f"{g.elapsed:.3f}")
    props = ET.SubElement(suite, "properties")
    for key, value in (("seed", g.seed), ("score", g.score), ("max_score", g.max_score)):
        ET.SubElement(props, "property", name=key, value=xml_text(value))
    return suite
