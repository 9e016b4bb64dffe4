import numpy as np


def sigmoid(z):
    # sigma(z) = (1 + tanh(z/2)) / 2, and tanh never overflows
    return 0.5 * (1.0 + np.tanh(0.5 * z))
