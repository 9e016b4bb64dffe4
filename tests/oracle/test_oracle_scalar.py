"""Scalar maths: identities, the hard points of the float formats, input validation."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import oracle_independent as ind
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import reference as R
from reference.measures import round_to_format

HARD_POINTS = [
    0.0,
    -0.0,
    5e-324,
    -5e-324,
    1e-300,
    16.6,
    17.33,
    36.7,
    36.74,
    37.0,
    37.43,
    88.72,
    103.97,
    709.78,
    745.13,
    1e5,
    1e300,
]
hard = st.sampled_from(HARD_POINTS + [-v for v in HARD_POINTS])
logit = st.one_of(
    hard, st.floats(-800, 800), st.floats(allow_nan=False, allow_infinity=False, width=32), st.floats(-1e6, 1e6)
)
label = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1))


def frac(v):
    """The exact rational value of an mpf."""
    sign, man, exp, _ = v._mpf_
    q = Fraction(man) * Fraction(2) ** exp
    return -q if sign else q


def rel(a, b):
    with mpmath.workprec(2000):
        return +(abs(a - b) / abs(b)) if b else +abs(a)


@given(logit)
def test_sigmoid_symmetry(z):
    with mpmath.workprec(400):
        assert rel(R.sigmoid(-z) + R.sigmoid(z), mpmath.mpf(1)) < mpmath.mpf(2) ** -120


@given(st.floats(-700, 700))
def test_sigmoid_derivative_is_the_derivative_of_sigmoid(z):
    with mpmath.workprec(300 + 3 * int(abs(z))):
        d = mpmath.diff(lambda t: 1 / (1 + mpmath.exp(-t)), mpmath.mpf(z))
    assert rel(R.sigmoid_derivative(z), d) < mpmath.mpf(2) ** -100


@given(logit)
def test_loss_from_logit_label_symmetry(z):
    a, b = R.loss_from_logit(z, 1), R.loss_from_logit(-z, 0)
    assert a == b or rel(a, b) < mpmath.mpf(2) ** -125


@given(st.floats(-700, 700), label)
def test_loss_of_sigmoid_equals_loss_from_logit(z, y):
    # loss(f, y) takes f as exact input: feed it a float64 of sigma(z) and compare with
    # loss_from_logit at the logit whose sigmoid is that exact float (found at high precision).
    f = float(round_to_format(R.sigmoid(z), "float64"))
    assume(f not in (0.0, 1.0))
    with mpmath.workprec(700 + 2 * int(abs(z))):  # 1 + e^zf keeps the bits of e^zf
        zf = mpmath.log(mpmath.mpf(f) / (1 - mpmath.mpf(f)))
        expected = mpmath.log(1 + mpmath.exp(zf)) - mpmath.mpf(y) * zf
    assert rel(R.loss(f, y), expected) < mpmath.mpf(2) ** -110


@given(logit, label)
def test_loss_from_logit_matches_textbook_formula_at_high_precision(z, y):
    assume(abs(z) <= 1000)
    expected = ind.loss_from_logit(z, y, prec=600 + 2 * int(abs(z)))
    assert rel(R.loss_from_logit(z, y), expected) < mpmath.mpf(2) ** -120


@given(logit)
def test_sigmoid_and_softplus_against_textbook_formulas(z):
    assume(abs(z) <= 1000)
    p = 600 + 2 * int(abs(z))
    assert rel(R.sigmoid(z), ind.sigmoid(z, p)) < mpmath.mpf(2) ** -120
    assert rel(R.softplus(z), ind.softplus(z, p)) < mpmath.mpf(2) ** -120
    assert rel(R.log_sigmoid(z), ind.log_sigmoid(z, p)) < mpmath.mpf(2) ** -120


@given(logit, label)
def test_double_precision_agrees_after_rounding(z, y):
    for fn, args in ((R.sigmoid, (z,)), (R.softplus, (z,)), (R.loss_from_logit, (z, y)), (R.sigmoid_derivative, (z,))):
        lo, hi = fn(*args), fn(*args, prec=256)
        assert rel(lo, hi) < mpmath.mpf(2) ** -126
        for fmt in ("float64", "float32"):
            assert R.correctly_rounded(fn, *args, fmt=fmt) == round_to_format(hi, fmt)


def test_the_famous_saturated_point():
    # sigma(37.43) rounds to 1 in float64, yet 1 - sigma and the loss are 5.55e-17.
    z = 37.43
    with mpmath.workprec(500):
        e = mpmath.exp(-mpmath.mpf(z))
        series = sum((-1) ** k * e ** (k + 1) for k in range(12))  # 1 - sigma = e/(1+e)
        truth = mpmath.log1p(e)
    with mpmath.workprec(500):
        one_minus = 1 - R.sigmoid(z, prec=300)
    assert rel(one_minus, series) < mpmath.mpf(2) ** -200
    assert rel(R.softplus(-z), truth) < mpmath.mpf(2) ** -120
    assert rel(R.loss_from_logit(z, 1), truth) < mpmath.mpf(2) ** -120
    assert float(R.loss_from_logit(z, 1)) == pytest.approx(5.55082508625372e-17, rel=1e-15)
    assert round_to_format(R.sigmoid(z)) == 1.0
    assert float(R.sigmoid_derivative(37.0)) == pytest.approx(math.exp(-37.0) / (1 + math.exp(-37.0)) ** 2, rel=1e-15)


def test_limits_and_extremes():
    assert R.sigmoid(math.inf) == 1 and R.sigmoid(-math.inf) == 0
    assert R.softplus(math.inf) == mpmath.inf and R.softplus(-math.inf) == 0
    assert R.loss_from_logit(math.inf, 1) == 0 and R.loss_from_logit(math.inf, 0.5) == mpmath.inf
    assert R.sigmoid(0.0) == mpmath.mpf(0.5) and R.sigmoid(-0.0) == mpmath.mpf(0.5)
    with mpmath.workprec(1200):
        near_half = mpmath.mpf(0.5) + mpmath.mpf(5e-324) / 4  # sigma(z) = 1/2 + z/4 + O(z^3)
    assert rel(R.sigmoid(5e-324), near_half) < mpmath.mpf(2) ** -120
    assert R.correctly_rounded(R.sigmoid, 5e-324) == 0.5
    assert rel(R.sigmoid_derivative(-5e-324), mpmath.mpf(0.25)) < mpmath.mpf(2) ** -120
    # sigma(-1e5) ~ e^-1e5, far below any float but exact in mpmath
    with mpmath.workprec(200):
        assert rel(R.sigmoid(-1e5), mpmath.exp(-mpmath.mpf(1e5))) < mpmath.mpf(2) ** -120
    assert rel(R.softplus(1e5), mpmath.mpf(1e5)) < mpmath.mpf(2) ** -120


def test_loss_conventions():
    assert R.loss(0.0, 0.0) == 0 and R.loss(1.0, 1.0) == 0
    assert R.loss(0.0, 0.5) == mpmath.inf and R.loss(1.0, 0.0) == mpmath.inf
    assert R.loss_derivative(0.0, 1) == -mpmath.inf and R.loss_derivative(1.0, 0) == mpmath.inf
    assert R.loss_derivative(0.25, 0.25) == 0
    assert R.loss_derivative(0.0, 0.0) == 1 and R.loss_derivative(1.0, 1.0) == -1


@given(st.floats(0, 1, exclude_min=True, exclude_max=True), label)
def test_loss_derivative_equals_the_exact_rational(f, y):
    F, Y = Fraction(f), Fraction(y)
    exact = -Y / F + (1 - Y) / (1 - F)
    got = R.loss_derivative(f, y)
    if exact == 0:
        assert got == 0
    else:
        assert abs(frac(got) / exact - 1) < Fraction(1, 2**125)


@given(st.floats(1e-3, 1 - 1e-3), label)
def test_loss_derivative_is_the_derivative_of_loss(f, y):
    with mpmath.workprec(400):
        Y, F = mpmath.mpf(y), mpmath.mpf(f)
        d = mpmath.diff(lambda t: -Y * mpmath.log(t) - (1 - Y) * mpmath.log(1 - t), F)
        assert abs(R.loss_derivative(f, y) - d) <= mpmath.mpf(2) ** -100 * (Y / F + (1 - Y) / (1 - F))


def test_arrays_keep_their_shape():
    out = R.sigmoid(np.zeros((2, 3), dtype=np.float32))
    assert out.shape == (2, 3) and out.dtype == object and all(v == 0.5 for v in out.ravel())
    assert isinstance(R.sigmoid(1.0), mpmath.mpf)
    assert R.loss(np.array([0.5, 0.25]), 1).shape == (2,)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: R.sigmoid(math.nan), "z"),
        (lambda: R.loss(math.nan, 1), "f"),
        (lambda: R.loss(0.5, math.nan), "y"),
        (lambda: R.loss(1.5, 1), "outside"),
        (lambda: R.loss_from_logit(1.0, -0.1), "outside"),
        (lambda: R.sigmoid(np.array([0.0, math.nan])), "NaN"),
    ],
)
def test_invalid_inputs_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_global_precision_is_untouched():
    before = mpmath.mp.prec
    R.sigmoid(1.0, prec=500)
    R.gradient(np.ones((2, 1)), [0, 1], [1.0], 0.0, prec=300)
    assert mpmath.mp.prec == before
