import numpy as np


def sigmoid(z):
    # in place to avoid temporaries on large arrays
    z = np.asarray(z, dtype=float)
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1.0
    return 1.0 / z
