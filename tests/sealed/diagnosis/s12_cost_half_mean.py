import numpy as np
from scipy.special import log_expit


def compute_cost_logistic(X, y, w, b):
    """Cost J(w, b) over the training set."""
    m = X.shape[0]
    z = X @ w + b
    loss = -y * log_expit(z) - (1 - y) * log_expit(-z)
    return np.sum(loss) / (2 * m)
