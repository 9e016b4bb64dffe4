import math

import numpy as np


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros_like(z)
    for idx, t in np.ndenumerate(z):
        e = math.exp(-t)
        out[idx] = e / (1.0 + e) ** 2
    return out
