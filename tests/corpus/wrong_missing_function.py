import numpy as np


def sigmiod(z):
    """The sigmoid, under a misspelled name."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
