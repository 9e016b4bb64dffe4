"""Logistic regression: sigmoid, cost and gradient (vectorized, numerically stable)."""
import numpy as np


def sigmoid(z):
    """Compute the sigmoid of z without overflowing exp.

    For z >= 0 use 1 / (1 + e^-z); for z < 0 use e^z / (1 + e^z) so the
    exponent is never positive.
    """
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    if out.ndim == 0:
        return float(out)
    return out


def compute_cost_logistic(X, y, w, b):
    """Average log-loss over the m examples.

    Uses the logit form  log(1 + e^z) - y*z  with np.logaddexp, which never
    takes the log of 0.
    """
    m = X.shape[0]
    z = X @ w + b
    loss = np.logaddexp(0.0, z) - y * z
    return float(np.sum(loss) / m)


def compute_gradient_logistic(X, y, w, b):
    """Gradient of the cost with respect to b and w: returns (dj_db, dj_dw)."""
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y      # (m,)
    dj_dw = X.T @ err / m             # (n,)
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
