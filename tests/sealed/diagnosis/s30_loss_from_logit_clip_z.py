import numpy as np


def loss_from_logit(z, y):
    z = np.clip(np.asarray(z, dtype=float), -30.0, 30.0)
    return np.logaddexp(0.0, z) - y * z
