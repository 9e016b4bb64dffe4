"""pytest plugin: ``pytest --verify MODULE:FUNCTION --target T --convention C`` turns each check into
a test item.  With pytest-html a failing item carries the counterexample table and the error plot.

Inert unless ``--verify`` is given (it only adds options), and cheap to import: the verifier is
imported when the items are collected.  Does nothing on xdist workers, whose items come from the
controller.
"""

from __future__ import annotations

from typing import Any

import pytest

_RESULT_KEY = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("verifier", "verify a logistic-regression function against the exact oracle")
    group.addoption(
        "--verify",
        action="append",
        default=[],
        metavar="MODULE:FUNCTION",
        help="function to verify (a module:attr, file.py or file.py::name); repeatable",
    )
    group.addoption(
        "--target",
        dest="verify_target",
        default=None,
        metavar="TARGET",
        help="what the function computes (sigmoid, cost, gradient, ...)",
    )
    group.addoption(
        "--convention", dest="verify_convention", default="mls", metavar="C", help="calling convention (default mls)"
    )
    group.addoption(
        "--verify-lambda",
        dest="verify_lambda",
        type=float,
        default=0.0,
        metavar="L",
        help="L2 regularization strength (default 0)",
    )
    group.addoption("--verify-precision", dest="verify_precision", default="float64", help="float64 or float32")
    group.addoption("--verify-standard", dest="verify_standard", default="robust", help="robust or strict")
    group.addoption("--verify-profile", dest="verify_profile", default="default", help="quick, default or thorough")
    group.addoption("--verify-seed", dest="verify_seed", type=int, default=None, help="seed (default: random, shown)")


def _active(config: pytest.Config) -> bool:
    return bool(config.getoption("verify", default=None)) and not hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    if not _active(config):
        return
    if not config.getoption("verify_target"):
        raise pytest.UsageError("--verify needs --target (one of: sigmoid, cost, gradient, ...)")
    config.stash[_RESULT_KEY] = {}


def pytest_ignore_collect(collection_path, config: pytest.Config):
    """With --verify and no test paths on the command line, run only the verification items."""
    if _active(config) and config.args_source != pytest.Config.ArgsSource.ARGS:
        return True
    return None


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    if not _active(config):
        return
    from verifier.spec.checks import checks_for
    from verifier.spec.targets import TARGETS

    target = config.getoption("verify_target")
    if target not in TARGETS:
        raise pytest.UsageError(f"--target {target!r}: use one of {', '.join(TARGETS)}")
    new = []
    for spec in config.getoption("verify"):
        parent = VerifySpec.from_parent(session, name=f"verify {spec}", nodeid=f"verify {spec}")
        for check in checks_for(TARGETS[target]):
            new.append(CheckItem.from_parent(parent, name=check.id, spec=spec, check_id=check.id))
    items[:] = new + list(items)


class VerifySpec(pytest.Collector):
    """The parent of the items of one --verify spec (made in pytest_collection_modifyitems)."""

    def collect(self):  # pragma: no cover - never collected from the file system
        return []


def _resolve(spec: str, config: pytest.Config) -> Any:
    """A ``module:attr`` spec is the project's own code (trusted): import it here, with the rootdir and
    the current directory importable, and judge the callable in this process.  Files (``.py``,
    ``.ipynb``, ``file.py::name``) stay specs, judged in a sandboxed worker."""
    import importlib
    import os
    import sys

    from verifier.sandbox.loader import is_module_spec

    if not is_module_spec(spec) or ":" not in spec:
        return spec
    module, _, attr = spec.partition(":")
    added = [p for p in (str(config.rootpath), os.getcwd()) if p not in sys.path]
    sys.path[:0] = added
    try:
        obj = importlib.import_module(module)
    except ImportError as exc:
        raise pytest.UsageError(f"--verify {spec}: cannot import {module} ({exc})") from None
    finally:
        for p in added:
            sys.path.remove(p)
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise pytest.UsageError(f"--verify {spec}: {module} has no attribute {attr!r}") from None
    return obj


class VerifyFailure(Exception):
    """A check failed: the summary text of the check."""


class CheckItem(pytest.Item):
    """One check of one --verify spec; the whole run for a spec happens once, on its first item."""

    def __init__(self, *, spec: str, check_id: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.spec = spec
        self.check_id = check_id

    def _result(self):
        cache = self.config.stash[_RESULT_KEY]
        if self.spec not in cache:
            from verifier.checking import check

            opt = self.config.getoption
            cache[self.spec] = check(
                _resolve(self.spec, self.config),
                target=opt("verify_target"),
                convention=opt("verify_convention"),
                lam=opt("verify_lambda"),
                precision=opt("verify_precision"),
                standard=opt("verify_standard"),
                profile=opt("verify_profile"),
                seed=opt("verify_seed"),
            )
        return cache[self.spec]

    def runtest(self) -> None:
        result = self._result()
        by_id = {c.id: c for c in result.checks}
        c = by_id.get(self.check_id)
        if c is None:  # the submission did not load or has no such function
            setup = next((s for s in result.checks if not s.passed), None)
            if setup is not None:
                raise VerifyFailure(setup.message)
            pytest.skip(f"{self.check_id} did not run")
        self.user_properties.append(("seed", result.seed))
        if not c.passed:
            from verifier.report.text import check_feedback

            raise VerifyFailure(check_feedback(result, c))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, VerifyFailure):
            result = self.config.stash[_RESULT_KEY].get(self.spec)
            seed = (
                f"\n(seed {result.seed}, profile {result.profile}: rerun with --verify-seed {result.seed})"
                if result
                else ""
            )
            return f"{self.check_id} failed for {self.spec}\n{excinfo.value}{seed}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"verify {self.spec} [{self.check_id}]"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    if isinstance(item, CheckItem) and call.when == "call" and report.failed:
        extras = _html_extras(item)
        if extras:
            report.extras = getattr(report, "extras", []) + extras
    return report


def _html_extras(item: CheckItem) -> list[dict]:
    """pytest-html extras for a failed check: the counterexample table and the error plot."""
    result = item.config.stash[_RESULT_KEY].get(item.spec)
    if result is None:
        return []
    c = next((c for c in result.checks if c.id == item.check_id), None)
    if c is None:
        return []
    try:
        from pytest_html import extras
    except ImportError:
        return []
    from verifier.report.html import render_check_fragment
    from verifier.report.plots import error_plot

    out = [extras.html(render_check_fragment(result, c))]
    svg = error_plot([c], result.precision)
    if svg:
        out.append(extras.html(f'<div style="max-width:40rem">{svg}</div>'))
    return out
