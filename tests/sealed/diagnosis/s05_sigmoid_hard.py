import numpy as np


def sigmoid(z):
    """Piecewise-linear sigmoid (fast)."""
    z = np.asarray(z, dtype=float)
    return np.clip(0.2 * z + 0.5, 0.0, 1.0)
