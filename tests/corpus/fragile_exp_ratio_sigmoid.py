import numpy as np


def sigmoid(z):
    # e^z / (1 + e^z) is the same as 1 / (1 + e^-z)
    return np.exp(z) / (1 + np.exp(z))
