"""The envelopes, as specifications: what each standard must accept and what it must reject.

These judge plain float64 computations made here against the oracle through ``judge.compare``,
without a candidate process, so they can range over many Hypothesis inputs.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.special import expit

import reference
from verifier.engine import strategies
from verifier.engine.judge import compare
from verifier.spec.case import Case
from verifier.spec.formats import FLOAT32, FLOAT64
from verifier.spec.targets import TARGETS

REGIONS = ("benign", "saturated", "overflow", "underflow", "cancellation", "shapes")


def _rounded(exact):
    """The correctly rounded float64 value of each exact output."""
    return {
        k: np.vectorize(lambda v: float(reference.round_to_format(v, "float64")), otypes=[float])(v)
        for k, v in exact.items()
    }


def _case(target_name, region, fmt=FLOAT64, lam=0.0):
    target = TARGETS[target_name]
    return strategies.cases(target, region, fmt, lam)


@pytest.mark.parametrize("name", list(TARGETS))
@given(data=st.data(), region=st.sampled_from(["benign", "shapes", "labels"]))
def test_robust_allows_only_rounding_sized_errors_on_moderate_inputs(name, data, region):
    """On moderate inputs (|z| <= 2, features <= 2, m <= 300) the robust envelope stays below 2^-40 of
    the output's scale: a float32-sized error (2^-24) or any real mistake can never pass it, and strict
    is never looser than robust."""
    target = TARGETS[name]
    case = data.draw(_case(name, region, lam=data.draw(st.sampled_from([0.0, 0.5]))))
    exact = target.exact(case)
    strict = target.envelope(case, exact, FLOAT64, "strict")
    robust = target.envelope(case, exact, FLOAT64, "robust")
    for comp in target.components:
        r = np.asarray(robust[comp], dtype=np.float64)
        assert np.all(np.asarray(strict[comp]) <= r)
        if target.decides:  # a decision: either answer only where the float z could have either sign
            z = np.abs(target.logits(case))
            assert set(np.unique(r)) <= {0.0, 1.0} and np.all(z[r == 1.0] <= 1e-12)
            continue
        scale = 1.0 + float(np.max(np.abs(np.asarray(exact[comp], dtype=np.float64)), initial=0.0))
        assert np.all(r <= 2.0**-40 * scale), (comp, float(np.max(r)), scale)


@pytest.mark.parametrize("name", list(TARGETS))
@pytest.mark.parametrize("fmt", [FLOAT64, FLOAT32], ids=["float64", "float32"])
@given(data=st.data(), region=st.sampled_from(REGIONS))
@settings(max_examples=25)
def test_the_correctly_rounded_answer_always_passes_strict(name, fmt, data, region):
    target = TARGETS[name]
    if region == "cancellation" and name in ("loss", "loss-derivative"):
        region = "benign"
    case = data.draw(
        _case(name, region, fmt, lam=data.draw(st.sampled_from([0.0, 0.5])))
        if target.kind == "problem"
        else _case(name, region, fmt)
    )
    exact = target.exact(case)
    rounded = {
        k: np.vectorize(lambda v: float(reference.round_to_format(v, fmt.name)), otypes=[float])(v)
        for k, v in exact.items()
    }
    verdict = compare(target, case, rounded, exact, fmt, "strict")
    assert verdict.passed, verdict.message


def _stable_gradient(case):
    X, y, w, b = (np.asarray(case[k], dtype=np.float64) for k in ("X", "y", "w", "b"))
    z = X @ w + b
    r = expit(z) - y
    m = len(y)
    return {"dj_dw": X.T @ r / m + case["lam"] * w / m, "dj_db": np.asarray(r.mean())}


def _stable_cost(case):
    X, y, w, b = (np.asarray(case[k], dtype=np.float64) for k in ("X", "y", "w", "b"))
    z = X @ w + b
    m = len(y)
    return {"cost": np.asarray(np.mean(np.logaddexp(0.0, z) - y * z) + case["lam"] * (w @ w) / (2 * m))}


@given(data=st.data(), region=st.sampled_from(REGIONS), lam=st.sampled_from([0.0, 1.0]))
def test_robust_accepts_the_textbook_stable_gradient_and_cost(data, region, lam):
    case = data.draw(strategies.problem_cases(region, FLOAT64, lam))
    for name, fn in (("gradient", _stable_gradient), ("cost", _stable_cost)):
        target = TARGETS[name]
        with np.errstate(all="ignore"):
            got = fn(case)
        verdict = compare(target, case, got, target.exact(case), FLOAT64, "robust")
        assert verdict.passed, verdict.message


@given(data=st.data())
def test_float32_arithmetic_is_rejected_where_float64_was_asked(data):
    case = data.draw(strategies.problem_cases("benign", FLOAT64))
    target = TARGETS["gradient"]
    exact = target.exact(case)
    g = _stable_gradient(
        case.replace(X=case.X.astype(np.float32), w=case.w.astype(np.float32), y=case.y.astype(np.float32))
    )
    got32 = {k: np.asarray(v, dtype=np.float32).astype(np.float64) for k, v in g.items()}
    # float32 rounding of X, w and the sums is ~2^-24 relative: far outside the float64 envelope
    # unless the gradient happens to be representable exactly in float32
    assume(
        any(abs(float(e) - float(np.float32(float(e)))) > 1e-12 * max(1e-300, abs(float(e))) for e in exact["dj_dw"])
    )
    verdict = compare(target, case, got32, exact, FLOAT64, "robust")
    assert not verdict.passed


@given(data=st.data())
def test_a_negated_gradient_is_always_rejected(data):
    case = data.draw(strategies.problem_cases("benign", FLOAT64))
    target = TARGETS["gradient"]
    exact = target.exact(case)
    assume(abs(float(exact["dj_db"][()])) > 1e-6)
    got = {k: -v for k, v in _stable_gradient(case).items()}
    assert not compare(target, case, got, exact, FLOAT64, "robust").passed


def _pointwise(name, value, **inputs):
    target = TARGETS[name]
    case = Case(**{k: np.asarray([v], dtype=np.float64) for k, v in inputs.items()})
    exact = target.exact(case)
    got = {"value": np.asarray([value], dtype=np.float64)}
    return {s: compare(target, case, got, exact, FLOAT64, s) for s in ("robust", "strict")}


def test_sigmoid_derivative_of_zero_at_37_43_passes_robust_fails_strict():
    # sigma(1 - sigma) is 0 there; the truth is 5.55e-17
    z = 37.43
    s = 1.0 / (1.0 + np.exp(-z))
    v = _pointwise("sigmoid-derivative", s * (1.0 - s), z=z)
    assert s * (1.0 - s) == 0.0
    assert v["robust"].passed and not v["strict"].passed


def test_logaddexp_loss_for_y_1_loses_about_127_ulps_at_z_5():
    z = 5.0
    value = float(np.logaddexp(0.0, z) - z)
    v = _pointwise("loss-from-logit", value, z=z, y=1.0)
    assert v["robust"].passed and not v["strict"].passed
    assert 60 < v["strict"].ulps < 400


def test_residual_of_zero_at_37_43_is_a_strict_defect_only():
    case = Case(X=np.zeros((1, 1)), y=np.ones(1), w=np.zeros(1), b=37.43, lam=0.0)
    target = TARGETS["gradient"]
    exact = target.exact(case)
    assert float(exact["dj_db"][()]) == pytest.approx(-5.551115123125783e-17, rel=1e-2)
    got = {"dj_dw": np.zeros(1), "dj_db": np.asarray(0.0)}
    assert compare(target, case, got, exact, FLOAT64, "robust").passed
    assert not compare(target, case, got, exact, FLOAT64, "strict").passed


@pytest.mark.parametrize("bad", [np.inf, np.nan, 34.538776394910684])  # log(0), 0 * log 0, clip at 1e-15
def test_log_of_zero_and_clipping_are_rejected_by_both_standards(bad):
    # z = 40, y = 0: the truth is softplus(40) = 40.000000000000000004
    v = _pointwise("loss-from-logit", bad, z=40.0, y=0.0)
    assert not v["robust"].passed and not v["strict"].passed


def test_cancelling_sigmoid_form_is_rejected_for_negative_z():
    z = -30.0
    value = 1.0 - 1.0 / (1.0 + np.exp(z))  # 0 or a few ulps of 1 instead of 9.4e-14
    v = _pointwise("sigmoid", value, z=z)
    assert not v["robust"].passed


@given(st.floats(-800.0, 800.0))
def test_scipy_expit_passes_robust_everywhere_and_strict_where_sigma_is_normal(z):
    # expit returns 0 once exp(-z) overflows (z < -709.78), where the truth is subnormal:
    # accepted by robust's absolute floor, a defect under strict
    v = _pointwise("sigmoid", float(expit(z)), z=z)
    assert v["robust"].passed, v["robust"].message
    if z > -708.0:
        assert v["strict"].passed, v["strict"].message
