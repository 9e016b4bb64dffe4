"""The HTML reports in a real headless browser: they render, log no console errors, show the verdict.

Needs Chromium (Debian: apt-get install chromium); skipped where it is not installed.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_grading import CORRECT, WRONG, small_assignment
from test_report_formats import ASSIGNMENT, make_grade

from verifier.grading.batch import grade_class
from verifier.report.html import render_submission
from verifier.report.views import CLASS_REPORTS

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
pytestmark = [pytest.mark.browser, pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")]


def browse(page: Path, *extra: str, width: int = 412) -> tuple[str, list[str]]:
    """The DOM after scripts ran, and the console messages, of ``page`` at a phone's width."""
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            f"--window-size={width},900",
            *extra,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    console = [line for line in proc.stderr.splitlines() if re.search(r"CONSOLE[(:]", line)]
    return proc.stdout, console


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    (base / "subs").mkdir()
    (base / "subs" / "right.py").write_text(CORRECT)
    (base / "subs" / "wrong.py").write_text(WRONG)
    run = grade_class(base / "subs", small_assignment(), base / "out", jobs=2, progress=None, views=CLASS_REPORTS)
    hostile = base / "hostile.html"
    hostile.write_text(render_submission(make_grade(), ASSIGNMENT))
    return base / "out", run, hostile


def test_console_errors_are_detected_at_all(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!doctype html><p>x</p><script>console.error('on purpose')</script>")
    _, console = browse(page, "--dump-dom")
    assert any("on purpose" in line for line in console)


def test_the_class_summary_renders(pages):
    out, run, _ = pages
    dom, console = browse(out / "index.html", "--dump-dom")
    assert console == []
    assert 'id="verdict"' in dom and "passed everything" in dom
    assert "<svg" in dom and "right" in dom and "wrong" in dom


@pytest.mark.parametrize("name, verdict", [("right", "PASSED"), ("wrong", "FAILED")])
def test_each_report_renders_with_its_verdict(pages, name, verdict):
    out, run, _ = pages
    grade = next(g for g in run.grades if g.submission == name)
    dom, console = browse(out / "submissions" / grade.slug / "report.html", "--dump-dom")
    assert console == []
    assert re.search(rf'id="verdict"[^>]*>{verdict}<', dom)


def test_hostile_text_stays_text_in_the_browser(pages, tmp_path):
    _, _, hostile = pages
    dom, console = browse(hostile, "--dump-dom")
    assert console == []  # the injected alert() never ran: it would log nothing, but onerror would fail
    assert "<script>alert" not in dom and '<img src="x"' not in dom
    assert "&lt;script&gt;alert" in dom


def test_a_screenshot_at_phone_width(pages, tmp_path):
    out, run, _ = pages
    grade = next(g for g in run.grades if g.submission == "wrong")
    shot = tmp_path / "phone.png"
    browse(out / "submissions" / grade.slug / "report.html", f"--screenshot={shot}", "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
