"""The views of a grade: Gradescope results.json, grades.csv, junit.xml and the HTML pages.

Built from synthetic grades whose every string is hostile (markup, formula prefixes, control
characters), so escaping is tested where it matters.
"""

import csv
import dataclasses
import html
import io
import json
import math
import re
import types
import warnings
import xml.etree.ElementTree as ET

import pytest

from verifier.grading.assignment import parse_assignment
from verifier.grading.discovery import Submission
from verifier.grading.grades import SubmissionGrade, TaskGrade
from verifier.grading.scoring import failed_grade, score_task
from verifier.report.csv_grades import grades_csv, safe_cell
from verifier.report.gradescope_json import gradescope_results
from verifier.report.html import render_check_fragment, render_index, render_submission
from verifier.report.junit import junit_parts, junit_xml
from verifier.report.plots import ILL_CONDITIONED_NOTE, error_plot, error_plot_data, score_histogram
from verifier.report.snippet import reproduce
from verifier.spec.results import CheckResult, Counterexample, Diagnosis, Result, Sample

HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'
CONTROL = "bell\x07 escape\x1b[31m nul\x00 end"

ASSIGNMENT = parse_assignment(
    {
        "assignment": {"name": "Week 3 <b>lab</b>", "seed": 7, "profile": "quick"},
        "task": [
            {
                "name": "gradient",
                "target": "gradient",
                "points": 6,
                "checks": ["correctness.benign", "stability.overflow", "contract.pure"],
                "split": {"correctness": 3, "stability": 2, "contract": 1},
                "visibility": {"stability": "after_due_date", "contract.pure": "hidden"},
            },
        ],
    },
    "t.toml",
)


def make_result(message: str = HOSTILE) -> Result:
    ce = Counterexample(
        inputs={"X": [[1.0, -2.5]], "w": [0.5, 1e-300], "b": 710.0, "lam": 0.0, "y": [1.0]},
        expected={"dj_dw": ["0.0", "-0.0"], "dj_db": ["0.0"]},
        actual={"dj_dw": [float("nan"), 0.0], "dj_db": [float("inf")]},
        ulps=math.inf,
        bits=math.inf,
        ratio=math.inf,
        component="dj_db",
        z=[710.25],
    )
    checks = (
        CheckResult(
            "correctness.benign",
            "correctness",
            "agrees for moderate inputs",
            True,
            "held on 20 cases",
            20,
            samples=tuple(Sample(z / 10, 0.5, True) for z in range(-20, 21)),
        ),
        CheckResult(
            "stability.overflow",
            "stability",
            "agrees where exp overflows",
            False,
            message + "\n" + CONTROL,
            5,
            counterexample=ce,
            worst_ulps=math.inf,
            worst_bits=math.inf,
            samples=(Sample(710.25, math.inf, False), Sample(-800.0, 0.0, True)),
        ),
        CheckResult("contract.pure", "contract", "does not modify its inputs", True, "held on 3 cases", 3),
    )
    return Result(
        target="gradient",
        convention="mls",
        precision="float64",
        standard="robust",
        profile="quick",
        seed=99,
        candidate="alice.py",
        function="compute_gradient_logistic",
        lam=0.0,
        checks=checks,
        diagnoses=(
            Diagnosis(
                "overflow-nan",
                0.9,
                "exp overflows " + HOSTILE,
                "use np.logaddexp " + HOSTILE,
                {},
                ("stability.overflow",),
            ),
        ),
        versions={"verifier": "0.1.0"},
    )


def make_grade(name: str = '=HYPERLINK("http://evil")' + HOSTILE, result: Result | None = None) -> SubmissionGrade:
    result = result or make_result()
    task = ASSIGNMENT.tasks[0]
    score, checks = score_task(task, result, "visible")
    return SubmissionGrade(
        submission=name,
        slug="s1",
        sources=("subs/alice.py",),
        seed=99,
        assignment=ASSIGNMENT.name,
        assignment_hash=ASSIGNMENT.digest(),
        score=score,
        max_score=6.0,
        tasks=(TaskGrade("gradient", "compute_gradient_logistic", "subs/alice.py", score, 6.0, checks, result),),
        elapsed=3.6,
        profile="quick",
    )


# --------------------------------------------------------------------------- the grade object
def test_scores_and_visibility_come_from_the_assignment():
    g = make_grade()
    assert g.score == 4.0
    assert [(c.id, c.passed, c.points, c.max_points, c.visibility) for c in g.tasks[0].checks] == [
        ("correctness.benign", True, 3.0, 3.0, "visible"),
        ("stability.overflow", False, 0.0, 2.0, "after_due_date"),
        ("contract.pure", True, 1.0, 1.0, "hidden"),
    ]


def test_a_grade_round_trips_through_json():
    g = make_grade()
    text = json.dumps(g.to_json(), allow_nan=False)
    back = SubmissionGrade.from_json(json.loads(text))
    assert back.to_json() == g.to_json()


def test_a_submission_that_does_not_load_fails_every_check_with_the_load_message():
    r = Result(
        "gradient",
        "mls",
        "float64",
        "robust",
        "quick",
        1,
        "x.py",
        "f",
        0.0,
        (CheckResult("contract.loads", "contract", "loads", False, "the submission could not be loaded: SyntaxError"),),
    )
    score, checks = score_task(ASSIGNMENT.tasks[0], r, "visible")
    assert score == 0 and len(checks) == 3
    assert all("SyntaxError" in c.message for c in checks)


# --------------------------------------------------------------------------- Gradescope
def test_gradescope_results_fields_and_types():
    data = gradescope_results(make_grade(), ASSIGNMENT)
    json.dumps(data, allow_nan=False)
    assert isinstance(data["score"], float) and data["score"] == 4.0
    assert isinstance(data["execution_time"], int) and data["execution_time"] == 4
    assert isinstance(data["output"], str)
    assert len(data["tests"]) == 3
    for t in data["tests"]:
        assert set(t) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert isinstance(t["name"], str) and isinstance(t["output"], str)
        assert isinstance(t["score"], float) and isinstance(t["max_score"], float)
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert sum(t["score"] for t in data["tests"]) == data["score"]
    failed = data["tests"][1]
    assert failed["status"] == "failed" and failed["visibility"] == "after_due_date"
    assert "Smallest failing input" in failed["output"] and "**Hint:** use np.logaddexp" in failed["output"]


def test_gradescope_results_of_a_crashed_grading():
    g = failed_grade(Submission("x", (), "x"), ASSIGNMENT, "the grading process was killed (SIGKILL)")
    data = gradescope_results(g, ASSIGNMENT)
    assert data["score"] == 0.0 and "SIGKILL" in data["output"]
    assert all(t["status"] == "failed" and t["score"] == 0.0 for t in data["tests"])


# --------------------------------------------------------------------------- CSV
@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_prefixes_are_neutralized(text):
    assert safe_cell(text).startswith("'")


def test_plain_text_is_left_alone():
    assert safe_cell("alice") == "alice"


def test_grades_csv_one_row_per_submission_one_column_per_task():
    grades = [
        make_grade(),
        make_grade(name="bob"),
        failed_grade(Submission("-carol", (), "c"), ASSIGNMENT, "=cmd|' /C calc'!A0"),
    ]
    rows = list(csv.reader(io.StringIO(grades_csv(grades, ASSIGNMENT))))
    header = ["submission", "gradient", "gradient assessment", "total", "max_score", "verdict", "seed", "error"]
    assert rows[0] == header
    assert len(rows) == 4
    assert rows[1][0].startswith("'=HYPERLINK")
    assert rows[1][1:6] == ["4", grades[0].tasks[0].assessment, "4", "6", "fail"]
    assert rows[2][0] == "bob"
    assert rows[3][0] == "'-carol" and rows[3][-1].startswith("'=cmd") and rows[3][5] == "error"
    assert rows[3][2] == "broken"  # a submission whose grading failed could not be judged
    for row in rows[1:]:
        for cell in (row[0], row[-1]):
            assert not cell.startswith(("=", "+", "-", "@"))


# --------------------------------------------------------------------------- JUnit
def test_junit_parses_and_counts_even_with_hostile_text():
    grades = [make_grade(), make_grade(name="bob" + CONTROL)]
    text = junit_xml(grades, ASSIGNMENT)
    root = ET.fromstring(text.encode())
    assert root.tag == "testsuites"
    assert root.get("tests") == "6" and root.get("failures") == "2"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites][0].startswith("=HYPERLINK")
    case = suites[0].findall("testcase")[1]
    assert case.get("name") == "stability.overflow"
    failure = case.find("failure")
    assert HOSTILE in failure.text and "\x1b" not in failure.text
    assert suites[0].find("properties/property[@name='seed']").get("value") == "99"


def _totals_match_the_suites(root: ET.Element) -> None:
    suites = root.findall("testsuite")
    for key, tag in (("failures", "failure"), ("errors", "error")):
        assert int(root.get(key)) == sum(len(s.findall(f"testcase/{tag}")) for s in suites)
        for s in suites:
            assert int(s.get(key)) == len(s.findall(f"testcase/{tag}"))
    assert int(root.get("tests")) == sum(len(s.findall("testcase")) for s in suites)


def test_junit_is_written_one_suite_at_a_time_and_its_totals_come_first():
    errored = failed_grade(Submission("dan", (), "dan", None), ASSIGNMENT, "the grading process crashed")
    grades = [make_grade(), errored, make_grade(name="bob")]
    parts = list(junit_parts(grades, ASSIGNMENT))
    assert len(parts) == len(grades) + 2  # the document's head, a piece per submission, its end
    assert "".join(parts) == junit_xml(grades, ASSIGNMENT)
    head = ET.fromstring((parts[0] + "</testsuites>").encode())
    assert head.get("tests") == "9" and head.get("failures") == "2" and int(head.get("errors")) > 0
    root = ET.fromstring("".join(parts).encode())
    assert [s.get("name") for s in root.findall("testsuite")][1:] == ["dan", "bob"]
    _totals_match_the_suites(root)


def test_junit_of_an_empty_class_parses_with_no_tests():
    root = ET.fromstring(junit_xml([], ASSIGNMENT).encode())
    assert root.tag == "testsuites" and root.get("tests") == "0" and not list(root)


# --------------------------------------------------------------------------- HTML
def test_submission_page_escapes_everything_from_the_submission():
    page = render_submission(make_grade(), ASSIGNMENT)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert "<b>lab</b>" not in page
    assert page.count("<script") == 0


def test_submission_page_has_score_verdict_counterexample_plot_and_snippet():
    page = render_submission(make_grade(), ASSIGNMENT)
    assert '<meta name="viewport"' in page
    assert 'id="score">4 / 6<' in page and 'id="verdict">FAILED<' in page
    assert "<svg" in page and "viewBox" in page
    assert "Smallest failing input" in page and "dj_db" in page and "inf ulps" in page
    assert "Likely mistake" in page and "use np.logaddexp" in page
    assert "from alice import compute_gradient_logistic" in page
    assert 'id="seed">99<' in page and "verifier 0.1.0" in page
    for external in ('src="http', 'href="http', "<link", "@import", "url(http"):  # self-contained
        assert external not in page
    assert "after due date" in page and "hidden" in page


def test_the_snippet_reproduces_the_call_exactly():
    r = make_result()
    code = reproduce(r, r.checks[1].counterexample, "subs/alice.py")
    assert "from alice import compute_gradient_logistic" in code
    assert "w = np.array([0.5, 1e-300], dtype=np.float64)" in code
    assert "b = 710.0" in code
    assert "print(compute_gradient_logistic(X, y, w, b))" in code
    ns = {}
    exec(code.replace("from alice import compute_gradient_logistic", "compute_gradient_logistic = lambda *a: a"), ns)


def test_a_notebook_snippet_says_where_to_run_it():
    r = make_result()
    assert "Run in your notebook" in reproduce(r, r.checks[1].counterexample, "lab.ipynb")


def test_index_page_summarizes_the_class():
    grades = [make_grade(), make_grade(name="bob"), failed_grade(Submission("carol", (), "c"), ASSIGNMENT, "timed out")]
    page = render_index(grades, ASSIGNMENT)
    assert "3 submissions" in page and "<svg" in page
    assert "overflow-nan" in page  # most frequent diagnoses
    assert 'href="submissions/s1/report.html"' in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "stability.overflow" in page and "0 / 3" in page  # pass rate of the failed check


def test_check_fragment_for_pytest_html():
    r = make_result()
    html = render_check_fragment(r, r.checks[1])
    assert "<table>" in html and "Likely mistake" in html and "<script>alert" not in html


def test_plots_are_inline_svg_without_fixed_size():
    svg = error_plot(make_result().checks)
    assert svg.startswith("<svg") and "viewBox" in svg
    assert 'width="' not in svg.split(">", 1)[0]
    assert error_plot([]) == ""
    assert score_histogram([1.0, 2.0, 6.0], 6.0).startswith("<svg")


@pytest.mark.parametrize("far", [1e300, 1.7e308, -1.7e308, math.inf, -math.inf])
def test_a_plot_with_a_logit_near_or_past_the_largest_float_draws_quietly(far):
    """Softmax cases reach logits of 1e300; the axis must stay finite, and matplotlib's transform must
    not spill numpy warnings into a batch's console."""
    check = CheckResult(
        "stability.overflow",
        "stability",
        "t",
        True,
        "",
        samples=(Sample(far, 1.0, True, 0.1), Sample(-3.0, 0.0, True, 0.0)),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = error_plot([check], "float64", target="sigmoid")
    assert svg.startswith("<svg") and "viewBox" in svg


def test_a_submission_that_could_not_be_graded_has_a_report_saying_why():
    g = failed_grade(
        Submission("dave", (), "d"), ASSIGNMENT, "grading did not finish within the submission time limit (300 s)"
    )
    page = render_submission(g, ASSIGNMENT)
    assert 'id="verdict">NOT GRADED<' in page and "submission time limit" in page
    assert 'id="score">0 / 6<' in page


# --------------------------------------------------------------------------- Gradescope: Markdown and HTML outputs
def md_cells(row: str) -> list[str]:
    """The cells of one GitHub-flavoured Markdown table row (a ``\\|`` does not split a cell)."""
    cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]
    return [md_text(c.strip()) for c in cells]


def md_text(text: str) -> str:
    """What a Markdown renderer shows for escaped text: bold markers dropped, backslash escapes and
    entities undone."""
    text = re.sub(r"(?<!\\)\*\*", "", text.replace("&nbsp;", " "))
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text))


def md_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Every table of a Markdown text: (header, rows); the delimiter row checked."""
    tables, lines = [], text.split("\n")
    for i, line in enumerate(lines[:-1]):
        if line.startswith("|") and re.fullmatch(r"\|( --- \|)+", lines[i + 1]) and (i == 0 or not lines[i - 1]):
            header = md_cells(line)
            rows = []
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append(md_cells(row))
            assert all(len(r) == len(header) for r in rows), (header, rows)
            tables.append((header, rows))
    return tables


def test_gradescope_tests_are_markdown_with_the_counterexample_diagnosis_and_hint():
    data = gradescope_results(make_grade(), ASSIGNMENT)
    assert data["output_format"] == "md" and {t["output_format"] for t in data["tests"]} == {"md"}
    failed = data["tests"][1]["output"]
    (inputs_header, inputs), (outputs_header, outputs) = md_tables(failed)
    assert inputs_header == ["input", "value"]
    assert dict(inputs) == {"X": "[[1.0, -2.5]]", "w": "[0.5, 1e-300]", "b": "710.0", "lam": "0.0", "y": "[1.0]"}
    assert outputs_header == ["output", "expected", "got"]
    by_name = {r[0]: r[1:] for r in outputs}
    assert by_name["dj_db"] == ["['0.0']", "[inf]"] and by_name["dj_dw"] == ["['0.0', '-0.0']", "[nan, 0.0]"]
    assert by_name["error"][0] == "inf ulps, inf bits at dj_db, infx the envelope"
    paragraphs = [md_text(p) for p in failed.split("\n\n")]
    assert "Smallest failing input" in paragraphs
    assert "Likely mistake (overflow-nan): exp overflows " + HOSTILE in paragraphs
    assert "Hint: use np.logaddexp " + HOSTILE in paragraphs
    (summary_header, summary), *_ = md_tables(data["output"])
    assert summary_header[:4] == ["task", "function", "assessment", "score"]
    assert summary[0][:4] == ["gradient", "compute_gradient_logistic", "fragile", "4 / 6"]


def test_gradescope_extra_data_carries_the_assessment_and_the_diagnosis_ids():
    data = gradescope_results(make_grade(), ASSIGNMENT)
    extra = [t["extra_data"] for t in data["tests"]]
    assert [e["check"] for e in extra] == ["correctness.benign", "stability.overflow", "contract.pure"]
    assert {e["assessment"] for e in extra} == {"fragile"} and {e["task"] for e in extra} == {"gradient"}
    assert [e["diagnoses"] for e in extra] == [[], ["overflow-nan"], []]
    top = data["extra_data"]
    assert top["schema"] == "verifier-gradescope/1" and top["seed"] == 99 and top["verdict"] == "fail"
    assert top["tasks"] == [
        {
            "task": "gradient",
            "function": "compute_gradient_logistic",
            "assessment": "fragile",
            "diagnoses": ["overflow-nan"],
        }
    ]
    crashed = gradescope_results(failed_grade(Submission("x", (), "x"), ASSIGNMENT, "killed"), ASSIGNMENT)
    assert {t["extra_data"]["assessment"] for t in crashed["tests"]} == {"broken"}


MARKUP = (
    "[click](http://evil.example) ![i](http://evil.example/i.png) | x | y |\n# Big\n- item\n1. one\n"
    "`code` *em* _u_ ~~s~~"
)


def test_gradescope_markdown_escapes_everything_the_submission_wrote():
    r = make_result(MARKUP + "\n" + HOSTILE)
    checks = list(r.checks)
    ce = dataclasses.replace(checks[1].counterexample, actual={"raw": "a | b <img src=x> " + MARKUP})
    checks[1] = dataclasses.replace(checks[1], counterexample=ce)
    data = gradescope_results(make_grade(result=dataclasses.replace(r, checks=tuple(checks))), ASSIGNMENT)
    text = data["tests"][1]["output"]
    assert "<script" not in text and "<img" not in text and not re.search(r"(?<!\\)\]\(http", text)
    assert not any(line.lstrip().startswith(("#", "- ", "1.", "`")) for line in text.split("\n"))
    (_, _), (_, outputs) = md_tables(text)  # the pipes of the value stay inside its cell
    assert ["returned", "", "a | b <img src=x> " + MARKUP.replace("\n", " ")] in outputs
    assert md_text(text.split("\n\n")[0]).replace("  \n", "\n") == (MARKUP + "\n" + HOSTILE + "\n" + CONTROL).replace(
        "\x07", ""
    ).replace("\x1b", "").replace("\x00", "")
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
    for tag in ("<script", "<img", "<a ", "<h1", "<li", "<code", "<em", "<s>"):
        assert tag not in rendered, tag
    assert rendered.count("<table>") == 2 and "&lt;script&gt;" in rendered


def test_gradescope_html_and_text_outputs():
    page = gradescope_results(make_grade(), ASSIGNMENT, output_format="html")
    failed = page["tests"][1]
    assert failed["output_format"] == "html" and page["output_format"] == "html"
    assert "<table>" in failed["output"] and "<script>alert" not in failed["output"]
    assert "&lt;script&gt;" in failed["output"] and "<b>lab</b>" not in page["output"]
    text = gradescope_results(make_grade(), ASSIGNMENT, output_format="text")
    assert text["tests"][1]["output_format"] == "text"
    assert "Hint: use np.logaddexp" in text["tests"][1]["output"]
    with pytest.raises(ValueError, match="output_format"):
        gradescope_results(make_grade(), ASSIGNMENT, output_format="ansi")


# --------------------------------------------------------------------------- the error plot of a problem target
def sample(z: float, bits: float, passed: bool, ratio: float):
    """A sample with its ratio to the envelope (a stand-in while spec.results.Sample does not record it)."""
    if "ratio" in {f.name for f in dataclasses.fields(Sample)}:
        return Sample(z, bits, passed, ratio)  # type: ignore[call-arg]
    return types.SimpleNamespace(z=z, bits=bits, passed=passed, ratio=ratio)


PROBLEM_SAMPLES = (
    sample(0.5, 1.0, True, 0.001),  # far inside
    sample(37.4, 58.0, True, 0.3),  # many bits, yet inside: an ill-conditioned case
    sample(-36.0, 50.0, True, 0.8),  # near the edge
    sample(-710.25, math.inf, False, math.inf),  # failed
    sample(2.0, 3.0, True, math.nan),  # ratio not recorded
)


def test_the_problem_plot_places_each_example_at_its_deciding_z_and_colours_it_by_the_ratio():
    check = CheckResult("correctness.benign", "correctness", "t", False, "m", 5, samples=PROBLEM_SAMPLES)
    data = error_plot_data([check], problem=True)
    assert [(p.z, p.bits, p.band) for p in data.points] == [
        (0.5, 1.0, "far"),
        (37.4, 58.0, "inside"),
        (-36.0, 50.0, "edge"),
        (-710.25, 64.0, "failed"),
        (2.0, 3.0, "within"),
    ]
    assert data.x_label.startswith("z of the row that decides the error")
    assert [(key, count) for key, _, _, count in data.legend] == [
        ("far", 1),
        ("inside", 1),
        ("edge", 1),
        ("within", 1),
        ("failed", 1),
    ]
    assert [label for _, label, _, _ in data.legend][:3] == [
        "under 1% of the envelope (1)",
        "1-50% of the envelope (1)",
        "50-100% of the envelope (1)",
    ]
    assert (
        "ill-conditioned" in data.note and "within the envelope" in data.note and "divided by the envelope" in data.note
    )
    assert data.deciding and "ill-conditioned" not in error_plot_data([check], problem=False).note
    unrecorded = dataclasses.replace(check, samples=(Sample(2.0, 60.0, True),))  # an engine that records no ratio
    old = error_plot_data([unrecorded], problem=True)
    assert not old.deciding and old.x_label.startswith("largest |z| of the example's rows")
    assert [p.band for p in old.points] == ["within"] and "ratio not recorded" in old.legend[0][1]
    svg = error_plot([check], target="gradient")
    assert "ill-conditioned" in svg and "z of the row that decides the error" in svg and "1-50% (1)" in svg
    assert "ill-conditioned" not in error_plot([check], target="sigmoid")


def test_the_report_explains_the_colours_and_ill_conditioning_under_the_plot():
    r = make_result()
    checks = (dataclasses.replace(r.checks[0], samples=PROBLEM_SAMPLES), *r.checks[1:])
    page = render_submission(make_grade(result=dataclasses.replace(r, checks=checks)), ASSIGNMENT)
    assert "the z of the row that decides its error" in page
    assert 'class="key"' in page and "50-100% of the envelope (1)" in page
    assert "ill-conditioned" in page and html.escape(ILL_CONDITIONED_NOTE, quote=True) in page
