import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        ez = np.exp(z)
        return np.where(z >= 0, 0.5 * (1.0 + np.tanh(0.5 * z)), ez / (1.0 + ez))
