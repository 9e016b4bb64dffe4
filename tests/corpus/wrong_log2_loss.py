import numpy as np


def loss(f, y):
    # binary cross-entropy (in bits)
    return -y * np.log2(f) - (1 - y) * np.log2(1 - f)
