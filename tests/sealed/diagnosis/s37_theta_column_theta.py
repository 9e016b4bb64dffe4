import numpy as np
from scipy.special import expit


def cost_function(theta, X, y):
    m = X.shape[0]
    z = X @ theta.reshape(-1, 1)
    J = np.mean(np.logaddexp(0, z) - y * z)
    grad = X.T @ (expit(z) - y) / m
    return J, grad
