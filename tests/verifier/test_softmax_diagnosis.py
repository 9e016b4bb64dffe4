"""Diagnosis of the softmax family: correct functions give no finding even when every probe and the
whole tail ladder are looked at; the designed probes and their perturbed twins are what the mistake
models and the constant-output test need them to be.

The first diagnosis of each wrong and fragile corpus function is asserted in test_softmax_corpus.py.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.checking import _request, run_config
from verifier.diagnosis import softmax_cases, softmax_explain
from verifier.engine.candidate import BoundCandidate
from verifier.sandbox import open_executor
from verifier.spec.formats import get_format
from verifier.spec.forms import penalty_named
from verifier.spec.results import CheckResult, Result
from verifier.spec.softmax_targets import SOFTMAX_TARGETS

CORPUS = Path(__file__).resolve().parent.parent / "corpus_softmax"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text())["entry"]
LAMBDA = 0.7
PER_ROW = {"my_softmax": "my_softmax"}
# One correct function per target and signature style (the default run); all of them with -m slow.
SUBSET = {
    "correct_scipy_special.py::softmax",
    "correct_my_softmax_shift.py::my_softmax",
    "correct_log1p_log_softmax.py::log_softmax",
    "correct_lse_by_hand.py::logsumexp",
    "correct_logaddexp_reduce.py::cross_entropy",
    "correct_d2l_probs.py::cross_entropy_from_probs",
    "correct_vectorized_cs231n.py::softmax_loss_vectorized",
    "correct_einsum_cost_gradient.py::softmax_cost",
    "correct_einsum_cost_gradient.py::softmax_gradient",
}
FAILING = ("correctness.benign", "stability.overflow", "stability.underflow", "stability.saturated")


def _correct(subset: bool):
    out = []
    for e in MANIFEST:
        for fn, target, signature in zip(e["functions"], e["targets"], e["signature"]):
            name = f"{e['file']}::{fn}"
            if fn in e["broken"] or (subset and name not in SUBSET):
                continue
            out.append(pytest.param(e, fn, target, signature, id=name))
    return out


def _failing_result(target: str) -> Result:
    """A result whose value checks failed (no counterexamples): every probe and rung gets looked at."""
    checks = tuple(CheckResult(id=c, tier=c.split(".")[0], title="", passed=False, message="") for c in FAILING)
    return Result(target, "mls", "float64", "robust", "quick", 7, "x.py", "f", LAMBDA, checks)


def _find(entry, function, target, signature):
    regularized = entry["penalty"] and any(name in signature for name in ("lam", "reg"))
    req = _request(
        target,
        PER_ROW.get(function, "mls"),
        LAMBDA if regularized else 0.0,
        "float64",
        "robust",
        "quick",
        7,
        None,
        None if function in PER_ROW else signature,
        "mean",
        penalty_named(entry["penalty"]) if regularized else "lam/(2m)",
        False,
        None,
    )
    cfg = run_config(req)
    with open_executor(str(CORPUS / entry["file"])) as executor:
        assert executor.load().ok
        probe = BoundCandidate(executor, function, req.target, req.convention.pinned(req.target, req.lam), req.fmt)
        seen: list = []
        found = softmax_explain.find(_failing_result(target), probe, cfg, seen)
    return found, seen


@pytest.mark.parametrize("entry, function, target, signature", _correct(subset=True))
def test_a_correct_function_gives_no_finding(entry, function, target, signature):
    found, seen = _find(entry, function, target, signature)
    assert found == [], [(c.id, c.message) for c in found]
    assert len(seen) == len(softmax_cases.SHAPES)
    assert all(s.obs.outputs is not None for s in seen)


@pytest.mark.slow
@pytest.mark.parametrize("entry, function, target, signature", _correct(subset=False))
def test_every_correct_corpus_function_gives_no_finding(entry, function, target, signature):
    found, _ = _find(entry, function, target, signature)
    assert found == [], [(c.id, c.message) for c in found]


@given(st.sampled_from(SOFTMAX_TARGETS), st.sampled_from([0.0, 0.7]))
def test_designed_probes_tell_the_models_apart(target, lam):
    """m != K on every probe (a normalization down the wrong axis shows), min(m, K) distinct labels, the
    first the last class (a label read as a number, or shifted, shows), one problem probe with n = K."""
    fmt = get_format("float64")
    cases = [case for _, case in softmax_cases.designed(target, fmt, lam)]
    assert len(cases) == len(softmax_cases.SHAPES)
    for case in cases:
        m = len(case.X if target.is_problem else case["f" if "f" in target.inputs else "z"])
        assert m != case.K
        if target.reads_classes:
            labels = np.asarray(case.yidx)
            assert len(set(labels.tolist())) == min(m, case.K) and labels[0] == case.K - 1
        if target.is_problem:
            assert case.lam == lam and np.all(np.asarray(case.b) != 0)
    if target.is_problem:
        assert any(case.n == case.K for case in cases)


@given(st.sampled_from(SOFTMAX_TARGETS))
def test_a_perturbed_probe_keeps_shapes_and_labels_and_changes_every_value(target):
    fmt = get_format("float64")
    for _, case in softmax_cases.designed(target, fmt, 0.7):
        other = softmax_cases.perturbed(case)
        assert np.array_equal(other.yidx, case.yidx)
        for name in ("z", "f", "W", "b"):
            if name not in case:
                continue
            before, after = np.asarray(case[name]), np.asarray(other[name])
            assert before.shape == after.shape and before.dtype == after.dtype
            assert np.all(before != after) or name == "f"
            if name == "f":
                assert not np.allclose(before, after) and np.allclose(after.sum(axis=-1), 1.0)


def test_the_ladder_puts_problem_scores_exactly_on_the_row():
    fmt = get_format("float64")
    target = next(t for t in SOFTMAX_TARGETS if t.is_problem)
    for rung in softmax_cases.ladder(target, fmt):
        scores = np.asarray([[float(v) for v in row] for row in rung.case.exact_logits])
        assert np.array_equal(scores, np.vstack([rung.row, rung.row]))
    kinds = {rung.kind for rung in softmax_cases.ladder(target, fmt)}
    assert kinds == {"large", "gap", "wide"}


def test_float32_holds_the_second_wide_logit_only():
    low, high = softmax_cases.WIDE
    assert float(np.float32(high)) == high
    assert abs(float(np.float32(low)) - low) > 1000  # the shift misses by far more than exp can take
