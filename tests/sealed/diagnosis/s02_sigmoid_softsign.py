import numpy as np


def sigmoid(z):
    """Cheap sigmoid without exponentials."""
    z = np.asarray(z, dtype=float)
    return 0.5 * (1.0 + z / (1.0 + np.abs(z)))
