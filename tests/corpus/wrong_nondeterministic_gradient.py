import numpy as np
from scipy.special import expit

BATCH = 32


def compute_gradient_logistic(X, y, w, b):
    """Stochastic gradient: a random mini-batch of 32 examples when there are more."""
    m = X.shape[0]
    if m > BATCH:
        rows = np.random.default_rng().choice(m, BATCH, replace=False)
        X, y = X[rows], y[rows]
    err = expit(X @ w + b) - y
    return np.mean(err), X.T @ err / len(y)
