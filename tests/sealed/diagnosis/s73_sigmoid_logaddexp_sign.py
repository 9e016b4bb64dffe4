import numpy as np


def sigmoid(z):
    """Overflow-free sigmoid."""
    return np.exp(-np.logaddexp(0.0, z))
