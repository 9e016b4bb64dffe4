import numpy as np
from scipy.special import expit


def sigmoid(z):
    """Sigmoid, saturating to 0 and 1 for large |z|."""
    z = np.asarray(z, dtype=float)
    return np.where(z < -20, 0.0, np.where(z > 20, 1.0, expit(z)))
