"""My helper functions for the week 3 lab."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softplus(z):
    """log(1 + e^z) without overflow."""
    return np.logaddexp(0.0, z)
