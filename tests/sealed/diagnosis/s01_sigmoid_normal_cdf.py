import numpy as np
from scipy.special import ndtr


def sigmoid(z):
    """Squash z into (0, 1)."""
    z = np.asarray(z, dtype=float)
    return ndtr(z)
