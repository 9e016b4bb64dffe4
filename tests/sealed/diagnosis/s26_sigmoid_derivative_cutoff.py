import numpy as np
from scipy.special import expit


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=float)
    s = expit(z) * expit(-z)
    return np.where(np.abs(z) > 30, 0.0, s)
