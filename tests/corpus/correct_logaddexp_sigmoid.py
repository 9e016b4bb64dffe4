import numpy as np


def sigmoid(z):
    # sigma(z) = 1/(1+e^-z) = exp(-log(1 + e^-z)) = exp(-logaddexp(0, -z))
    # logaddexp never overflows, so this works for any float z
    return np.exp(-np.logaddexp(0, -z))
