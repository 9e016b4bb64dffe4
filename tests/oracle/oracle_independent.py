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
