import numpy as np


def sigmoid_derivative(z):
    """sigma'(z) = (1 - tanh(z/2)^2) / 4."""
    t = np.tanh(np.asarray(z, dtype=float) / 2)
    return 0.25 * (1.0 - t * t)
