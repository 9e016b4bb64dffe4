import numpy as np
from scipy.special import expit


def loss_from_logit(z, y):
    f = expit(np.asarray(z, dtype=float))
    return -y * np.log(f) - (1 - y) * np.log(1 - f)
