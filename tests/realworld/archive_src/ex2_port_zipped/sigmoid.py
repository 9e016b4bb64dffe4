import numpy as np


def sigmoid(z):
    """computes the sigmoid of z (never overflows)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
