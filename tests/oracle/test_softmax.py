"""The softmax family's oracle: identities, exact rational parts, independent evaluations, thresholds.

The independent evaluations are the textbook formulas (exp(z_k) / sum_l exp(z_l), unshifted) on the
exact logits (fractions.Fraction) in mpmath, at twice the oracle's precision plus the bits that the
logits' span and size cost those formulas, so that they agree with the oracle only if it is right.
"""

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import reference as R
from reference import _softmax_certify, _softmax_kernels
from reference.measures import round_to_format

PREC = R.DEFAULT_PREC  # what the oracle promises: relative 2**-PREC
FORMATS = ("float64", "float32")


def rounds_to(got, exact: Fraction, fmt: str) -> bool:
    """``got`` is the rounding of the rational ``exact``, or, where ``exact`` lies exactly halfway between
    two floats, either of them: ``correctly_rounded`` cannot tell an exact tie from its neighbours when
    the oracle's value is not exact (p = 1/K), as its docstring says."""
    want = round_to_format(exact, fmt)
    if got == want:
        return True
    dtype = np.float64 if fmt == "float64" else np.float32
    other = np.nextafter(dtype(want), dtype(got))
    return other == got and 2 * exact == Fraction(float(want)) + Fraction(float(other))


moderate = st.floats(-50, 50, width=64)
wide = st.one_of(
    moderate,
    st.floats(-800, 800),
    st.sampled_from([0.0, -0.0, 5e-324, -1e-300, 36.74, -37.43, 709.79, -745.14, 1e3, -1e3]),
)


@st.composite
def logit_rows(draw, values=wide, max_rows=3, max_K=5, min_K=2):
    K = draw(st.integers(min_K, max_K))
    N = draw(st.integers(1, max_rows))
    return draw(arrays(np.float64, (N, K), elements=values))


def frac(v):
    """The exact rational value of an mpf."""
    sign, man, exp, _ = v._mpf_
    q = Fraction(man) * Fraction(2) ** exp
    return -q if sign else q


def mp_exact(q):
    return mpmath.mpf(q.numerator) / q.denominator  # exact: a dyadic denominator, enough precision


def textbook_precision(z_rows, extra=()):
    """Twice the oracle's precision, plus what exp(z) / sum exp(z) loses on these exact logits: the span of
    the logits (a probability near 1 keeps the bits of the others' e^-gap) and three times the bits of the
    values (sums over examples can cancel to first and second order in a tiny logit t: rows (t, 0, 0)
    and (t, t, 0) against labels at the rounded softmax leave -t^2/54 for dJ/db_1)."""
    vals = [Fraction(float(v)) for row in z_rows for v in row] + [Fraction(float(v)) for v in extra]
    nz = [abs(v) for v in vals if v]
    span = max((max(row) - min(row) for row in z_rows), default=0)
    top = max((v.numerator.bit_length() - v.denominator.bit_length() + 1 for v in nz), default=1)
    low = min((-(v.denominator.bit_length() - 1) for v in nz), default=0)
    return 2 * PREC + int(1.45 * span) + max(0, top) + 3 * (top - low) + 64


def textbook_row(z, prec):
    """(softmax, log_softmax, logsumexp) of one exact row by the textbook formulas at prec bits."""
    with mpmath.workprec(prec):
        zz = [mp_exact(Fraction(float(v))) for v in z]
        ex = [mpmath.exp(v) for v in zz]
        total = mpmath.fsum(ex)
        lse = mpmath.log(total)
        return [e / total for e in ex], [v - lse for v in zz], lse


def close(got, truth, bits=PREC):
    with mpmath.workprec(4000):
        return abs(got - truth) <= abs(truth) * mpmath.mpf(2) ** -bits


def cr(fn, *args, fmt="float64", **kw):
    return R.correctly_rounded(fn, *args, fmt=fmt, **kw)


# ---------------------------------------------------------------------------- identities


@given(
    arrays(np.int64, st.tuples(st.integers(1, 3), st.integers(2, 5)), elements=st.integers(-(2**20), 2**20)),
    st.integers(-(2**30), 2**30),
    st.sampled_from([np.float64, np.float32]),
)
def test_shift_invariance_is_exact(ints, shift, dtype):
    # z and z + c are both exact floats: softmax and log_softmax depend on z - max only, bit for bit
    scale = 2.0**-10 if dtype is np.float64 else 1.0
    if dtype is np.float32:
        ints, shift = ints >> 8, shift >> 20  # 24-bit significands
    z = (ints * scale).astype(dtype)
    zc = ((ints + shift) * scale).astype(dtype)
    assert np.array_equal(zc.astype(np.float64) - z.astype(np.float64), np.full(z.shape, shift * scale))
    assert (R.softmax(zc) == R.softmax(z)).all()
    assert (R.log_softmax(zc) == R.log_softmax(z)).all()
    c = mpmath.mpf(shift * scale)
    for a, b in zip(R.logsumexp(zc), R.logsumexp(z)):
        with mpmath.workprec(4000):
            assert abs(a - c - b) <= (abs(a) + abs(b)) * mpmath.mpf(2) ** -PREC


@given(logit_rows())
def test_probabilities_sum_to_one_within_the_bound(z):
    P = R.softmax(z)
    K = z.shape[1]
    for row in P:
        assert all(0 < p <= 1 for p in row)
        total = sum(frac(p) for p in row)
        assert abs(total - 1) <= Fraction(K, 2**PREC)


@given(logit_rows())
def test_log_softmax_is_z_minus_logsumexp(z):
    LS, L, P = R.log_softmax(z), R.logsumexp(z), R.softmax(z)
    with mpmath.workprec(4000):
        for zrow, lsrow, lse, prow in zip(z, LS, L, P):
            for zk, ls, p in zip(zrow, lsrow, prow):
                assert ls < 0
                exact = mpmath.mpf(float(zk)) - lse
                assert abs(ls - exact) <= (abs(exact) + abs(lse)) * mpmath.mpf(2) ** -PREC
                assert abs(ls - mpmath.log(p)) <= mpmath.mpf(2) ** (2 - PREC) * (1 + abs(ls))


@given(logit_rows(values=st.floats(-300, 300)))
def test_agrees_with_the_textbook_formulas_at_twice_the_precision(z):
    P, LS, L = R.softmax(z), R.log_softmax(z), R.logsumexp(z)
    for zrow, prow, lsrow, lse in zip(z, P, LS, L):
        tp, tls, tlse = textbook_row(zrow, textbook_precision([zrow]))
        assert all(close(a, b) for a, b in zip(prow, tp))
        assert all(close(a, b) for a, b in zip(lsrow, tls))
        assert close(lse, tlse)


def test_logsumexp_near_zero_cancels_and_is_still_exact():
    # e^z + e^z = 1 at z = -log 2: the floats around it give logsumexp ~ 1e-17, max + log1p(R) cancels
    z0 = float(-mpmath.log(2))
    for z in ([z0, z0], [float(np.nextafter(z0, 0.0)), z0], [z0, z0, -800.0]):
        got = R.logsumexp(np.array(z))
        _, _, truth = textbook_row(z, 2000)
        assert got != 0 and close(got, truth)
    assert float(R.logsumexp(np.array([z0, z0]))) == pytest.approx(2.3190468138462996e-17, rel=1e-12)


# ---------------------------------------------------------------------------- K = 2 is the binary oracle


@given(st.one_of(wide, st.floats(-1e6, 1e6)), st.sampled_from(FORMATS))
def test_two_classes_are_the_binary_functions_exactly(t, fmt):
    if fmt == "float32":
        t = float(np.float32(t)) if np.isfinite(np.float32(t)) else 0.0
    dt = np.float64 if fmt == "float64" else np.float32
    row = np.array([0.0, t], dtype=dt)
    assert cr(R.softmax, row, fmt=fmt)[1] == cr(R.sigmoid, dt(t), fmt=fmt)
    assert cr(R.softmax, row, fmt=fmt)[0] == cr(R.sigmoid, dt(-t), fmt=fmt)
    assert cr(R.log_softmax, row, fmt=fmt)[1] == cr(R.log_sigmoid, dt(t), fmt=fmt)
    assert cr(R.logsumexp, row, fmt=fmt) == cr(R.softplus, dt(t), fmt=fmt)
    for y in (0, 1):
        assert cr(R.softmax_cross_entropy, row, y, fmt=fmt) == cr(R.loss_from_logit, dt(t), float(y), fmt=fmt)
    y = 0.375  # a soft row (1 - y, y) that sums to 1 exactly
    assert cr(R.softmax_cross_entropy, row, [1 - y, y], fmt=fmt) == cr(R.loss_from_logit, dt(t), y, fmt=fmt)


@st.composite
def binary_problems(draw, max_m=5, max_n=3):
    m = draw(st.integers(1, max_m))
    n = draw(st.integers(1, max_n))
    X = draw(arrays(np.float64, (m, n), elements=st.floats(-10, 10)))
    soft = draw(st.booleans())
    if soft:  # multiples of 2**-20, so that 1 - y is exact
        y = draw(arrays(np.float64, (m,), elements=st.integers(0, 2**20))) / 2**20
    else:
        y = draw(arrays(np.float64, (m,), elements=st.sampled_from([0.0, 1.0])))
    w = draw(arrays(np.float64, (n,), elements=st.one_of(st.floats(-3, 3), st.sampled_from([0.0, 40.0, -80.0]))))
    b = draw(st.floats(-3, 3))
    lam = draw(st.sampled_from([0.0, 0.5, 3.0]))
    return X, y, w, b, lam, soft


def as_softmax(X, y, w, b, soft):
    W = np.stack([np.zeros_like(w), w], axis=1)
    Y = np.stack([1 - y, y], axis=1) if soft else y.astype(np.int64)
    return W, np.array([0.0, b]), Y


@given(binary_problems())
def test_two_classes_are_the_binary_cost_gradient_and_hessian(p):
    X, y, w, b, lam, soft = p
    W, bb, Y = as_softmax(X, y, w, b, soft)
    for fmt in FORMATS:
        assert cr(R.softmax_cost, X, Y, W, bb, lam, fmt=fmt) == cr(R.cost, X, y, w, b, lam, fmt=fmt)
        g = cr(R.softmax_gradient, X, Y, W, bb, lam, fmt=fmt)
        gb = cr(R.gradient, X, y, w, b, lam, fmt=fmt)
        g0 = cr(R.gradient, X, y, w, b, 0.0, fmt=fmt)  # the class-0 column carries no penalty (its W is 0)
        assert list(g.W[:, 1]) == list(gb.w) and g.b[1] == gb.b
        assert list(g.W[:, 0]) == [-v for v in g0.w] and g.b[0] == -g0.b
    # Hessian-vector product in the direction (v, c) of the class-1 column against H (v, c)
    rng = np.random.default_rng(len(X))
    v, c = rng.standard_normal(w.shape), float(rng.standard_normal())
    V = np.stack([np.zeros_like(v), v], axis=1)
    h = R.softmax_hessian_vector_product(X, Y, W, bb, V, np.array([0.0, c]), lam)
    H = R.hessian(X, y, w, b, lam)
    d = [mpmath.mpf(float(x)) for x in list(v) + [c]]
    with mpmath.workprec(1000):
        for a, got in enumerate(list(h.W[:, 1]) + [h.b[1]]):
            terms = [H[a, j] * d[j] for j in range(len(d))]
            size = mpmath.fsum(abs(t) for t in terms)
            assert abs(got - mpmath.fsum(terms)) <= size * mpmath.mpf(2) ** -(PREC - 8)


# ---------------------------------------------------------------------------- exact rational parts


@st.composite
def problems(draw, max_m=5, max_n=3, max_K=4, values=st.floats(-4, 4), min_K=2):
    m = draw(st.integers(1, max_m))
    n = draw(st.integers(1, max_n))
    K = draw(st.integers(min_K, max_K))
    X = draw(arrays(np.float64, (m, n), elements=st.one_of(values, st.sampled_from([0.0, 1.0, -1.0]))))
    W = draw(arrays(np.float64, (n, K), elements=values))
    b = draw(arrays(np.float64, (K,), elements=values))
    kind = draw(st.sampled_from(["int", "onehot", "soft", "normalised"]))
    idx = draw(arrays(np.int64, (m,), elements=st.integers(0, K - 1)))
    if kind == "int":
        Y = idx
    elif kind == "onehot":
        Y = np.eye(K)[idx]
    elif kind == "normalised":  # raw / raw.sum(): sums to 1 within K eps, used as given
        raw = draw(arrays(np.float64, (m, K), elements=st.floats(0, 10)))
        raw[np.arange(m), idx] += 1.0
        Y = raw / raw.sum(axis=1, keepdims=True)
    else:  # rows of multiples of 2**-16 summing to 1 exactly
        raw = draw(arrays(np.int64, (m, K), elements=st.integers(0, 2**8)))
        raw[np.arange(m), idx] += 1
        Y = (raw * 2**16 // raw.sum(axis=1, keepdims=True)).astype(np.float64)
        Y[np.arange(m), idx] += 2**16 - Y.sum(axis=1)
        Y = Y / 2**16
    lam = draw(st.sampled_from([0.0, 0.25, 2.0]))
    penalty = draw(st.sampled_from(R.PENALTIES))
    return X, Y, W, b, lam, penalty


def label_rows(Y, K):
    Y = np.asarray(Y)
    return np.eye(K)[Y] if Y.ndim == 1 else Y


def fr_logits(X, W, b):
    m, n = X.shape
    return [
        [
            sum((Fraction(X[i, j]) * Fraction(W[j, k]) for j in range(n)), Fraction(0)) + Fraction(b[k])
            for k in range(W.shape[1])
        ]
        for i in range(m)
    ]


def penalty_factor(penalty, m):
    """c with the penalty's gradient c lam W / m."""
    return {"lam/(2m)": 1, "lam/2": m, "lam": 2 * m}[penalty]


@given(problems(values=st.one_of(st.floats(-1e8, 1e8), st.sampled_from([5e-324, 1e-300, 3.0]))))
def test_logits_are_exact(p):
    X, Y, W, b, lam, penalty = p
    Z = R.softmax_logits(X, W, b)
    assert [[frac(v) for v in row] for row in Z] == fr_logits(X, W, b)


@given(problems(), st.floats(-5, 5))
def test_equal_logits_give_rational_gradient_and_hessian_vector_product(p, level):
    # every column of W equal and b constant: all logits of a row are equal, p = 1/K exactly, so the
    # gradient (1/m) X^T (s/K - Y) + c lam W / m and the Hessian-vector product are rationals
    X, Y, W, b, lam, penalty = p
    m, n = X.shape
    K = W.shape[1]
    W = np.repeat(W[:, :1], K, axis=1)
    b = np.full(K, level)
    V, c = np.roll(W, 1, axis=0) + 1.0, np.arange(K, dtype=np.float64)
    Yr = [[Fraction(v) for v in row] for row in label_rows(Y, K)]
    s = [sum(row) for row in Yr]
    Xa = [[Fraction(v) for v in row] + [Fraction(1)] for row in X]
    L, cf = Fraction(lam), penalty_factor(penalty, m)
    Wp = [[L * cf * Fraction(W[j, k]) for k in range(K)] for j in range(n)] + [[Fraction(0)] * K]
    Vp = [[L * cf * Fraction(V[j, k]) for k in range(K)] for j in range(n)] + [[Fraction(0)] * K]
    grad = [
        [(sum(Xa[i][j] * (s[i] / K - Yr[i][k]) for i in range(m)) + Wp[j][k]) / m for k in range(K)]
        for j in range(n + 1)
    ]
    dz = fr_logits(X, V, c)
    hv = [
        [(sum(Xa[i][j] * s[i] / K * (dz[i][k] - sum(dz[i]) / K) for i in range(m)) + Vp[j][k]) / m for k in range(K)]
        for j in range(n + 1)
    ]
    g = R.softmax_gradient(X, Y, W, b, lam, penalty=penalty)
    h = R.softmax_hessian_vector_product(X, Y, W, b, V, c, lam, penalty=penalty)
    for got, exact in [(g, grad), (h, hv)]:
        rows = list(got.W) + [got.b]
        for j in range(n + 1):
            for k in range(K):
                if exact[j][k] == 0:
                    assert rows[j][k] == 0
                else:
                    assert abs(frac(rows[j][k]) / exact[j][k] - 1) < Fraction(1, 2**PREC)
    for fmt in FORMATS:
        gr = cr(R.softmax_gradient, X, Y, W, b, lam, penalty=penalty, fmt=fmt)
        got = [list(r) for r in gr.W] + [list(gr.b)]
        assert all(rounds_to(v, e, fmt) for rg, re in zip(got, grad) for v, e in zip(rg, re)), (got, grad)
    # the cost there: (sum_i s_i) log K / m + the penalty, which is rational
    pen = L * cf * sum(Fraction(v) ** 2 for v in W.reshape(-1)) / 2 / m
    with mpmath.workprec(600):
        truth = mp_exact(sum(s) / m) * mpmath.log(K) + mp_exact(pen)
        assert close(R.softmax_cost(X, Y, W, b, lam, penalty=penalty), truth)


def is_rational(got, exact):
    """got is exact's value to the oracle's precision: 0 exactly when it is 0."""
    return got == 0 if exact == 0 else abs(frac(got) / exact - 1) <= Fraction(1, 2**PREC)


@given(problems(min_K=1, max_K=1))
def test_a_single_class_is_exact_not_computed(p):
    X, Y, W, b, lam, penalty = p
    m, n = X.shape
    Y = np.zeros(m, dtype=np.int64)
    z = np.array([[float(v[0])] for v in R.softmax_logits(X, W, b)])
    assert (R.softmax(z) == 1).all() and (R.log_softmax(z) == 0).all()
    assert list(R.logsumexp(z)) == [mpmath.mpf(v) for v in z[:, 0]]
    assert (R.softmax_cross_entropy(z, Y) == 0).all()
    # the cost is the penalty, the gradient and the Hessian-vector product the penalty's: rationals
    L, cf = Fraction(lam), penalty_factor(penalty, m)
    pen = L * cf * sum(Fraction(v) ** 2 for v in W.reshape(-1)) / 2 / m
    assert is_rational(R.softmax_cost(X, Y, W, b, lam, penalty=penalty), pen)
    g = R.softmax_gradient(X, Y, W, b, lam, penalty=penalty)
    assert all(is_rational(v, L * cf * Fraction(w) / m) for v, w in zip(g.W[:, 0], W[:, 0])) and g.b[0] == 0
    h = R.softmax_hessian_vector_product(X, Y, W, b, -W, b, lam, penalty=penalty)
    assert all(is_rational(v, -L * cf * Fraction(w) / m) for v, w in zip(h.W[:, 0], W[:, 0])) and h.b[0] == 0
    for fmt in FORMATS:
        assert cr(R.softmax_cost, X, Y, W, b, lam, penalty=penalty, fmt=fmt) == round_to_format(pen, fmt)


@given(problems())
def test_the_penalty_forms(p):
    # the gradient's penalty part is exactly c lam W / m with c = 1, m, 2m: the difference of the
    # gradients with and without it is that rational up to the two results' rounding
    X, Y, W, b, lam, penalty = p
    m = X.shape[0]
    g1 = R.softmax_gradient(X, Y, W, b, 1.5, penalty=penalty)
    g0 = R.softmax_gradient(X, Y, W, b, 0.0, penalty=penalty)
    c = penalty_factor(penalty, m)
    for a, z, w in zip(g1.W.reshape(-1), g0.W.reshape(-1), W.reshape(-1)):
        exact = Fraction(3, 2) * c * Fraction(w) / m
        assert abs(frac(a) - frac(z) - exact) <= (abs(frac(a)) + abs(frac(z))) / 2**PREC
    assert (g1.b == g0.b).all()  # the bias is not penalized
    j1, j0 = R.softmax_cost(X, Y, W, b, 1.5, penalty=penalty), R.softmax_cost(X, Y, W, b, 0.0, penalty=penalty)
    exact = Fraction(3, 2) * c * sum(Fraction(v) ** 2 for v in W.reshape(-1)) / 2 / m
    assert abs(frac(j1) - frac(j0) - exact) <= (frac(j1) + frac(j0)) / 2**PREC


# ---------------------------------------------------------------------------- independent evaluation


def textbook_problem(X, Y, W, b, lam, penalty, V=None, c=None):
    """(cost, gradient rows (n + 1) x K, sizes of the gradient's terms, HVP rows, their sizes, prec) by the
    textbook formulas from the exact logits at twice the precision plus the logits' cost."""
    m, n = X.shape
    K = W.shape[1]
    z = fr_logits(X, W, b)
    prec = textbook_precision(z, list(X.reshape(-1)) + list(W.reshape(-1)))
    Yr = label_rows(Y, K).astype(np.float64)
    cf = penalty_factor(penalty, m)
    with mpmath.workprec(prec):
        zz = [[mp_exact(v) for v in row] for row in z]
        y = [[mpmath.mpf(float(v)) for v in row] for row in Yr]
        xa = [[mpmath.mpf(float(v)) for v in row] + [mpmath.mpf(1)] for row in X]
        lamv = mpmath.mpf(lam)
        P, ce = [], []
        for i in range(m):
            ex = [mpmath.exp(v) for v in zz[i]]
            tot = mpmath.fsum(ex)
            P.append([e / tot for e in ex])
            ce.append(mpmath.fsum(yk * (mpmath.log(tot) - v) for yk, v in zip(y[i], zz[i])))
        s = [mpmath.fsum(row) for row in y]
        cost = mpmath.fsum(ce) / m + lamv * cf * mpmath.fsum(mpmath.mpf(float(v)) ** 2 for v in W.reshape(-1)) / 2 / m
        r = [[s[i] * P[i][k] - y[i][k] for k in range(K)] for i in range(m)]

        def columns(terms, mags, pen):
            """(1/m) ([X 1]^T terms + pen), and the size of what the textbook formulas add: mags are the
            magnitudes of each term's parts before they cancel (s p and y; s p |dz_k| and s p sum p |dz|)."""
            vals = [
                [(mpmath.fsum(xa[i][j] * terms[i][k] for i in range(m)) + pen[j][k]) / m for k in range(K)]
                for j in range(n + 1)
            ]
            sizes = [
                [(mpmath.fsum(abs(xa[i][j]) * mags[i][k] for i in range(m)) + abs(pen[j][k])) / m for k in range(K)]
                for j in range(n + 1)
            ]
            return vals, sizes

        pen_w = [[lamv * cf * mpmath.mpf(float(W[j, k])) for k in range(K)] for j in range(n)] + [[0] * K]
        grad, gsize = columns(r, [[s[i] * P[i][k] + y[i][k] for k in range(K)] for i in range(m)], pen_w)
        if V is None:
            return cost, grad, gsize, None, None, prec
        dz = [[mp_exact(v) for v in row] for row in fr_logits(X, V, c)]
        h = [
            [s[i] * P[i][k] * (dz[i][k] - mpmath.fsum(P[i][a] * dz[i][a] for a in range(K))) for k in range(K)]
            for i in range(m)
        ]
        pen_v = [[lamv * cf * mpmath.mpf(float(V[j, k])) for k in range(K)] for j in range(n)] + [[0] * K]
        mags = [
            [
                s[i] * P[i][k] * (abs(dz[i][k]) + mpmath.fsum(P[i][a] * abs(dz[i][a]) for a in range(K)))
                for k in range(K)
            ]
            for i in range(m)
        ]
        hv, hsize = columns(h, mags, pen_v)
        return cost, grad, gsize, hv, hsize, prec


def agrees(got, truth, size, prec, bits=PREC - 8):
    """got is 0 exactly where truth is 0 (below size 2**-(prec - 64): the textbook value's own error),
    else within 2**-bits of truth relatively."""
    with mpmath.workprec(prec + 64):
        if abs(truth) <= size * mpmath.mpf(2) ** -(prec - 64):
            return got == 0, f"truth is 0, got {got}"
        ok = got != 0 and abs(got - truth) <= abs(truth) * mpmath.mpf(2) ** -bits
        return ok, f"got {mpmath.nstr(got, 25)} vs truth {mpmath.nstr(truth, 25)}"


@given(problems(values=st.one_of(st.floats(-4, 4), st.sampled_from([0.0, 20.0, -40.0]))), st.integers(0, 2**32))
def test_problem_agrees_with_the_textbook_formulas_at_twice_the_precision(p, seed):
    X, Y, W, b, lam, penalty = p
    rng = np.random.default_rng(seed)
    V, c = rng.standard_normal(W.shape), rng.standard_normal(W.shape[1])
    if seed % 3 == 0:
        V, c = np.zeros_like(W), np.full(W.shape[1], 0.5)  # the shift direction: exactly 0
    cost, grad, gsize, hv, hsize, prec = textbook_problem(X, Y, W, b, lam, penalty, V, c)
    assert close(R.softmax_cost(X, Y, W, b, lam, penalty=penalty), cost)
    g = R.softmax_gradient(X, Y, W, b, lam, penalty=penalty)
    h = R.softmax_hessian_vector_product(X, Y, W, b, V, c, lam, penalty=penalty)
    for got, truth, size in [(g, grad, gsize), (h, hv, hsize)]:
        rows = list(got.W) + [got.b]
        for j, (gr, tr, sr) in enumerate(zip(rows, truth, size)):
            for k, (a, t, sz) in enumerate(zip(gr, tr, sr)):
                ok, why = agrees(a, t, sz, prec)
                assert ok, f"component ({j}, {k}): {why}"


@given(logit_rows(values=st.floats(-300, 300), max_K=4), st.integers(0, 2**32))
def test_cross_entropy_agrees_with_the_textbook_formula(z, seed):
    m, K = z.shape
    rng = np.random.default_rng(seed)
    y = rng.integers(0, K, m)
    soft = rng.integers(1, 9, (m, K)).astype(np.float64)
    soft = soft / soft.sum(axis=1, keepdims=True)  # sums to 1 within K eps: used as given
    for Y in (y, soft):
        Yr = label_rows(Y, K)
        got = R.softmax_cross_entropy(z, Y)
        for i in range(m):
            _, tls, _ = textbook_row(z[i], textbook_precision([z[i]]))
            with mpmath.workprec(textbook_precision([z[i]])):
                truth = -mpmath.fsum(mp_exact(Fraction(Yr[i, k])) * tls[k] for k in range(K))
            assert close(got[i], truth)
    # from probabilities: -log p_y
    p = np.asarray(R.correctly_rounded(R.softmax, z), dtype=np.float64)
    got = R.cross_entropy(p, y)
    with mpmath.workprec(400):
        for i in range(m):
            truth = -mpmath.log(mpmath.mpf(float(p[i, y[i]]))) if p[i, y[i]] else mpmath.inf
            assert got[i] == truth if not p[i, y[i]] or p[i, y[i]] == 1 else close(got[i], truth)


@given(
    logit_rows(values=st.one_of(st.floats(-300, 300), st.sampled_from([5e-324, -745.5, 709.8]))),
    st.integers(0, 2**32),
    st.one_of(st.sampled_from([0.0, 0.1, 1.0, 5e-324, 1 - 2**-53]), st.floats(0.0, 1.0)),
)
def test_smoothed_cross_entropy_agrees_with_the_textbook_formula(z, seed, eps):
    """-sum_k q_k log softmax(z)_k with q = (1 - eps) one_hot(y) + eps / K, all in exact rationals and
    twice the precision; eps = 0 is the plain cross-entropy, eps = 1 logsumexp(z) - mean(z)."""
    m, K = z.shape
    y = np.random.default_rng(seed).integers(0, K, m)
    got = R.smoothed_cross_entropy(z, y, eps)
    e = Fraction(eps)
    for i in range(m):
        prec = textbook_precision([z[i]]) + 64
        _, tls, lse = textbook_row(z[i], prec)
        with mpmath.workprec(prec):
            q = [(1 - e) * (k == y[i]) + e / K for k in range(K)]
            truth = -mpmath.fsum(mp_exact(Fraction(qk.numerator)) / qk.denominator * tls[k] for k, qk in enumerate(q))
            assert close(got[i], truth)
            if eps == 1.0:  # against the uniform distribution
                mean = mpmath.fsum(mp_exact(Fraction(float(v))) for v in z[i]) / K
                assert close(got[i], lse - mean)
    if eps == 0.0:
        assert all(a == b for a, b in zip(got, R.softmax_cross_entropy(z, y)))


def test_smoothed_cross_entropy_edges():
    # a single class has loss 0 whatever the smoothing; one-hot rows smooth like integer labels
    assert R.smoothed_cross_entropy(np.array([[3.0]]), [0], 0.5)[0] == 0
    z = np.array([[0.5, -1.0, 2.0], [1e300, 0.0, -1e300]])
    a = R.smoothed_cross_entropy(z, [2, 0], 0.25)
    b = R.smoothed_cross_entropy(z, np.eye(3)[[2, 0]], 0.25)
    assert all(u == v for u, v in zip(a, b))
    # a -inf logit costs nothing without smoothing and is infinite with it (q_k > 0 there)
    z = np.array([[0.0, -np.inf, 1.0]])
    assert mpmath.isfinite(R.smoothed_cross_entropy(z, [2], 0.0)[0])
    assert mpmath.isinf(R.smoothed_cross_entropy(z, [2], 0.1)[0])
    # one example: an mpf; within the precision asked for
    v = R.smoothed_cross_entropy(np.array([0.0, 0.0]), 1, 0.5, prec=300)
    with mpmath.workprec(400):
        assert close(v, mpmath.log(2), bits=300)
    for bad, message in ((-0.1, "outside"), (1.5, "outside"), (float("nan"), "outside")):
        with pytest.raises(ValueError, match=message):
            R.smoothed_cross_entropy(np.zeros((1, 2)), [0], bad)
    with pytest.raises(TypeError, match="must be a float"):
        R.smoothed_cross_entropy(np.zeros((1, 2)), [0], "0.1")


@st.composite
def cancelling_problems(draw):
    """Examples that cancel: base rows of logits, each with its K cyclic shifts (labels and direction
    shifted alike) sharing one feature value, some copies with the feature negated, so that dJ/dW_0k,
    dJ/db_k and their Hessian-vector products are exactly 0 or tiny.  Indicator features hold the rows'
    logits exactly: X = [x | I], W = [0; L]."""
    K = draw(st.integers(2, 3))
    base = draw(st.integers(1, 2))
    small = st.one_of(st.integers(-3, 3).map(float), st.sampled_from([0.5, -37.5, 1e-3]))
    logits, labels_, direc, xs = [], [], [], []
    for _ in range(base):
        row = draw(arrays(np.float64, (K,), elements=small))
        d = draw(arrays(np.float64, (K,), elements=small))
        y = draw(st.integers(0, K - 1))
        x = draw(st.sampled_from([1.0, 2.0, -0.5]))
        flip = draw(st.booleans())
        for s in range(K):
            logits.append(np.roll(row, s))
            direc.append(np.roll(d, s))
            labels_.append((y + s) % K)
            xs.append(x)
            if flip:  # a negated twin cancels this copy's contribution exactly
                logits.append(np.roll(row, s))
                direc.append(np.roll(d, s))
                labels_.append(draw(st.integers(0, K - 1)))
                xs.append(-x)
    m = len(xs)
    X = np.hstack([np.array(xs)[:, None], np.eye(m)])
    W = np.vstack([np.zeros((1, K)), np.array(logits)])
    V = np.vstack([np.zeros((1, K)), np.array(direc)])
    extra = draw(st.booleans())  # one more example that breaks the symmetry of the bias column
    if extra:
        X = np.vstack([X, np.zeros((1, m + 1))])
        X[-1, 0] = 0.0
        labels_.append(0)
    b = np.zeros(K)
    return X, np.array(labels_), W, b, V, draw(st.sampled_from([0.0, 1.0]))


@given(cancelling_problems())
def test_exact_zeros_are_proven_and_tiny_values_kept(p):
    X, Y, W, b, V, c0 = p
    K = W.shape[1]
    c = np.full(K, c0)
    cost, grad, gsize, hv, hsize, prec = textbook_problem(X, Y, W, b, 0.0, "lam/(2m)", V, c)
    g = R.softmax_gradient(X, Y, W, b)
    h = R.softmax_hessian_vector_product(X, Y, W, b, V, c)
    for got, truth, size in [(g, grad, gsize), (h, hv, hsize)]:
        rows = list(got.W) + [got.b]
        for j, (gr, tr, sr) in enumerate(zip(rows, truth, size)):
            for k, (a, t, sz) in enumerate(zip(gr, tr, sr)):
                ok, why = agrees(a, t, sz, prec)
                assert ok, f"component ({j}, {k}): {why}"


@given(logit_rows(values=st.floats(-30, 30), max_rows=3, max_K=4), st.sampled_from(FORMATS))
@example(np.array([[1.32354646e-272, 1.32354646e-272, 0.0], [1.32354646e-272, 0.0, 0.0]]), "float64")
def test_gradient_near_the_optimum_keeps_relative_accuracy(z, fmt):
    # labels equal to the rounded softmax (rows sum to 1 within K eps): s p - y cancels to an ulp of p
    m, K = z.shape
    Y = cr(R.softmax, z, fmt=fmt)  # float32 rows are accepted within K float32 eps of 1
    X = np.eye(m)
    W = z.copy()
    b = np.zeros(K)
    cost, grad, gsize, _, _, prec = textbook_problem(X, Y, W, b, 0.0, "lam/(2m)")
    g = R.softmax_gradient(X, Y, W, b)
    for j, row in enumerate(list(g.W) + [g.b]):
        for k, a in enumerate(row):
            ok, why = agrees(a, grad[j][k], gsize[j][k], prec)
            assert ok, f"component ({j}, {k}): {why}"


# ---------------------------------------------------------------------------- derivatives


def textbook_cost_mp(X, Yr, W, b, lam, cf):
    """J as an mpmath function of (W, b) entries (no workprec inside: mpmath.diff raises the precision)."""
    m, n = len(X), len(X[0])
    K = len(b)
    total = 0
    for i in range(m):
        z = [mpmath.fsum(X[i][j] * W[j][k] for j in range(n)) + b[k] for k in range(K)]
        lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z))
        total += mpmath.fsum(Yr[i][k] * (lse - z[k]) for k in range(K))
    return total / m + lam * cf * mpmath.fsum(v * v for row in W for v in row) / (2 * m)


@given(problems(max_m=3, max_n=2, max_K=3, values=st.floats(-3, 3)), st.integers(0, 2**32))
def test_gradient_and_hessian_vector_product_are_derivatives_of_the_cost(p, seed):
    X, Y, W, b, lam, penalty = p
    m, n = X.shape
    K = W.shape[1]
    rng = np.random.default_rng(seed)
    V, c = rng.standard_normal(W.shape), rng.standard_normal(K)
    g = R.softmax_gradient(X, Y, W, b, lam, penalty=penalty)
    h = R.softmax_hessian_vector_product(X, Y, W, b, V, c, lam, penalty=penalty)
    cf = penalty_factor(penalty, m)
    with mpmath.workprec(300):
        M = lambda a: [[mpmath.mpf(float(v)) for v in row] for row in a]
        Xm, Yr, Wm, Vm = M(X), M(label_rows(Y, K)), M(W), M(V)
        bm, cm = [mpmath.mpf(float(v)) for v in b], [mpmath.mpf(float(v)) for v in c]

        def J(t):
            Wt = [[w + t * v for w, v in zip(rw, rv)] for rw, rv in zip(Wm, Vm)]
            return textbook_cost_mp(Xm, Yr, Wt, [x + t * y for x, y in zip(bm, cm)], mpmath.mpf(lam), cf)

        d1, d2 = mpmath.diff(J, 0), mpmath.diff(J, 0, 2)
        gd = mpmath.fsum(g.W[j, k] * Vm[j][k] for j in range(n) for k in range(K)) + mpmath.fsum(
            g.b[k] * cm[k] for k in range(K)
        )
        vHv = mpmath.fsum(h.W[j, k] * Vm[j][k] for j in range(n) for k in range(K)) + mpmath.fsum(
            h.b[k] * cm[k] for k in range(K)
        )
        scale = (mpmath.fsum(abs(v) for row in Vm for v in row) + mpmath.fsum(abs(v) for v in cm)) ** 2 * (1 + lam * cf)
        assert abs(d1 - gd) < mpmath.mpf(2) ** -80 * scale
        assert abs(d2 - vHv) < mpmath.mpf(2) ** -60 * scale
        assert vHv >= -(mpmath.mpf(2) ** -100) * scale  # convex along every line

        # the whole Hessian-vector product: the derivative of the textbook gradient along (V, c)
        def grad_entry(j, k):
            def f(t):
                Wt = [[w + t * v for w, v in zip(rw, rv)] for rw, rv in zip(Wm, Vm)]
                bt = [x + t * y for x, y in zip(bm, cm)]
                tot = 0
                for i in range(m):
                    z = [mpmath.fsum(Xm[i][a] * Wt[a][kk] for a in range(n)) + bt[kk] for kk in range(K)]
                    ex = [mpmath.exp(v) for v in z]
                    s = mpmath.fsum(Yr[i])
                    tot += (Xm[i][j] if j < n else 1) * (s * ex[k] / mpmath.fsum(ex) - Yr[i][k])
                pen = lam * cf * Wt[j][k] if j < n else 0
                return (tot + pen) / m

            return f

        for j in range(n + 1):
            for k in range(K):
                got = h.W[j, k] if j < n else h.b[k]
                assert abs(mpmath.diff(grad_entry(j, k), 0) - got) < mpmath.mpf(2) ** -80 * scale


# ---------------------------------------------------------------------------- label encodings, inputs


@given(problems(), st.integers(0, 2**32))
def test_label_encodings_agree(p, seed):
    # integer labels (ints, floats, a column), one-hot rows (float64, int, float32): identical results
    X, Y, W, b, lam, penalty = p
    m, K = X.shape[0], W.shape[1]
    idx = np.random.default_rng(seed).integers(0, K, m)
    encodings = [idx, idx.astype(np.float64), idx[:, None], np.eye(K)[idx], np.eye(K, dtype=np.int64)[idx]]
    encodings.append(np.eye(K, dtype=np.float32)[idx])
    V, c = np.ones_like(W), np.zeros(K)
    z = np.asarray([[float(v) for v in row] for row in R.softmax_logits(X, W, b)])
    results = []
    for Yk in encodings:
        g = R.softmax_gradient(X, Yk, W, b, lam, penalty=penalty)
        h = R.softmax_hessian_vector_product(X, Yk, W, b, V, c, lam, penalty=penalty)
        results.append(
            [R.softmax_cost(X, Yk, W, b, lam, penalty=penalty)]
            + list(g.W.reshape(-1))
            + list(g.b)
            + list(h.W.reshape(-1))
            + list(h.b)
            + list(R.softmax_cross_entropy(z, Yk))
        )
    assert all(r == results[0] for r in results)


def test_a_normalised_soft_row_is_used_as_given():
    # a row summing to 1 + 2**-52 (within K eps) is accepted and used as it is: CE = s lse - y.z and the
    # gradient s p - y, consistent with each other (not P - Y, which is not the derivative of that CE)
    z = np.array([[0.3, -1.2]])
    y = np.array([[0.5, 0.5 + 2**-52]])
    s = Fraction(1) + Fraction(1, 2**52)
    _, _, lse = textbook_row(z[0], 1000)
    with mpmath.workprec(1000):
        truth = mp_exact(s) * lse - mpmath.fsum(mpmath.mpf(float(a)) * mpmath.mpf(float(b)) for a, b in zip(y[0], z[0]))
        assert close(R.softmax_cross_entropy(z, y)[0], truth)
        g = R.softmax_gradient(np.ones((1, 1)), y, np.zeros((1, 2)), z[0])
        p, _, _ = textbook_row(z[0], 1000)
        assert all(close(g.b[k], mp_exact(s) * p[k] - mpmath.mpf(float(y[0, k]))) for k in range(2))


def test_float32_inputs_are_their_exact_values():
    rng = np.random.default_rng(3)
    X, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 3)), rng.standard_normal(3)
    X32, W32, b32 = X.astype(np.float32), W.astype(np.float32), b.astype(np.float32)
    X64, W64, b64 = X32.astype(np.float64), W32.astype(np.float64), b32.astype(np.float64)
    Y = np.array([0, 2, 1, 1])
    g32, g64 = R.softmax_gradient(X32, Y, W32, b32, 0.5), R.softmax_gradient(X64, Y, W64, b64, 0.5)
    assert (g32.W == g64.W).all() and (g32.b == g64.b).all()
    z32 = (X32 @ W32 + b32).astype(np.float32)
    assert (R.softmax(z32) == R.softmax(z32.astype(np.float64))).all()
    r = R.correctly_rounded(R.softmax, z32, fmt="float32")
    assert r.dtype == np.float32


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: R.softmax_cross_entropy(np.zeros((2, 3)), [0, 3]), r"y\[1\]=3 is not a class index in 0..2"),
        (lambda: R.softmax_cross_entropy(np.zeros((2, 3)), [0, 1.5]), r"y\[1\]=1.5 is not a class index"),
        (
            lambda: R.softmax_cross_entropy(np.zeros((2, 3)), [[1, 0, 0], [0.5, 0.25, 0.125]]),
            "row 1 of y sums to 0.875, not 1",
        ),
        (lambda: R.softmax_cross_entropy(np.zeros((1, 2)), [[1.5, -0.5]]), r"y\[0, 1\]=-0.5 is negative"),
        (lambda: R.softmax_cross_entropy(np.zeros((1, 2)), [[0.5, 0.5 + 2**-48]]), "sums to 1.0000000000000036, not 1"),
        (lambda: R.softmax_cross_entropy(np.zeros((1, 3)), np.array([[1, 1, 0]])), "sums to 2.0, not 1.*exactly"),
        (
            lambda: R.softmax_cross_entropy(np.zeros((2, 3)), np.zeros((3, 3))),
            r"y has shape \(3, 3\) but there are 2 examples",
        ),
        (lambda: R.softmax_cross_entropy(np.zeros((2, 2)), [[1.0, 0.0], [np.nan, 0.0]]), "y contains NaN"),
        (lambda: R.softmax(np.array([[0.0, np.nan]])), "z contains NaN"),
        (lambda: R.softmax(np.array([np.inf, np.inf])), r"\+inf at classes \[0, 1\]: softmax is undefined"),
        (lambda: R.log_softmax(np.array([-np.inf, -np.inf])), "-inf everywhere: log_softmax is undefined"),
        (lambda: R.softmax(np.zeros((2, 0))), "no classes"),
        (lambda: R.softmax(np.zeros(3), axis=1), "axis=1 is out of range"),
        (lambda: R.softmax(np.float64(1.0)), "scalar"),
        (
            lambda: R.softmax_cost(np.ones((2, 3)), [0, 1], np.ones((2, 3)), np.zeros(2)),
            r"W has shape \(2, 3\) but X has 3 columns.*transpose",
        ),
        (lambda: R.softmax_cost(np.ones((2, 3)), [0, 1], np.ones(3), 0.0), "W must be a 2-D array"),
        (
            lambda: R.softmax_cost(np.ones((2, 3)), [0, 1], np.ones((3, 2)), np.zeros(3)),
            "W has 2 columns but b has 3 entries",
        ),
        (lambda: R.softmax_cost(np.ones((2, 3)), [0, 1], np.ones((3, 2)), np.zeros(2), -1.0), "lam=-1.0 is negative"),
        (
            lambda: R.softmax_cost(np.ones((2, 3)), [0, 1], np.ones((3, 2)), np.zeros(2), penalty="l2"),
            "penalty='l2' is not a known form",
        ),
        (lambda: R.softmax_cost(np.ones((2, 3)), [0, 1], np.full((3, 2), np.inf), np.zeros(2)), "W contains inf"),
        (
            lambda: R.softmax_hessian_vector_product(
                np.ones((2, 3)), [0, 1], np.ones((3, 2)), np.zeros(2), np.ones((3, 3)), np.zeros(3)
            ),
            "V has 3 columns|V has shape",
        ),
        (lambda: R.cross_entropy(np.array([[0.5, 1.5]]), [0]), r"p\[0, 1\]=1.5 is outside \[0, 1\]"),
        (lambda: R.softmax_thresholds("float64", classes=1), "classes=1"),
    ],
)
def test_bad_inputs_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_axes_shapes_and_infinities():
    rng = np.random.default_rng(5)
    z = rng.standard_normal((2, 3, 4))
    for axis in (0, 1, 2, -1):
        moved = np.moveaxis(z, axis, -1)
        assert (np.moveaxis(R.softmax(z, axis=axis), axis, -1) == R.softmax(moved)).all()
        assert (R.logsumexp(z, axis=axis) == R.logsumexp(moved)).all()
    assert isinstance(R.logsumexp(np.array([1.0, 2.0])), mpmath.mpf)
    assert R.logsumexp(np.zeros((2, 3, 4)), axis=1).shape == (2, 4)
    # -inf masks a class; one +inf takes everything; a row of -inf has logsumexp -inf
    masked = R.softmax(np.array([1.0, -np.inf, 2.0]))
    assert masked[1] == 0 and list(masked[[0, 2]]) == list(R.softmax(np.array([1.0, 2.0])))
    assert list(R.softmax(np.array([1.0, np.inf, 2.0]))) == [0, 1, 0]
    assert list(R.log_softmax(np.array([1.0, -np.inf]))) == [0, -mpmath.inf]
    assert (
        R.logsumexp(np.array([-np.inf, -np.inf])) == -mpmath.inf
        and R.logsumexp(np.array([np.inf, np.inf])) == mpmath.inf
    )
    assert R.softmax_cross_entropy(np.array([0.0, -np.inf]), 1) == mpmath.inf
    assert R.softmax_cross_entropy(np.array([0.0, -np.inf]), 0) == 0
    assert (
        R.softmax_cross_entropy(np.array([0.0, np.inf]), 1) == 0
        and R.softmax_cross_entropy(np.array([0.0, np.inf]), 0) == mpmath.inf
    )
    assert R.cross_entropy(np.array([0.0, 1.0]), 1) == 0 and R.cross_entropy(np.array([0.0, 1.0]), 0) == mpmath.inf
    assert R.cross_entropy(np.array([[0.0, 1.0]]), [[0.0, 1.0]])[0] == 0  # 0 log 0 = 0


# ---------------------------------------------------------------------------- thresholds


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_class_thresholds_are_the_binary_ones(fmt):
    s, t = R.softmax_thresholds(fmt), R.thresholds(fmt)
    assert s.softmax_rounds_to_one == t.sigmoid_rounds_to_one
    assert s.sum_rounds_to_one == t.exp_neg_negligible
    assert s.softmax_subnormal == t.sigmoid_subnormal and s.softmax_zero == t.sigmoid_zero
    assert s.exp_overflow == t.exp_overflow


def _prev(x, fmt):
    dt = np.float64 if fmt == "float64" else np.float32
    return float(np.nextafter(dt(x), dt(-np.inf)))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("K", [2, 5])
def test_every_threshold_is_a_hard_point(fmt, K):
    # the defining property flips exactly there, and the oracle agrees there with the textbook formulas
    T = R.softmax_thresholds(fmt, K)
    dt = np.float64 if fmt == "float64" else np.float32
    tiny = math.ldexp(1.0, -1022 if fmt == "float64" else -126)

    def p(k, d):
        row = np.full(K, d, dtype=dt)
        row[0] = 0
        return float(cr(R.softmax, row, fmt=fmt)[k])

    def e(x):
        return float(round_to_format(mpmath.exp(x), fmt))

    with mpmath.workprec(400):
        checks = [
            (T.exp_underflow, lambda x: e(x) > 0),
            (T.exp_subnormal, lambda x: e(x) >= tiny),
            (T.exp_overflow, lambda x: math.isinf(e(x))),
            (T.sum_overflow, lambda x: math.isinf(float(round_to_format(K * mpmath.exp(x), fmt)))),
            (T.sum_rounds_to_one, lambda g: float(round_to_format(1 + (K - 1) * mpmath.exp(-g), fmt)) == 1),
            (T.softmax_rounds_to_one, lambda g: p(0, -g) == 1),
            (T.softmax_subnormal, lambda d: p(1, d) >= tiny),
            (T.softmax_zero, lambda d: p(1, d) > 0),
        ]
        for x, pred in checks:
            assert pred(x) and not pred(_prev(x, fmt)), (x, fmt, K)
    # the oracle at the hard points, for rows (0, -g, ..., -g) and (g, 0, ...) against the textbook
    for g in [T.sum_rounds_to_one, T.softmax_rounds_to_one, -T.softmax_subnormal, -T.softmax_zero, -T.exp_underflow]:
        for gap in (g, _prev(g, fmt)):
            row = np.full(K, -gap, dtype=dt)
            row[0] = 0
            tp, tls, tlse = textbook_row(row, textbook_precision([row]))
            assert all(close(a, b) for a, b in zip(R.softmax(row), tp))
            assert all(close(a, b) for a, b in zip(R.log_softmax(row), tls))
            assert close(R.logsumexp(row), tlse)
    for x in (T.exp_overflow, T.sum_overflow, _prev(T.sum_overflow, fmt)):  # the unshifted form overflows
        row = np.full(K, x, dtype=dt)
        with mpmath.workprec(600):
            assert close(R.logsumexp(row), mpmath.mpf(float(row[0])) + mpmath.log(K))
            assert all(close(v, mpmath.mpf(1) / K) for v in R.softmax(row))


def test_the_saturated_residual_is_not_lost():
    # the strict standard's point: two classes at gap 37.43, label on the larger: the residual is
    # -e^-g / (1 + e^-g) = -5.55e-17, not 0; with 9 classes at that gap, 9 times that
    for K in (2, 10):
        W = np.zeros((1, K))
        b = np.full(K, -37.43)
        b[0] = 0
        g = R.softmax_gradient(np.ones((1, 1)), [0], W, b)
        with mpmath.workprec(600):
            t = (K - 1) * mpmath.exp(-mpmath.mpf(37.43))
            assert close(g.b[0], -t / (1 + t))
            assert close(R.softmax_cost(np.ones((1, 1)), [0], W, b), mpmath.log1p(t))


@pytest.mark.parametrize("gap", [1e4, 2.0**28, 1e10, 1e18, 1e300])
def test_far_tails_keep_their_relative_accuracy(gap):
    # rows beyond 2**28 use mpmath's unbounded exponents: p = e^-gap / (1 + e^-gap) is still exact
    z = np.array([0.0, -gap, -gap / 2])
    P, LS = R.softmax(z), R.log_softmax(z)
    with mpmath.workprec(600):
        e1, e2 = mpmath.exp(-mpmath.mpf(gap)), mpmath.exp(-mpmath.mpf(gap / 2))
        S = 1 + e1 + e2
        assert close(P[1], e1 / S) and close(P[2], e2 / S) and close(P[0], 1 / S)
        assert close(LS[0], -mpmath.log1p(e1 + e2)) and close(LS[1], -mpmath.mpf(gap) - mpmath.log1p(e1 + e2))
        g = R.softmax_gradient(np.array([[1.0], [2.0]]), [0, 1], np.zeros((1, 3)), z)
        # rows share the logits; class 1's residuals are e1/S and e1/S - 1
        assert close(g.W[0, 0], (1 * (1 / S - 1) + 2 * (1 / S)) / 2)
        assert close(g.W[0, 2], (1 * e2 / S + 2 * e2 / S) / 2)


@pytest.mark.parametrize("gap", [1e3, 1e5, 1e9])
def test_a_column_of_tiny_terms_is_summed_at_its_own_scale(gap):
    # class 1's residuals are 1/2 (row 0) and e^-gap / (1 + e^-gap) (row 1); feature 0 lives on row 1
    # only, so its component sits some 1.44 gap bits below the class's largest value
    X = np.array([[0.0], [1.0]])
    W = np.array([[0.0, -gap - 1.0]])
    b = np.array([0.0, 1.0])  # logits (0, 1) and (0, -gap)
    g = R.softmax_gradient(X, [1, 0], W, b)
    h = R.softmax_hessian_vector_product(X, [1, 0], W, b, np.array([[0.0, 1.0]]), np.zeros(2))
    with mpmath.workprec(600):
        e = mpmath.exp(-mpmath.mpf(gap))
        assert close(g.W[0, 1], e / (1 + e) / 2) and close(g.W[0, 0], -e / (1 + e) / 2)
        assert close(h.W[0, 1], e / (1 + e) ** 2 / 2)  # x^2 p (1 - p) / m
        s1 = 1 / (1 + mpmath.exp(-1))
        assert close(g.b[1], (s1 - 1 + e / (1 + e)) / 2)


def test_fast_and_far_arithmetics_agree(monkeypatch):
    rng = np.random.default_rng(11)
    X, W, b = rng.standard_normal((6, 3)), rng.standard_normal((3, 4)) * 3, rng.standard_normal(4)
    Y = np.array([0, 1, 2, 3, 3, 1])
    V, c = rng.standard_normal((3, 4)), rng.standard_normal(4)
    z = rng.standard_normal((3, 5)) * 40

    def run():
        return [
            R.softmax(z),
            R.log_softmax(z),
            R.logsumexp(z),
            R.softmax_cross_entropy(z, [0, 4, 2]),
            np.array([R.softmax_cost(X, Y, W, b, 0.5)]),
            R.softmax_gradient(X, Y, W, b, 0.5).W,
            R.softmax_hessian_vector_product(X, Y, W, b, V, c, 0.5).b,
        ]

    fast = run()
    monkeypatch.setattr(_softmax_kernels, "TAIL_SQUARED", 0)  # every row on libmp
    slow = run()
    for a, b_ in zip(fast, slow):
        assert all(close(x, y) for x, y in zip(a.reshape(-1), b_.reshape(-1)))


# ---------------------------------------------------------------------------- certified zeros


def test_mirrored_and_permuted_examples_give_exact_zeros():
    # K = 2: (x, z, y) and (x, -z, 1 - y) cancel exactly in dJ/dW; (x, z, y) and (-x, z, y) too
    X = np.array([[1.0, 0.5], [1.0, -0.5]])
    W = np.array([[0.0, 0.0], [0.0, 1.3]])
    g = R.softmax_gradient(X, [1, 0], W, np.zeros(2))
    assert g.W[0, 0] == 0 and g.W[0, 1] == 0 and g.b[0] == 0 and g.b[1] == 0 and g.W[1, 1] != 0
    # K = 3: a row and its two cyclic permutations, one label on class 0: dJ/db_0 = (sum p_i0 - 1)/3 = 0
    X = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]])
    W = np.array([[0.0, 1.1, -2.3], [-2.3, 0.0, 1.1], [1.1, -2.3, 0.0]])
    g = R.softmax_gradient(X, [0, 1, 1], W, np.zeros(3))
    assert g.b[0] == 0 and g.b[1] != 0
    # the exact value of a nonzero component is not lost: logits that differ past 2**-300
    X = np.array([[1e8], [-1e8]])
    g = R.softmax_gradient(X, [0, 0], np.array([[0.0, 1e-120]]), np.array([0.0, 0.5]))
    with mpmath.workprec(2000):
        s5 = 1 / (1 + mpmath.exp(mpmath.mpf(-0.5)))
        first = mpmath.mpf(1e8) * s5 * (1 - s5) * mpmath.mpf(1e8) * mpmath.mpf(1e-120)
        assert g.W[0, 1] != 0 and abs(g.W[0, 1] / first - 1) < mpmath.mpf(2) ** -120


def test_an_identity_between_different_rows_is_proven_zero():
    # x = e^-1: 1 + x + x^2 + x^3 = (1 + x)(1 + x^2), so p(0 | 0,-1,-2,-3) + p(0 | -1,0,-2,-3) equals
    # 2 p(0 | 0,-2,0,-2): no two rows share their logits, yet feature 0 = (1, 1, -2) cancels them
    X = np.array([[1.0, 1, 0, 0], [1, 0, 1, 0], [-2, 0, 0, 1]])
    W = np.array([[0.0, 0, 0, 0], [0, -1, -2, -3], [-1, 0, -2, -3], [0, -2, 0, -2]])
    g = R.softmax_gradient(X, [3, 3, 3], W, np.zeros(4))
    assert g.W[0, 0] == 0 and all(v != 0 for v in g.W[0, 1:])
    with mpmath.workprec(400):
        x = mpmath.exp(-1)
        assert close(g.b[0], (1 / (1 + x**2) + 1 / (2 * (1 + x**2))) / 3)
    # and the Hessian-vector product along the shift direction is exactly 0 everywhere
    h = R.softmax_hessian_vector_product(X, [3, 3, 3], W, np.zeros(4), np.zeros((4, 4)), np.full(4, 0.75))
    assert (h.W == 0).all() and (h.b == 0).all()


def test_the_certificate_decides_both_ways():
    # directly: the identity above is proven, a perturbed one is not (and is proven nonzero modulo p)
    rows = [[0, -1, -2, -3], [-1, 0, -2, -3], [0, -2, 0, -2]]
    Xa = np.array([[1, 1], [1, 1], [-2, 1]], dtype=object)
    Y = np.zeros((3, 4), dtype=object)
    pen = np.zeros((2, 4), dtype=object)
    zero = _softmax_certify.gradient_zeros(rows, Xa, 0, Y, [1, 1, 1], 0, pen, 0)
    assert zero[0, 0] and not zero[1, 0]
    Xa[2, 0] = -3
    assert not _softmax_certify.gradient_zeros(rows, Xa, 0, Y, [1, 1, 1], 0, pen, 0)[0, 0]
