"""Independent textbook evaluations with the global mpmath context at a chosen precision.

These use the plain formulas (no cancellation-avoiding rearrangements) at a very high precision,
so that they agree with the oracle only if the oracle is right.
"""

import mpmath


def sigmoid(z, prec=600):
    with mpmath.workprec(prec):
        return +(1 / (1 + mpmath.exp(-mpmath.mpf(z))))


def softplus(z, prec=600):
    with mpmath.workprec(prec):
        return +mpmath.log(1 + mpmath.exp(mpmath.mpf(z)))


def log_sigmoid(z, prec=600):
    with mpmath.workprec(prec):
        return +mpmath.log(1 / (1 + mpmath.exp(-mpmath.mpf(z))))


def loss_from_logit(z, y, prec=600):
    with mpmath.workprec(prec):
        z, y = mpmath.mpf(z), mpmath.mpf(y)
        return +(mpmath.log(1 + mpmath.exp(z)) - y * z)


def logits_list(X, w, b, prec=4000):
    with mpmath.workprec(prec):
        return [
            mpmath.fsum(mpmath.mpf(float(X[i, j])) * mpmath.mpf(float(w[j])) for j in range(X.shape[1]))
            + mpmath.mpf(float(b))
            for i in range(X.shape[0])
        ]


def cost(X, y, w, b, lam=0.0, s=None, prec=600):
    m = X.shape[0]
    z = logits_list(X, w, b)
    s = [1.0] * m if s is None else list(s)
    prec = max(prec, 600 + 2 * int(max(abs(v) for v in z)))  # log(1 + e^z) keeps the bits of e^z
    with mpmath.workprec(prec):
        S = mpmath.fsum(mpmath.mpf(v) for v in s)
        total = mpmath.fsum(
            mpmath.mpf(s[i]) * (mpmath.log(1 + mpmath.exp(z[i])) - mpmath.mpf(float(y[i])) * z[i]) for i in range(m)
        )
        return +((total + mpmath.mpf(lam) / 2 * mpmath.fsum(mpmath.mpf(float(v)) ** 2 for v in w)) / S)


def gradient(X, y, w, b, lam=0.0, s=None, prec=600):
    m, n = X.shape
    z = logits_list(X, w, b)
    s = [1.0] * m if s is None else list(s)
    prec = max(prec, 600 + 2 * int(max(abs(v) for v in z)))  # 1/(1 + e^-z) - 1 keeps the bits of e^-z
    with mpmath.workprec(prec):
        S = mpmath.fsum(mpmath.mpf(v) for v in s)
        r = [mpmath.mpf(s[i]) * (1 / (1 + mpmath.exp(-z[i])) - mpmath.mpf(float(y[i]))) for i in range(m)]
        gw = [
            +(
                (
                    mpmath.fsum(r[i] * mpmath.mpf(float(X[i, j])) for i in range(m))
                    + mpmath.mpf(lam) * mpmath.mpf(float(w[j]))
                )
                / S
            )
            for j in range(n)
        ]
        return gw, +(mpmath.fsum(r) / S)


# ---------------------------------------------------------------------------- adaptive precision
#
# The functions below take the logits as exact rationals (fractions.Fraction, from the floats) and
# choose the working precision from them: enough bits to hold every logit exactly (so that two
# logits that differ in their last bit are told apart) plus a margin, so that a sum whose terms
# cancel down to the difference of two logits still comes out with ~300 correct bits.  sigma(z) - y
# is written with sigma(z) = 1 - sigma(-z) for z > 0, and log(1 + e^z) = log(1 + e^-|z|) + max(z, 0),
# the plain identities, so that large |z| needs no extra precision.


def exact_logits(X, w, b):
    """z = X w + b exactly, as Fractions (every float is a dyadic rational)."""
    from fractions import Fraction

    return [
        sum((Fraction(float(X[i, j])) * Fraction(float(w[j])) for j in range(X.shape[1])), Fraction(0))
        + Fraction(float(b))
        for i in range(X.shape[0])
    ]


def _bits_needed(z, extra=()):
    """Bits that hold every value of z (and extra) exactly, from the largest to the smallest bit."""
    from fractions import Fraction

    vals = [Fraction(v) for v in list(z) + list(extra) if v != 0]
    if not vals:
        return 64
    top = max(abs(v).numerator.bit_length() - abs(v).denominator.bit_length() + 1 for v in vals)
    low = min(-(v.denominator.bit_length() - 1) for v in vals)  # denominators are powers of two
    return max(64, top - low + 8)


def precision_for(X, y, w, b, lam=0.0, s=None, margin=320):
    """Working precision for the *_hp functions: the exact span of the logits and inputs plus a margin."""
    z = exact_logits(X, w, b)
    inputs = [float(v) for v in X.reshape(-1)] + [float(v) for v in y] + [float(v) for v in w] + [b, lam]
    if s is not None:
        inputs += [float(v) for v in s]
    return _bits_needed(z, inputs) + margin, z


def _mpf_exact(q):
    return mpmath.mpf(q.numerator) / q.denominator  # exact: the denominator is a power of two


def _sigma_minus(z, y):
    """sigma(z) - y for an exact z: 1/(1 + e^-z) - y, written (1 - y) - 1/(1 + e^z) for z > 0 so that
    a label near sigma(z) ~ 1 does not need 1.44 z more bits (sigma(z) = 1 - sigma(-z))."""
    if z > 0:
        return (1 - y) - 1 / (1 + mpmath.exp(_mpf_exact(z)))
    return 1 / (1 + mpmath.exp(-_mpf_exact(z))) - y


def _sigma_prime(z):
    """sigma'(z) = e^-|z| / (1 + e^-|z|)^2 (even in z)."""
    t = mpmath.exp(-abs(_mpf_exact(z)))
    return t / (1 + t) ** 2


def _columns(X, coef, lam_terms, S, scales):
    """(1/S) (sum_i coef_i [X 1]_ij + lam_terms[j]) for each column j of [X 1].

    With scales, also (1/S) (sum_i |coef_i [X 1]_ij| + |lam_terms[j]|): the size of the terms, which
    bounds the rounding error of the sum (a relative 2**-prec of it, times a few).
    """
    m, n = X.shape
    cols = [[mpmath.mpf(float(X[i, j])) for i in range(m)] for j in range(n)] + [[mpmath.mpf(1)] * m]
    vals = [+((mpmath.fsum(c * x for c, x in zip(coef, col)) + lt) / S) for col, lt in zip(cols, lam_terms)]
    if not scales:
        return vals
    sizes = [+((mpmath.fsum(abs(c * x) for c, x in zip(coef, col)) + abs(lt)) / S) for col, lt in zip(cols, lam_terms)]
    return vals, sizes


def gradient_hp(X, y, w, b, lam=0.0, s=None, margin=320, scales=False):
    """Textbook gradient from the exact logits at a precision chosen from them: (gw list, gb).

    With scales: ((gw, gb), sizes of the terms of each component, in the order gw..., gb).
    """
    prec, z = precision_for(X, y, w, b, lam, s, margin)
    m, n = X.shape
    s = [1.0] * m if s is None else list(s)
    with mpmath.workprec(prec):
        S = mpmath.fsum(mpmath.mpf(float(v)) for v in s)
        r = [mpmath.mpf(float(s[i])) * _sigma_minus(z[i], mpmath.mpf(float(y[i]))) for i in range(m)]
        out = _columns(X, r, [mpmath.mpf(lam) * mpmath.mpf(float(v)) for v in w] + [0], S, scales)
        vals = out[0] if scales else out
        g = (vals[:n], vals[n])
        return (g, out[1]) if scales else g


def hessian_hp(X, y, w, b, lam=0.0, s=None, margin=320, scales=False):
    """Textbook Hessian (1/S) [X 1]^T diag(s sigma') [X 1] + (lam/S) diag(1..1, 0), as a list of rows.

    With scales: (rows, sizes of the terms of each entry, row by row, flat).
    """
    prec, z = precision_for(X, y, w, b, lam, s, margin)
    m, n = X.shape
    s = [1.0] * m if s is None else list(s)
    with mpmath.workprec(prec):
        S = mpmath.fsum(mpmath.mpf(float(v)) for v in s)
        d = [mpmath.mpf(float(s[i])) * _sigma_prime(z[i]) for i in range(m)]
        rows, sizes = [], []
        for a in range(n + 1):
            xa = [mpmath.mpf(float(X[i, a])) if a < n else mpmath.mpf(1) for i in range(m)]
            lam_terms = [mpmath.mpf(lam) if c == a < n else 0 for c in range(n + 1)]
            out = _columns(X, [di * x for di, x in zip(d, xa)], lam_terms, S, True)
            rows.append(out[0])
            sizes += out[1]
        return (rows, sizes) if scales else rows


def cost_hp(X, y, w, b, lam=0.0, s=None, margin=320):
    """Textbook cost log(1 + e^z) - y z from the exact logits, as log(1 + e^-|z|) + max(z, 0) - y z."""
    prec, z = precision_for(X, y, w, b, lam, s, margin)
    m = X.shape[0]
    s = [1.0] * m if s is None else list(s)
    with mpmath.workprec(prec):
        S = mpmath.fsum(mpmath.mpf(float(v)) for v in s)
        zz = [_mpf_exact(v) for v in z]
        total = mpmath.fsum(
            mpmath.mpf(float(s[i]))
            * (mpmath.log(1 + mpmath.exp(-abs(zz[i]))) + max(zz[i], 0) - mpmath.mpf(float(y[i])) * zz[i])
            for i in range(m)
        )
        return +((total + mpmath.mpf(lam) / 2 * mpmath.fsum(mpmath.mpf(float(v)) ** 2 for v in w)) / S)


def squared_error_gradient_hp(X, y, w, b, lam=0.0, s=None, margin=320, scales=False):
    """Textbook gradient of (1/2S) sum s (sigma(z) - y)^2 + lam/(2S) ||w||^2 from the exact logits."""
    prec, z = precision_for(X, y, w, b, lam, s, margin)
    m, n = X.shape
    s = [1.0] * m if s is None else list(s)
    with mpmath.workprec(prec):
        S = mpmath.fsum(mpmath.mpf(float(v)) for v in s)
        r = [
            mpmath.mpf(float(s[i])) * _sigma_minus(z[i], mpmath.mpf(float(y[i]))) * _sigma_prime(z[i]) for i in range(m)
        ]
        out = _columns(X, r, [mpmath.mpf(lam) * mpmath.mpf(float(v)) for v in w] + [0], S, scales)
        vals = out[0] if scales else out
        g = (vals[:n], vals[n])
        return (g, out[1]) if scales else g


def agrees(got, truth, size, prec, bits=120):
    """(ok, why): got is exactly 0 where truth is 0, else within 2**-bits of truth, relatively.

    truth comes from a *_hp function at prec bits, from terms of total size ``size`` (its scales),
    so its error is a few units of size 2**-prec: |truth| below size 2**-(prec - 64) means 0.  A
    nonzero value of these sums is far above that: prec exceeds the bits that separate the exact
    logits by 320.
    """
    with mpmath.workprec(prec + 64):
        if abs(truth) <= size * mpmath.mpf(2) ** -(prec - 64):
            return got == 0, f"truth is 0, got {got}"
        ok = got != 0 and abs(got - truth) <= abs(truth) * mpmath.mpf(2) ** -bits
        return ok, f"got {mpmath.nstr(got, 20)} vs truth {mpmath.nstr(truth, 20)}"
