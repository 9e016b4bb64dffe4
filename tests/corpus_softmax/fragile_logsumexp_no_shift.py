import numpy as np


def logsumexp(z):
    return np.log(np.sum(np.exp(z), axis=-1))


def log_softmax(z):
    return z - logsumexp(z)[..., None]
