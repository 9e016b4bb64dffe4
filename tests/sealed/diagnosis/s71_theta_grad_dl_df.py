import numpy as np
from scipy.special import expit


def cost_function(theta, X, y):
    m = y.size
    z = X @ theta
    h = expit(z)
    J = np.mean(np.logaddexp(0, z) - y * z)
    dJ_dh = (h - y) / (h * (1 - h))
    grad = X.T @ dJ_dh / m
    return J, grad
