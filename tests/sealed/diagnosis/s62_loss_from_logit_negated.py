import numpy as np


def loss_from_logit(z, y):
    z = np.asarray(z, dtype=float)
    return y * z - np.logaddexp(0.0, z)
