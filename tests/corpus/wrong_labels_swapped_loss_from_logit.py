import numpy as np


def loss_from_logit(z, y):
    return np.logaddexp(0, z) - (1 - y) * z
