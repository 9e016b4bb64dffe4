"""scipy.special.log_softmax for the log-probabilities; the top class is
recomputed as -log1p(sum of the other shifted exponentials), since
log_softmax gives log(1 + tiny) == 0 there when that class dominates."""
import numpy as np
from scipy.special import log1p, log_softmax


def smoothed_cross_entropy(z, y, eps):
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=int)
    n, n_classes = z.shape
    ii = np.arange(n)

    logp = log_softmax(z, axis=1)

    j = z.argmax(axis=1)
    s = z - z[ii, j][:, None]
    others = np.exp(s)
    others[ii, j] = 0.0
    logp[ii, j] = -log1p(others.sum(axis=1))

    q = np.full((n, n_classes), eps / n_classes)
    q[ii, y] += 1.0 - eps
    return -(q * logp).sum(axis=1)
