import numpy as np


def sigmoid(z):
    # 1 - 1/(1+e^z) = e^z/(1+e^z) = 1/(1+e^-z); exp(z) only overflows to inf, giving 1
    return 1 - 1 / (1 + np.exp(z))
