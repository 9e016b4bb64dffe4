"""The softmax family's envelopes and regions, as specifications.

Every stable float64 evaluation of the shifted formulas (max-shifted, via logsumexp, scipy.special,
logaddexp.reduce) lands inside the robust envelope in every region; the mistakes (no shift, float32
arithmetic, an eps guard, log of a softmax that underflowed) land outside it; and each region's
strategy draws what its name promises.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import special

from verifier.engine import softmax_strategies, strategies
from verifier.engine.judge import compare
from verifier.spec.case import Case
from verifier.spec.formats import FLOAT32, FLOAT64
from verifier.spec.targets import TARGETS

REGIONS = ("benign", "shapes", "labels", "boundary", "saturated", "overflow", "underflow", "cancellation")
ROWS = ("softmax", "log-softmax", "logsumexp", "softmax-loss", "softmax-loss-smoothed")
PROBLEMS = ("softmax-cost", "softmax-gradient", "softmax-cost-and-gradient")


def _shifted(z: np.ndarray) -> dict[str, np.ndarray]:
    """The textbook max-shifted formulas."""
    with np.errstate(all="ignore"):
        d = z - np.max(z, axis=1, keepdims=True)
        e = np.exp(d)
        s = np.sum(e, axis=1, keepdims=True)
        logp = d - np.log(s)
        return {
            "softmax": e / s,
            "log-softmax": logp,
            "logsumexp": (np.max(z, axis=1, keepdims=True) + np.log(s))[:, 0],
        }


def _via_lse(z: np.ndarray) -> dict[str, np.ndarray]:
    """scipy's logsumexp, then exp(z - lse) and z - lse."""
    lse = special.logsumexp(z, axis=1, keepdims=True)
    return {"softmax": np.exp(z - lse), "log-softmax": z - lse, "logsumexp": lse[:, 0]}


def _scipy(z: np.ndarray) -> dict[str, np.ndarray]:
    return {"softmax": special.softmax(z, axis=1), "log-softmax": special.log_softmax(z, axis=1)}


def _logaddexp(z: np.ndarray) -> dict[str, np.ndarray]:
    lse = np.logaddexp.reduce(z, axis=1)
    return {"log-softmax": z - lse[:, None], "logsumexp": lse}


IMPLEMENTATIONS = {"shifted": _shifted, "via-lse": _via_lse, "scipy": _scipy, "logaddexp": _logaddexp}


def _judge(name: str, case, got) -> object:
    target = TARGETS[name]
    return compare(target, case, {"value": np.asarray(got)}, target.exact(case), FLOAT64, "robust")


@pytest.mark.parametrize("impl", list(IMPLEMENTATIONS))
@given(data=st.data(), region=st.sampled_from(REGIONS))
@settings(max_examples=40)
def test_every_stable_evaluation_is_inside_the_robust_envelope(impl, data, region):
    case = data.draw(strategies.cases(TARGETS["softmax-loss"], region, FLOAT64))
    z = np.asarray(case.z, dtype=np.float64)
    outputs = IMPLEMENTATIONS[impl](z)
    lse = outputs.get("logsumexp", special.logsumexp(z, axis=1))
    outputs["softmax-loss"] = lse - z[np.arange(len(z)), case.yidx]
    for name, got in outputs.items():
        rows = case.replace(yidx=None) if name != "softmax-loss" else case
        verdict = _judge(name, rows, got)
        assert verdict.passed, (impl, name, verdict.message)


@pytest.mark.parametrize("impl", ["shifted", "scipy"])
@given(data=st.data(), region=st.sampled_from(REGIONS))
@settings(max_examples=40)
def test_the_shifted_softmax_is_inside_the_strict_envelope(impl, data, region):
    """e^(z - M) / S errs by a few u times the condition number, even where p is subnormal: the
    strict standard must accept it (it is what a library audit holds scipy.special.softmax to)."""
    case = data.draw(strategies.cases(TARGETS["softmax"], region, FLOAT64))
    z = np.asarray(case.z, dtype=np.float64)
    target = TARGETS["softmax"]
    got = {"value": np.asarray(IMPLEMENTATIONS[impl](z)["softmax"])}
    verdict = compare(target, case, got, target.exact(case), FLOAT64, "strict")
    assert verdict.passed, verdict.message


def test_a_subnormal_probability_keeps_its_condition_number_in_the_strict_envelope():
    # p_3 is about 1.56e-309: the shift z_3 - M = -711.05 is rounded (u |z_3 - M| relative), which
    # moves p_3 by about 18 units of the subnormal spacing; the envelope must not underflow to its floor
    z = np.array([[-776.0895011721782, -2.7529544108954838, -744.84243862533, -713.8066333809893]])
    case = Case(z=z)
    target = TARGETS["softmax"]
    exact = target.exact(case)
    envelope = target.envelope(case, exact, FLOAT64, "strict")["value"]
    p3 = float(exact["value"][0, 3])
    assert envelope[0, 3] >= 4 * FLOAT64.u * 700 * p3
    got = {"value": special.softmax(z, axis=1)}
    assert compare(target, case, got, exact, FLOAT64, "strict").passed


@given(data=st.data(), region=st.sampled_from(REGIONS))
@settings(max_examples=40)
def test_the_loss_from_probabilities_as_minus_log_is_inside_the_robust_envelope(data, region):
    case = data.draw(strategies.cases(TARGETS["softmax-loss-from-probs"], region, FLOAT64))
    f = np.asarray(case.f, dtype=np.float64)
    with np.errstate(divide="ignore"):
        got = -np.log(f[np.arange(len(f)), case.yidx])
    verdict = _judge("softmax-loss-from-probs", case, got)
    assert verdict.passed, verdict.message


def _smoothed_targets(case, dtype) -> np.ndarray:
    """q = (1 - eps) one_hot(y) + eps / K in ``dtype``, as Keras and optax build it."""
    m, K = np.shape(case.z)
    eps = dtype(case.smoothing)
    q = np.full((m, K), eps / dtype(K), dtype=dtype)
    q[np.arange(m), case.yidx] += dtype(1) - eps
    return q


def _smoothed_losses(case, dtype) -> dict[str, np.ndarray]:
    """The label-smoothed cross-entropy the two ways libraries assemble it, in ``dtype``."""
    z = np.asarray(case.z, dtype=dtype)
    eps = dtype(case.smoothing)
    with np.errstate(all="ignore"):
        logp = special.log_softmax(z, axis=1).astype(dtype)
        nll = -logp[np.arange(len(z)), case.yidx]
        return {
            "-sum q log p": -np.sum(_smoothed_targets(case, dtype) * logp, axis=1),  # Keras, optax
            "(1 - eps) nll + eps mean": (1 - eps) * nll + eps * np.mean(-logp, axis=1),  # PyTorch
        }


@given(data=st.data(), region=st.sampled_from(REGIONS), fmt=st.sampled_from([FLOAT64, FLOAT32]))
@settings(max_examples=60)
def test_the_smoothed_loss_as_libraries_write_it_is_inside_the_robust_envelope(data, region, fmt):
    target = TARGETS["softmax-loss-smoothed"]
    case = data.draw(strategies.cases(target, region, fmt))
    assert 0.0 <= case.smoothing <= 1.0
    exact = target.exact(case)
    for how, got in _smoothed_losses(case, fmt.dtype.type).items():
        verdict = compare(target, case, {"value": got.astype(np.float64)}, exact, fmt, "robust")
        assert verdict.passed, (how, verdict.message)


def test_the_smoothed_loss_agrees_with_the_plain_one_without_smoothing_and_rejects_its_mistakes():
    target = TARGETS["softmax-loss-smoothed"]
    z = np.array([[2.0, -1.0, 0.5, 0.0], [-3.0, 1.5, 1.5, 0.25], [1e6, 1e6 - 2.0, 0.0, -1e6]])
    y = np.array([0, 3, 1])
    plain = TARGETS["softmax-loss"].exact(Case(z=z, yidx=y))["value"]
    assert list(target.exact(Case(z=z, yidx=y, smoothing=0.0))["value"]) == list(plain)
    case = Case(z=z, yidx=y, smoothing=0.1)
    exact = target.exact(case)
    right = _smoothed_losses(case, np.float64)

    def passes(got) -> bool:
        return compare(target, case, {"value": np.asarray(got)}, exact, FLOAT64, "robust").passed

    assert passes(right["-sum q log p"]) and passes(right["(1 - eps) nll + eps mean"])
    logp = special.log_softmax(z, axis=1)
    K = z.shape[1]
    ignored = -logp[np.arange(3), y]  # the smoothing forgotten
    others = np.full(z.shape, 0.1 / (K - 1))  # eps spread over the other classes only
    others[np.arange(3), y] = 0.9
    assert not passes(ignored)
    assert not passes(-np.sum(others * logp, axis=1))
    with np.errstate(all="ignore"):  # no max shift: e^(1e6) overflows
        unshifted = -np.sum(
            _smoothed_targets(case, np.float64) * np.log(np.exp(z) / np.exp(z).sum(1, keepdims=True)), 1
        )
    assert not passes(unshifted)


def _stable_problem(case) -> dict[str, np.ndarray]:
    X, W, b = (np.asarray(case[k], dtype=np.float64) for k in ("X", "W", "b"))
    y, m = np.asarray(case.yidx), X.shape[0]
    Z = X @ W + b
    logp = Z - special.logsumexp(Z, axis=1, keepdims=True)
    Y = np.eye(W.shape[1])[y]
    R = np.exp(logp) - Y
    return {
        "cost": np.asarray(-np.mean(logp[np.arange(m), y]) + case.lam * np.sum(W * W) / (2 * m)),
        "dj_dw": X.T @ R / m + case.lam * W / m,
        "dj_db": R.mean(axis=0),
    }


@given(data=st.data(), region=st.sampled_from(REGIONS), lam=st.sampled_from([0.0, 0.7]))
@settings(max_examples=40)
def test_the_stable_multinomial_cost_and_gradient_are_inside_the_robust_envelope(data, region, lam):
    case = data.draw(strategies.cases(TARGETS["softmax-cost-and-gradient"], region, FLOAT64, lam))
    target = TARGETS["softmax-cost-and-gradient"]
    verdict = compare(target, case, _stable_problem(case), target.exact(case), FLOAT64, "robust")
    assert verdict.passed, verdict.message


@pytest.mark.parametrize("name", ROWS + PROBLEMS)
@given(data=st.data(), region=st.sampled_from(REGIONS))
@settings(max_examples=25)
def test_robust_contains_strict_in_every_region(name, data, region):
    target = TARGETS[name]
    case = data.draw(strategies.cases(target, region, FLOAT64, 0.7))
    exact = target.exact(case)
    strict = target.envelope(case, exact, FLOAT64, "strict")
    robust = target.envelope(case, exact, FLOAT64, "robust")
    for comp in target.components:
        assert np.all(np.asarray(strict[comp]) <= np.asarray(robust[comp]))


# ----------------------------------------------------------------------------- mistakes


@given(data=st.data())
def test_float32_arithmetic_is_rejected_on_moderate_logits(data):
    case = data.draw(strategies.cases(TARGETS["softmax"], "benign", FLOAT64))
    z = np.asarray(case.z, dtype=np.float64)
    got = _shifted(z.astype(np.float32))["softmax"].astype(np.float64)
    exact = np.asarray(TARGETS["softmax"].exact(case)["value"], dtype=np.float64)
    assume(np.any(np.abs(got - exact) > 1e-13))  # not every float32 result is off (a row of ties: 1/K)
    assert not _judge("softmax", case, got).passed


@given(data=st.data())
def test_an_eps_guard_in_the_loss_is_rejected_on_moderate_logits(data):
    case = data.draw(strategies.cases(TARGETS["softmax-loss"], "benign", FLOAT64))
    z = np.asarray(case.z, dtype=np.float64)
    p = special.softmax(z, axis=1)
    assume(p.shape[1] > 1)
    got = -np.log(p[np.arange(len(z)), case.yidx] + 1e-8)
    assert not _judge("softmax-loss", case, got).passed


@given(data=st.data())
def test_the_unshifted_formulas_are_rejected_for_large_logits(data):
    case = data.draw(strategies.cases(TARGETS["softmax"], "overflow", FLOAT64))
    z = np.asarray(case.z, dtype=np.float64)
    with np.errstate(all="ignore"):
        e = np.exp(z)
        got = {"softmax": e / np.sum(e, axis=1, keepdims=True), "logsumexp": np.log(np.sum(e, axis=1))}
    assume(not np.all(np.isfinite(got["softmax"])) or not np.all(np.isfinite(got["logsumexp"])))
    assert not (_judge("softmax", case, got["softmax"]).passed and _judge("logsumexp", case, got["logsumexp"]).passed)


def test_log_of_an_underflowed_softmax_is_rejected():
    z = np.array([[0.0, -800.0, -800.0], [2.0, 2.0 - 800.0, 1.0]])
    case = Case(z=z)
    with np.errstate(divide="ignore"):
        got = np.log(special.softmax(z, axis=1))
    assert not _judge("log-softmax", case, got).passed
    assert _judge("log-softmax", case, special.log_softmax(z, axis=1)).passed


# ----------------------------------------------------------------------------- regions


def _thresholds():
    return softmax_strategies.thresholds(FLOAT64)


@given(data=st.data(), name=st.sampled_from(ROWS))
def test_row_cases_lie_in_their_region(data, name):
    t = _thresholds()
    region = data.draw(st.sampled_from(REGIONS))
    case = data.draw(strategies.cases(TARGETS[name], region, FLOAT64))
    z = np.asarray(case.z, dtype=np.float64)
    m, K = z.shape
    top = np.max(z, axis=1)
    if region in ("benign", "shapes", "labels", "boundary"):
        assert np.all(np.abs(z) <= softmax_strategies.BENIGN)
    if region == "boundary":  # a tie at the top of every row of more than one class
        assert all(K == 1 or np.sum(row == row.max()) >= 2 for row in z)
    if region == "saturated":  # the leading class leads every other by more than the gap where 1 + e^-g = 1
        gaps = top[:, None] - z
        assert np.all((gaps == 0) | (gaps >= t.sum_rounds_to_one * 0.999))
    if region == "overflow":  # the unshifted exp overflows in every row
        assert np.all(np.max(np.abs(z), axis=1) >= t.exp_overflow)
    if region == "underflow":  # every logit underflows, or some class is subnormally probable or zero
        gaps = top[:, None] - z
        assert np.all((top < t.exp_underflow) | np.any(gaps >= -t.exp_subnormal, axis=1) | (K == 1))
    if region == "cancellation":  # large logits, all within a few ulps of each other
        assert np.all(np.abs(z) >= 1e3)
        assert np.all(np.max(z, axis=1) - np.min(z, axis=1) <= 6 * np.spacing(np.abs(top)))
    if "yidx" in case:
        assert case.yidx.shape == (m,) and np.all((case.yidx >= 0) & (case.yidx < K))


@given(data=st.data(), region=st.sampled_from(("saturated", "overflow", "underflow")))
def test_problem_scores_lie_in_their_region(data, region):
    t = _thresholds()
    case = data.draw(strategies.cases(TARGETS["softmax-cost"], region, FLOAT64, 0.5))
    Z = case.logits_float
    if region == "overflow":
        assert np.all(np.max(np.abs(Z), axis=1) >= t.exp_overflow - 2.0)
    if region == "saturated":
        gaps = np.max(Z, axis=1, keepdims=True) - Z
        assert np.all((gaps < 2.0) | (gaps >= t.sum_rounds_to_one - 2.0))
    if region == "underflow":
        top = np.max(Z, axis=1)
        gaps = top[:, None] - Z
        assert np.all((top < t.exp_underflow + 2.0) | np.any(gaps >= -t.exp_subnormal - 2.0, axis=1))


@given(data=st.data(), region=st.sampled_from(REGIONS))
@settings(max_examples=30)
def test_float32_code_is_judged_against_the_float32_envelope(data, region):
    """A library's float32 path: the shifted formulas in float32 pass the float32 robust envelope."""
    case = data.draw(strategies.cases(TARGETS["softmax-loss"], region, FLOAT32))
    z = np.asarray(case.z)
    assert z.dtype == np.float32
    with np.errstate(all="ignore"):
        d = z - np.max(z, axis=1, keepdims=True)
        s = np.sum(np.exp(d), axis=1, keepdims=True)
        outputs = {"softmax": np.exp(d) / s, "log-softmax": d - np.log(s)}
        outputs["softmax-loss"] = (np.max(z, axis=1, keepdims=True) + np.log(s))[:, 0] - z[np.arange(len(z)), case.yidx]
    for name, got in outputs.items():
        rows = case if name == "softmax-loss" else case.replace(yidx=None)
        target = TARGETS[name]
        verdict = compare(target, rows, {"value": np.asarray(got, np.float64)}, target.exact(rows), FLOAT32, "robust")
        assert verdict.passed, (name, verdict.message)
