import numpy as np


def compute_cost_logistic(X, y, w, b):
    z = X @ w + b
    # total loss over the training set
    cost = np.sum(np.logaddexp(0, z) - y * z)
    return cost
