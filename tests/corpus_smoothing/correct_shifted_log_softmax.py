"""Label-smoothed cross-entropy: stable log-softmax, then -sum(q * log p)."""
import numpy as np


def smoothed_cross_entropy(z, y, eps):
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    m, K = z.shape
    rows = np.arange(m)

    # shift by the row maximum so that every exponent is <= 0
    top = np.argmax(z, axis=1)
    shifted = z - z[rows, top][:, None]

    # log(sum_k exp(shifted_k)) = log1p(sum of the non-maximal terms);
    # log1p keeps the digits when the top class dominates
    e = np.exp(shifted)
    e[rows, top] = 0.0
    lse = np.log1p(e.sum(axis=1))
    log_p = shifted - lse[:, None]

    # smoothed target distribution
    q = np.full((m, K), eps / K)
    q[rows, y] += 1.0 - eps

    return -(q * log_p).sum(axis=1)
