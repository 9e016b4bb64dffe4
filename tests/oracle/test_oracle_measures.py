"""Measures (rounding, ulps) and the float thresholds."""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference as R
from reference.measures import round_to_format, ulp, ulp_distance

any_float = st.floats(allow_nan=False)


@given(any_float, any_float, st.integers(0, 3))
def test_round_to_format_matches_numpy_casting(a, b, k):
    # exact midpoints and other exact values between neighbouring floats; numpy's float64 -> float32
    # cast is itself correctly rounded, so float64 inputs test float32 rounding directly
    with np.errstate(over="ignore"):
        assert round_to_format(a, "float32") == np.float32(a)
    if math.isfinite(a) and math.isfinite(b):
        mid = (Fraction(a) + Fraction(b)) / 2 + Fraction(k, 4) * (Fraction(b) - Fraction(a)) / 2
        r = round_to_format(mid, "float64")
        lo, hi = sorted([a, b])
        assert lo <= r <= hi  # between the two
        # nearest: no float closer
        with np.errstate(over="ignore"):
            neighbours = (np.nextafter(r, -np.inf), np.nextafter(r, np.inf))
        for cand in neighbours:
            if math.isfinite(cand):
                assert abs(Fraction(float(cand)) - mid) >= abs(Fraction(float(r)) - mid)


def test_ties_subnormals_overflow_and_signed_zero():
    tiny = Fraction(5e-324)
    assert round_to_format(tiny / 2) == 0.0 and math.copysign(1, round_to_format(-tiny / 2)) < 0
    assert round_to_format(tiny * 3 / 2) == 2 * 5e-324  # tie to even
    assert round_to_format(tiny * 5 / 2) == 2 * 5e-324
    assert round_to_format(1 + Fraction(1, 2**53)) == 1.0 and round_to_format(1 + Fraction(3, 2**53)) == 1 + 2**-51
    big = Fraction(np.finfo(np.float64).max)
    half_ulp = Fraction(2) ** 970
    assert round_to_format(big + half_ulp - 1) == big and round_to_format(big + half_ulp) == math.inf
    assert round_to_format(-0.0) == 0 and math.copysign(1, round_to_format(-0.0)) < 0
    assert round_to_format(mpmath.mpf(2) ** 100000) == math.inf
    assert round_to_format(mpmath.mpf(2) ** -100000, "float32") == 0
    assert round_to_format(Fraction(1, 3), "float32") == np.float32(1 / 3)
    assert np.float32(1.401298464324817e-45) == round_to_format(Fraction(3, 2) * Fraction(2) ** -149, "float32") / 2


def test_ulp_distance_conventions():
    assert ulp_distance(1.0, 1.0) == 0
    assert ulp_distance(np.nextafter(1.0, 2.0), 1.0) == 1
    assert ulp_distance(np.nextafter(1.0, 0.0), 1.0) == 0.5  # spacing above at a power of two
    assert ulp(1.0) == mpmath.mpf(2) ** -52 and ulp(0.0) == mpmath.mpf(2) ** -1074 and ulp(1e-310) == ulp(0.0)
    assert ulp(1.0, "float32") == mpmath.mpf(2) ** -23
    assert ulp_distance(0.0, -0.0) == 0
    assert ulp_distance(math.nan, math.nan) == 0 and ulp_distance(math.nan, 1.0) == math.inf
    assert ulp_distance(1.0, mpmath.nan) == math.inf
    assert ulp_distance(math.inf, mpmath.inf) == 0 and ulp_distance(math.inf, 1.0) == math.inf
    assert ulp_distance(1.0, mpmath.inf) == math.inf and ulp_distance(-math.inf, math.inf) == math.inf
    assert ulp_distance(np.float32(1) + np.float32(2**-23), 1.0, "float32") == 1
    assert R.bits_of_error(0) == 0 and R.bits_of_error(1) == 1 and R.bits_of_error(math.inf) == math.inf
    assert R.rel_error(0.0, 0) == 0 and R.rel_error(1e-300, 0) == math.inf and R.rel_error(1.5, 1) == 0.5
    assert R.abs_error(1.0, Fraction(1, 3)) == pytest.approx(2 / 3, rel=1e-15)


@given(st.floats(-1e300, 1e300), st.integers(-3, 3))
def test_ulp_distance_counts_floats(x, k):
    y = x
    for _ in range(abs(k)):
        y = np.nextafter(y, math.copysign(math.inf, k))
    # within one binade the distance is |k|; across a power of two it is at most |k|
    assert ulp_distance(y, x) <= abs(k)
    assert ulp_distance(y, x) >= abs(k) / 2


@pytest.mark.parametrize(
    "fmt, approx",
    [
        (
            "float64",
            dict(
                exp_neg_negligible=36.7368,
                sigmoid_rounds_to_one=37.4299,
                exp_overflow=709.7827,
                sigmoid_subnormal=-708.3964,
                sigmoid_zero=-745.1332,
            ),
        ),
        (
            "float32",
            dict(
                exp_neg_negligible=16.6355,
                sigmoid_rounds_to_one=17.3287,
                exp_overflow=88.7228,
                sigmoid_subnormal=-87.3365,
                sigmoid_zero=-103.9721,
            ),
        ),
    ],
)
def test_thresholds_are_sharp(fmt, approx):
    t = R.thresholds(fmt)
    dtype = np.float64 if fmt == "float64" else np.float32

    def below(v):
        return float(np.nextafter(dtype(v), dtype(-np.inf)))

    def cr(fn, z):
        return float(R.correctly_rounded(fn, z, fmt=fmt))

    for name, value in approx.items():
        assert getattr(t, name) == pytest.approx(value, abs=1e-3)
    assert cr(R.sigmoid, t.sigmoid_rounds_to_one) == 1 and cr(R.sigmoid, below(t.sigmoid_rounds_to_one)) < 1
    with mpmath.workprec(200):
        exp_exact = lambda z, prec: mpmath.exp(mpmath.mpf(z))
        assert math.isinf(cr(exp_exact, t.exp_overflow)) and not math.isinf(cr(exp_exact, below(t.exp_overflow)))
        one_plus = lambda z, prec: 1 + mpmath.exp(-mpmath.mpf(z))
        assert cr(one_plus, t.exp_neg_negligible) == 1 and cr(one_plus, below(t.exp_neg_negligible)) > 1
    assert cr(R.sigmoid, t.sigmoid_subnormal) >= t.smallest_normal > cr(R.sigmoid, below(t.sigmoid_subnormal))
    assert cr(R.sigmoid, t.sigmoid_zero) > 0 and cr(R.sigmoid, below(t.sigmoid_zero)) == 0
    finfo = np.finfo(dtype)
    assert t.smallest_normal == float(finfo.tiny) and t.epsilon == float(finfo.eps)
    assert t.unit_roundoff == float(finfo.eps) / 2 and t.smallest_subnormal == float(finfo.smallest_subnormal)
    assert R.FLOAT64 is R.thresholds("float64") and R.FLOAT32 is R.thresholds(np.float32)


def test_correctly_rounded_structures():
    g = R.correctly_rounded(R.gradient, np.array([[1.0], [2.0]]), [0.0, 1.0], [0.5], 0.0, fmt="float32")
    assert g.w.dtype == np.float32 and isinstance(g.b, np.float32)
    assert R.correctly_rounded(R.sigmoid, np.array([0.0, 40.0])).tolist() == [0.5, 1.0]
