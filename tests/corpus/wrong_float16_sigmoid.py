import numpy as np


def sigmoid(z):
    z16 = np.asarray(z).astype(np.float16)
    e = np.exp(-np.abs(z16))
    s = np.where(z16 >= 0, 1 / (1 + e), e / (1 + e))
    return s.astype(np.float64)
