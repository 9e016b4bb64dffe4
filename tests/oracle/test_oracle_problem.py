"""Problem maths: exact rational parts, derivatives by mpmath.diff, convexity, hard inputs."""

from fractions import Fraction

import mpmath
import numpy as np
import oracle_independent as ind
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import reference as R
from reference.measures import round_to_format
from reference.precision import _round_if_stable

finite = st.floats(-1e3, 1e3, allow_nan=False, width=64)
wide = st.one_of(finite, st.floats(-1e8, 1e8), st.sampled_from([0.0, 5e-324, -1e-300, 1e8, -1e8, 37.43]))
labels = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1))


@st.composite
def problems(draw, max_m=6, max_n=3, values=finite):
    m = draw(st.integers(1, max_m))
    n = draw(st.integers(1, max_n))
    X = draw(arrays(np.float64, (m, n), elements=values))
    y = draw(arrays(np.float64, (m,), elements=labels))
    w = draw(arrays(np.float64, (n,), elements=st.floats(-3, 3)))
    b = draw(st.floats(-3, 3))
    lam = draw(st.sampled_from([0.0, 0.5, 2.0]))
    s = draw(st.one_of(st.none(), arrays(np.float64, (m,), elements=st.floats(0.25, 4))))
    return X, y, w, b, lam, s


def frac(v):
    """The exact rational value of an mpf."""
    sign, man, exp, _ = v._mpf_
    q = Fraction(man) * Fraction(2) ** exp
    return -q if sign else q


def fr_logits(X, w, b):
    return [
        sum(Fraction(float(X[i, j])) * Fraction(float(w[j])) for j in range(X.shape[1])) + Fraction(float(b))
        for i in range(X.shape[0])
    ]


def close(a, b, bits=120):
    with mpmath.workprec(2000):
        return abs(a - b) <= abs(b) * mpmath.mpf(2) ** -bits


@given(problems(values=wide))
def test_logits_are_exact(p):
    X, y, w, b, lam, s = p
    assert [frac(v) for v in R.logits(X, w, b)] == fr_logits(X, w, b)


@given(problems(values=wide))
def test_linear_cost_and_gradient_equal_the_exact_rationals(p):
    X, y, w, b, lam, s = p
    m, n = X.shape
    z = fr_logits(X, w, b)
    sw = [Fraction(1)] * m if s is None else [Fraction(float(v)) for v in s]
    S = sum(sw)
    L = Fraction(lam)
    W = [Fraction(float(v)) for v in w]
    cost = (sum(si * (zi - Fraction(float(yi))) ** 2 for si, zi, yi in zip(sw, z, y)) + L * sum(v * v for v in W)) / (
        2 * S
    )
    g = R.linear_gradient(X, y, w, b, lam, s)
    res = [si * (zi - Fraction(float(yi))) for si, zi, yi in zip(sw, z, y)]
    gw = [(sum(r * Fraction(float(X[i, j])) for i, r in enumerate(res)) + L * W[j]) / S for j in range(n)]
    for got, exact in [(R.linear_cost(X, y, w, b, lam, s), cost), (g.b, sum(res) / S)] + list(zip(g.w, gw)):
        if exact == 0:
            assert got == 0
        else:
            assert abs(frac(got) / exact - 1) < Fraction(1, 2**150)
    for fmt in ("float64", "float32"):
        cost_r = R.correctly_rounded(R.linear_cost, X, y, w, b, lam, s, fmt=fmt)
        g_r = R.correctly_rounded(R.linear_gradient, X, y, w, b, lam, s, fmt=fmt)
        assert cost_r == round_to_format(cost, fmt) and g_r.b == round_to_format(sum(res) / S, fmt)
        assert list(g_r.w) == [round_to_format(v, fmt) for v in gw]


@given(problems())
def test_cost_and_gradient_match_textbook_formulas_at_high_precision(p):
    # the textbook formulas at a precision chosen from the exact logits (600 bits, as this test
    # once used, cannot see that sigma(z) - 1/2 = z/4 + ... for z = 3e-270 is not 0)
    X, y, w, b, lam, s = p
    assert close(R.cost(X, y, w, b, lam, s), ind.cost_hp(X, y, w, b, lam, s))
    prec, _ = ind.precision_for(X, y, w, b, lam, s)
    truth, sizes = ind.gradient_hp(X, y, w, b, lam, s, scales=True)
    g = R.gradient(X, y, w, b, lam, s)
    for got, t, size in zip(list(g.w) + [g.b], list(truth[0]) + [truth[1]], sizes):
        ok, why = ind.agrees(got, t, size, prec)
        assert ok, why


def test_a_logit_of_3e_270_against_label_one_half():
    # sigma(z) - 1/2 = z/4 - z^3/48 + ...: 8.1e-271, not the 0 that two evaluations at 160 and 320
    # bits both give
    z = 3.24072151e-270
    g = R.gradient(np.array([[z]]), [0.5], [1.0], 0.0)
    with mpmath.workprec(2000):
        truth = 1 / (1 + mpmath.exp(-mpmath.mpf(z))) - mpmath.mpf(0.5)
        assert close(g.b, truth) and close(g.w[0], truth * z)


@given(problems())
def test_double_precision_agrees_after_rounding(p):
    X, y, w, b, lam, s = p
    for fn in (R.cost, R.gradient, R.squared_error_cost, R.squared_error_gradient):
        hi = fn(X, y, w, b, lam, s, prec=256)
        for fmt in ("float64", "float32"):
            cr = R.correctly_rounded(fn, X, y, w, b, lam, s, fmt=fmt)
            pairs = list(zip(cr.w, hi.w)) + [(cr.b, hi.b)] if isinstance(hi, R.Gradient) else [(cr, hi)]
            for got, value in pairs:
                # a value within 2**-250 of a rounding midpoint may round either way at 256 bits
                stable = _round_if_stable(value, 250, fmt)
                assert stable is None or got == stable


def _line(fn, X, y, w, b, lam, s, d):
    n = X.shape[1]

    def f(t):
        return fn(X, y, w + t * d[:n], b + t * d[n], lam, s)

    return f


def _cost_mp(X, y, w, b, lam, s):
    """Cost as an mpmath function of (w, b) (for mpmath.diff): the textbook formula."""
    m = len(X)
    sw = [1] * m if s is None else list(s)
    z = [mpmath.fsum(X[i][j] * w[j] for j in range(len(w))) + b for i in range(m)]
    tot = mpmath.fsum(sw[i] * (mpmath.log(1 + mpmath.exp(z[i])) - y[i] * z[i]) for i in range(m))
    return (tot + lam / 2 * mpmath.fsum(v * v for v in w)) / mpmath.fsum(sw)


@given(problems(max_m=4, max_n=2, values=st.floats(-3, 3)), st.integers(0, 2**32))
def test_gradient_and_hessian_are_derivatives_of_the_cost(p, seed):
    X, y, w, b, lam, s = p
    n = X.shape[1]
    d = np.random.default_rng(seed).standard_normal(n + 1)
    g = R.gradient(X, y, w, b, lam, s)
    H = R.hessian(X, y, w, b, lam, s)
    with mpmath.workprec(300):
        dd = [mpmath.mpf(float(v)) for v in d]
        Xm = [[mpmath.mpf(float(v)) for v in row] for row in X]

        def J(t):
            ww = [mpmath.mpf(float(w[j])) + t * dd[j] for j in range(n)]
            return _cost_mp(
                Xm,
                [mpmath.mpf(float(v)) for v in y],
                ww,
                mpmath.mpf(b) + t * dd[n],
                lam,
                None if s is None else [mpmath.mpf(float(v)) for v in s],
            )

        d1 = mpmath.diff(J, 0)
        d2 = mpmath.diff(J, 0, 2)
        gd = mpmath.fsum(g.w[j] * dd[j] for j in range(n)) + g.b * dd[n]
        dHd = mpmath.fsum(H[a, c] * dd[a] * dd[c] for a in range(n + 1) for c in range(n + 1))
        scale = mpmath.fsum(abs(v) for v in dd) ** 2 * (1 + lam)
        assert abs(d1 - gd) < mpmath.mpf(2) ** -80 * scale
        assert abs(d2 - dHd) < mpmath.mpf(2) ** -60 * scale
        assert d2 >= -(mpmath.mpf(2) ** -60) * scale and dHd >= 0  # convex along every line


def test_hessian_is_symmetric_and_bias_is_not_regularized():
    rng = np.random.default_rng(1)
    X, y, w = rng.standard_normal((5, 2)), np.array([0, 1, 1, 0, 1.0]), rng.standard_normal(2)
    H0, H1 = R.hessian(X, y, w, 0.2), R.hessian(X, y, w, 0.2, lam=3.0)
    assert all(H0[a, c] == H0[c, a] for a in range(3) for c in range(3))
    with mpmath.workprec(400):
        assert close(H1[0, 0] - H0[0, 0], mpmath.mpf(3) / 5, 100) and H1[2, 2] == H0[2, 2]


def test_squared_error_through_sigmoid_is_not_convex():
    # one example, x = 1, y = 1, far in the saturated wrong tail: the cost flattens, so it bends down
    X, y = np.array([[1.0]]), np.array([1.0])
    w0 = np.array([-4.0])
    with mpmath.workprec(300):

        def J(t):
            sg = 1 / (1 + mpmath.exp(-(w0[0] + t)))
            return (sg - 1) ** 2 / 2

        d2 = mpmath.diff(J, 0, 2)
        gd = mpmath.diff(J, 0)
        j0 = J(0)
    assert d2 < 0
    assert close(R.squared_error_gradient(X, y, w0, 0.0).w[0], gd, 80)
    assert close(R.squared_error_cost(X, y, w0, 0.0), j0, 120)


def test_cancelling_features_and_the_saturated_point():
    # columns of +1e8 and -1e8 cancel exactly in z; the residual at z = 37.43, y = 1 is -5.55e-17
    X = np.array([[1e8, -1e8, 37.43], [1e8, -1e8, -37.43]])
    w, b = np.array([1.0, 1.0, 1.0]), 0.0
    z = R.logits(X, w, b)
    assert z[0] == mpmath.mpf(37.43) and z[1] == -mpmath.mpf(37.43)
    g = R.gradient(X[:1], [1.0], w, b)
    with mpmath.workprec(500):
        e = mpmath.exp(-mpmath.mpf(37.43))
        assert close(g.b, -e / (1 + e), 120)
        assert close(R.cost(X[:1], [1.0], w, b), mpmath.log1p(e), 120)
    assert float(g.b) == pytest.approx(-5.55082508625372e-17, rel=1e-15)
    # gradient wrt the 1e8 columns: 1e8 * r with r tiny, opposite signs: exact up to rounding
    with mpmath.workprec(2000):
        assert g.w[0] + g.w[1] == 0 and close(g.w[0], 1e8 * g.b, 120)


def test_exact_zero_from_mirrored_examples():
    X = np.array([[1.0], [-1.0]])
    g = R.gradient(X, [0.25, 0.25], [0.0], 0.7)
    assert g.w[0] == 0 and g.b != 0


def test_gradient_near_an_optimum_keeps_relative_accuracy():
    # a soft label equal to a float near sigma(z): the residual cancels to ~1e-17 of sigma
    z = 0.3
    f = float(round_to_format(R.sigmoid(z)))
    g = R.gradient(np.array([[1.0]]), [f], [z], 0.0)
    with mpmath.workprec(800):
        truth = ind.sigmoid(z, 800) - mpmath.mpf(f)
        assert close(g.b, truth, 120) and close(g.w[0], truth, 120)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(X=np.ones((3, 3)), y=[0, 1, 0], w=[1, 2, 3, 4], b=0), "X has 3 columns but w has 4 entries"),
        (dict(X=np.ones((3, 2)), y=[0, 1], w=[1, 2], b=0), "X has 3 rows but y has 2 entries"),
        (dict(X=np.ones(3), y=[0, 1, 0], w=[1], b=0), "2-D"),
        (dict(X=np.array([[np.nan]]), y=[0], w=[1], b=0), "X contains NaN"),
        (dict(X=np.ones((1, 1)), y=[2.0], w=[1], b=0), r"y\[0\]=2.0 is outside"),
        (dict(X=np.ones((1, 1)), y=[1.0], w=[1], b=[1, 2]), "b must be a scalar"),
        (dict(X=np.ones((1, 1)), y=[1.0], w=[1], b=0, lam=-1.0), "lam"),
        (dict(X=np.ones((2, 1)), y=[1.0, 0], w=[1], b=0, sample_weight=[1, -1.0]), "negative"),
    ],
)
def test_invalid_problems_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        R.gradient(**kwargs)


def test_column_and_row_vectors_are_accepted():
    X = np.arange(6.0).reshape(3, 2) / 7
    a = R.gradient(X, np.array([[0.0], [1.0], [1.0]]), np.array([[0.5, -0.25]]), np.array([0.125]))
    b = R.gradient(X, [0.0, 1.0, 1.0], [0.5, -0.25], 0.125)
    assert list(a.w) == list(b.w) and a.b == b.b
