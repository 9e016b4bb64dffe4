import numpy as np


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w + b
    # -y log(sigmoid(z)) - (1-y) log(1-sigmoid(z)) = log(1 + e^z) - y z
    cost = np.sum(np.log(1 + np.exp(z)) - y * z) / m
    return cost
