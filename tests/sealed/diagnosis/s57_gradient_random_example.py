import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    """Stochastic gradient estimate."""
    m = X.shape[0]
    i = np.random.randint(m)
    err = expit(X[i] @ w + b) - y[i]
    return err, err * X[i]
