"""Diagnosis names the corpus's mistakes, and stays silent on its correct implementations.

Every wrong and fragile function of tests/corpus/manifest.toml is checked (profile quick, a fixed
seed, only the checks its kind needs) and its first diagnosis must be the manifest's ``mistake``;
every correct function is probed directly (designed cases and the tail ladder) and must give no
diagnosis at all.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import numpy as np
import pytest

import verifier
from verifier.diagnosis import explain as diagnose
from verifier.diagnosis.cases import case_from_plain, designed
from verifier.diagnosis.catalog import CATALOG, MISTAKES, get_mistake
from verifier.engine.candidate import BoundCandidate
from verifier.engine.config import RunConfig
from verifier.sandbox import open_executor
from verifier.spec.conventions import get_convention
from verifier.spec.formats import get_format
from verifier.spec.profiles import get_profile
from verifier.spec.results import CheckResult, Result
from verifier.spec.targets import get_target

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "diagnoses.md"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text())
SOFTMAX_MANIFEST = tomllib.loads((CORPUS.parent / "corpus_softmax" / "manifest.toml").read_text())
SOFTMAX_BENCHMARK = CORPUS.parent.parent / "benchmarks" / "softmax_corpus.py"
POINTWISE = ("sigmoid", "sigmoid-derivative", "loss", "loss-from-logit", "loss-derivative")
REQUIRED_IDS = (
    "sign-flipped",
    "not-averaged",
    "wrong-divisor",
    "squared-error-gradient",
    "squared-error-cost",
    "missing-sigmoid",
    "missing-bias",
    "outputs-swapped",
    "bias-regularized",
    "regularization-scale",
    "regularization-missing",
    "wrong-shape",
    "mutates-input",
    "rows-dropped",
    "labels-swapped",
    "log-base",
    "chain-rule-denominator",
    "reduced-precision",
    "rejects-arrays",
    "overflow",
    "log-of-zero",
    "clipping",
    "cancellation",
)
WRONG_CHECKS = [
    "correctness.benign",
    "correctness.shapes",
    "contract.arrays",
    "contract.pure",
    "contract.shapes",
    "contract.deterministic",
]
FRAGILE_CHECKS = [
    "correctness.benign",
    "stability.saturated",
    "stability.overflow",
    "stability.underflow",
    "stability.cancellation",
    "stability.finite",
]


def _lam(entry: dict, target: str) -> float:
    return 0.0 if target in POINTWISE else entry.get("lam", 0.0)


def _functions(kinds: tuple[str, ...], broken: bool):
    for e in MANIFEST["entry"]:
        if e["kind"] not in kinds:
            continue
        for fn, target in zip(e["functions"], e["targets"]):
            if (fn in e.get("broken", [])) == broken:
                yield pytest.param(e, fn, target, id=f"{e['file']}::{fn}")


@pytest.mark.parametrize("entry, function, target", list(_functions(("wrong", "fragile", "broken-syntax"), True)))
def test_first_diagnosis_names_the_mistake(entry, function, target):
    only = {"wrong": WRONG_CHECKS, "fragile": FRAGILE_CHECKS}.get(entry["kind"])
    result = verifier.check(
        f"{CORPUS / entry['file']}::{function}",
        target=target,
        convention=entry["convention"],
        lam=_lam(entry, target),
        profile="quick",
        seed=7,
        only=only,
    )
    assert not result.passed
    assert result.diagnoses, "a failing result always carries a diagnosis"
    first = result.diagnoses[0]
    assert first.id == entry["mistake"], [(d.id, d.message) for d in result.diagnoses]
    failing = {c.id for c in result.failed()}
    assert first.checks and set(first.checks) <= failing
    assert first.message and first.hint


def _bound(entry: dict, function: str, target_name: str):
    target = get_target(target_name)
    fmt = get_format("float64")
    lam = _lam(entry, target_name)
    cfg = RunConfig(target, fmt, "robust", get_profile("quick"), 7, lam)
    return target, cfg, lam


@pytest.mark.parametrize("entry, function, target", list(_functions(("correct", "wrong", "fragile"), False)))
def test_correct_implementations_get_no_diagnosis(entry, function, target):
    """Probed on the designed cases and the whole tail ladder, a correct function matches no model."""
    tgt, cfg, lam = _bound(entry, function, target)
    with open_executor(str(CORPUS / entry["file"])) as executor:
        assert executor.load().ok
        probe = BoundCandidate(executor, function, tgt, get_convention(entry["convention"]), cfg.fmt)
        found = diagnose.find(None, probe, cfg, ladder=True)
    assert found == [], [(c.id, c.message) for c in found]


def test_the_catalog_has_the_ids_downstream_tools_rely_on():
    for mistake_id in REQUIRED_IDS:
        assert get_mistake(mistake_id).id == mistake_id
    assert len({m.id for m in CATALOG}) == len(CATALOG)
    with pytest.raises(ValueError, match="not in the catalog"):
        get_mistake("no-such-mistake")


def test_every_catalog_id_is_the_mistake_of_some_corpus_entry():
    """Of the logistic corpus, or (through their tables of names) of the softmax and label-smoothing corpora."""
    named = {e["mistake"] for e in MANIFEST["entry"] if e["mistake"]}
    spec = importlib.util.spec_from_file_location("softmax_corpus_benchmark", SOFTMAX_BENCHMARK)
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    named |= {benchmark.DIAGNOSIS_OF[e["mistake"]] for e in SOFTMAX_MANIFEST["entry"] if e["mistake"]}
    spec = importlib.util.spec_from_file_location(
        "smoothing_corpus", Path(__file__).with_name("test_smoothing_corpus.py")
    )
    assert spec is not None and spec.loader is not None
    smoothing = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(smoothing)
    named |= {smoothing.DIAGNOSIS_OF[e["mistake"]] for e in smoothing.MANIFEST if e["mistake"]}
    assert set(MISTAKES) <= named, sorted(set(MISTAKES) - named)
    assert named <= set(MISTAKES), sorted(named - set(MISTAKES))


def test_the_documentation_describes_every_id():
    text = DOCS.read_text()
    for m in CATALOG:
        assert f"`{m.id}`" in text, m.id


def test_plain_counterexample_inputs_read_back_as_cases():
    fmt = get_format("float64")
    for target in ("gradient", "sigmoid", "loss"):
        for _, case in designed(get_target(target), fmt, 1.0):
            back = case_from_plain(case.plain(), fmt)
            assert back.plain().keys() == case.plain().keys()
            for k in case.plain():
                np.testing.assert_array_equal(np.asarray(back.plain()[k]), np.asarray(case.plain()[k]))


class _Broken:
    """A probe whose calls fail in a way the diagnosis does not expect."""

    def observe(self, case):
        raise RuntimeError("probe exploded")


def test_attach_never_raises_and_falls_back_to_unrecognized():
    check = CheckResult(id="correctness.benign", tier="correctness", title="", passed=False, message="wrong")
    result = Result("gradient", "mls", "float64", "robust", "quick", 7, "x.py", "f", 0.0, (check,))
    tgt, cfg, _ = _bound({"lam": 0.0}, "f", "gradient")
    out = diagnose.attach(result, _Broken(), cfg)
    assert [d.id for d in out.diagnoses] == ["unrecognized"]
    assert "probe exploded" in out.diagnoses[0].message
    assert out.diagnoses[0].checks == ("correctness.benign",)


def test_a_passing_result_is_returned_unchanged():
    check = CheckResult(id="correctness.benign", tier="correctness", title="", passed=True, message="ok")
    result = Result("gradient", "mls", "float64", "robust", "quick", 7, "x.py", "f", 0.0, (check,))
    assert diagnose.attach(result, None, None) is result


def test_a_diagnosis_quotes_the_numbers_and_never_the_code():
    path = CORPUS / "wrong_not_averaged_gradient.py"
    result = verifier.check(
        f"{path}::compute_gradient_logistic", target="gradient", profile="quick", seed=7, only=["correctness.benign"]
    )
    d = result.diagnoses[0]
    assert d.id == "not-averaged"
    assert d.evidence["predicted"] == pytest.approx(d.evidence["actual"], rel=1e-9)
    assert d.evidence["actual"] == pytest.approx(40 * d.evidence["expected"], rel=1e-9)
    assert "m = 40" in d.message
    assert "def " not in d.message + d.hint and "return" not in d.message + d.hint
