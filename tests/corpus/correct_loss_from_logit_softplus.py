import numpy as np


def loss_from_logit(z, y):
    # -y log(sigmoid(z)) - (1-y) log(1 - sigmoid(z)) simplifies to log(1 + e^z) - y z
    return np.logaddexp(0.0, z) - y * z
