"""The measuring mechanisms' own maths: ratios in the problem's counts, fitted nonlinearities,
bisection, row ranges, solved clip constants, and the ranking rules."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import special

from verifier.diagnosis import dependence, explain, nonlinearity, onset, scale
from verifier.diagnosis.evidence import Candidate

SIZES = [(40, 3), (40, 1), (7, 2), (13, 4), (22, 5)]
constants = st.floats(min_value=1e-4, max_value=1e4).flatmap(lambda c: st.sampled_from([c, -c]))


def _samples(k, rng_seed=0):
    rng = np.random.default_rng(rng_seed)
    out = []
    for m, n in SIZES:
        e = rng.normal(size=n) + 0.1
        out.append(scale.Sample(m, n, e * k(m, n), e))
    return out


@given(c=constants, factor=st.sampled_from(scale.FACTORS))
def test_a_constant_times_a_factor_of_m_and_n_is_recovered(c, factor):
    assume(not (factor.text == "1" and c == 1))
    r = scale.ratio_of(_samples(lambda m, n: c * factor.value(m, n)))
    assert r is not None
    # the recovered ratio reproduces the one used, on every probe size
    for m, n in SIZES:
        assert math.isclose(r.constant * r.factor.value(m, n), c * factor.value(m, n), rel_tol=1e-6)


@given(st.floats(min_value=0.05, max_value=20.0), st.integers(0, 3))
def test_a_ratio_that_varies_within_a_probe_is_not_a_constant(c, seed):
    samples = _samples(lambda m, n: c, seed)
    s = samples[0]  # m = 40, n = 3: one element off by 1% breaks the single ratio of that probe
    bent = s.actual.copy()
    bent[0] *= 1.01
    samples[0] = scale.Sample(s.m, s.n, bent, s.exact)
    assert scale.ratio_of(samples) is None


def test_ratios_are_named_in_the_problem_s_terms():
    def named(c, text):
        f = next(f for f in scale.FACTORS if f.text == text)
        return scale.name_ratio(scale.Ratio(c, f, 5, 0.0), "mean", gradient=True)

    assert named(-1, "1").id == "sign-flipped"
    assert named(1, "m").id == "not-averaged"
    assert named(1, "m/n").id == "wrong-divisor" and "n (the number of features)" in named(1, "m/n").meaning
    assert named(1, "1/n").id == "wrong-divisor" and "m*n" in named(1, "1/n").meaning
    step = named(0.01, "1")
    assert step.id == "scaled" and "alpha = 0.01" in step.meaning
    assert named(1, "1") is None


@given(
    fam=st.sampled_from([f for f in nonlinearity.LOGISTIC_IMPOSTORS if f.name not in ("shifted", "linear", "exp")]),
    k=st.floats(min_value=0.2, max_value=4.0),
)
def test_a_fitted_impostor_recovers_its_parameter(fam, k):
    curve = {z: float(fam.g(np.array([z]), k)[0]) for z in nonlinearity.GRID.tolist()}
    assume(0 < curve[1.0] < 1 and curve[1.0] != 0.5)
    found = nonlinearity.fit(curve, nonlinearity.LOGISTIC_IMPOSTORS)
    assert found is not None
    got, kk = found
    # whatever family fits, it reproduces the readings (two families may coincide, e.g. tanh and sigma(2z))
    pred = got.g(nonlinearity.GRID, kk)
    truth = fam.g(nonlinearity.GRID, k)
    assert np.allclose(pred, truth, rtol=0, atol=1e-8)


def test_the_logistic_function_itself_is_no_impostor():
    curve = {z: float(special.expit(z)) for z in nonlinearity.GRID.tolist()}
    fam, k = nonlinearity.fit(curve, nonlinearity.LOGISTIC_IMPOSTORS)
    assert fam.name == "logistic" and fam.words(k) is None


def test_a_function_no_impostor_fits_is_described_by_its_broken_properties():
    curve = {z: float(special.expit(z) + 0.1 * math.sin(3 * z)) for z in nonlinearity.GRID.tolist()}
    assert nonlinearity.fit(curve, nonlinearity.LOGISTIC_IMPOSTORS) is None
    text = nonlinearity._properties(curve)
    assert "not increasing" in text


@given(threshold=st.floats(min_value=1.0, max_value=900.0), lo_frac=st.floats(0.1, 0.99))
def test_bisection_brackets_the_threshold(threshold, lo_frac):
    lo, hi = threshold * lo_frac, threshold * 1.5
    bracket = onset.bisect(lambda z: z > threshold, lo, hi)
    assert bracket is not None
    a, b = bracket
    assert a <= threshold <= b and b - a <= 1e-9 * threshold
    assert a <= onset._short(a, b) <= b


def test_bisection_gives_up_when_a_point_is_neither_before_nor_after():
    assert onset.bisect(lambda z: None if 4 < z < 6 else z > 5, 1.0, 10.0) is None


@given(st.lists(st.integers(0, 60), unique=True, min_size=1).map(sorted))
def test_row_ranges_list_every_row_once(rows):
    text = dependence._ranges(rows)
    listed = []
    for part in text.split(", "):
        a, _, b = part.partition("-")
        listed += list(range(int(a) - 1, int(b or a)))
    assert listed == rows


def test_rows_are_described_by_where_they_are():
    assert dependence._rows_words(list(range(32, 40)), 40).startswith("the last 8 examples")
    assert dependence._rows_words([0], 40) == "the first example"
    assert dependence._rows_words([39], 40) == "the last example"


@given(z=st.floats(min_value=-700.0, max_value=700.0))
def test_threshold_words_name_only_nearby_thresholds(z):
    words, near = onset.thresholds_text(abs(z), "float64")
    named = [36.7368, 37.4299, 709.7827, 708.3964, 745.1332]
    assert near == any(abs(abs(z) - t) <= 0.03 * t for t in named)


def _cand(mid, checks):
    return Candidate(mid, 0.9, mid, {}, set(checks))


def test_a_finding_that_explains_wrong_values_heads_a_contract_finding():
    ranked = explain._rank(
        [
            _cand("raises", ["contract.labels", "contract.shapes", "stability.finite"]),
            _cand("squared-error-cost", ["correctness.benign"]),
        ]
    )
    assert [c.id for c in ranked] == ["squared-error-cost", "raises"]


def test_stability_findings_come_before_contract_ones():
    ranked = explain._rank(
        [_cand("mutates-input", ["contract.pure", "contract.deterministic"]), _cand("overflow", ["stability.overflow"])]
    )
    assert ranked[0].id == "overflow"


@pytest.mark.parametrize("eps", [1e-4, 3e-9, 2.5e-6])
def test_a_guard_constant_is_solved_from_the_cost(eps):
    from verifier.diagnosis.clipping import _guarded_cost, _solve_guard
    from verifier.spec.case import Case

    rng = np.random.default_rng(3)
    case = Case(X=rng.normal(size=(9, 2)), y=(rng.random(9) < 0.5).astype(float), w=np.array([0.5, -1.0]), b=0.25)
    value = _guarded_cost(case, eps, "add")
    got = _solve_guard(lambda e: _guarded_cost(case, e, "add") - value)
    assert got is not None and math.isclose(got, eps, rel_tol=1e-5)
