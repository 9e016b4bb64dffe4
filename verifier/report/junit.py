"""junit.xml for a grading run: a testsuite per submission, a testcase per check of each task.

Everything is escaped by ElementTree; characters XML 1.0 cannot hold at all (control characters,
lone surrogates) are replaced, so the file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
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
    root = ET.Element("testsuites", name=xml_text(assignment.name))
    total = failures = errors = 0
    for g in grades:
        suite = ET.SubElement(root, "testsuite", name=xml_text(g.submission))
        n = nf = ne = 0
        for task in g.tasks:
            by_id = {c.id: c for c in task.result.checks} if task.result is not None else {}
            for cg in task.checks:
                n += 1
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
                if task.error or g.error:
                    ne += 1
                    ET.SubElement(case, "error", message=first[:500]).text = text
                else:
                    nf += 1
                    ET.SubElement(case, "failure", message=first[:500]).text = text
        suite.set("tests", str(n))
        suite.set("failures", str(nf))
        suite.set("errors", str(ne))
        suite.set("time", f"{g.elapsed:.3f}")
        props = ET.SubElement(suite, "properties")
        for key, value in (("seed", g.seed), ("score", g.score), ("max_score", g.max_score)):
            ET.SubElement(props, "property", name=key, value=xml_text(value))
        total, failures, errors = total + n, failures + nf, errors + ne
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
