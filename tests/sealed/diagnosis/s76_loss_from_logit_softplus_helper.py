import numpy as np


def softplus(t):
    return np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))


def loss_from_logit(z, y):
    z = np.asarray(z, dtype=float)
    return y * softplus(-z) + (1 - y) * softplus(z)
