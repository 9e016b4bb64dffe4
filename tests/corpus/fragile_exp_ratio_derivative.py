import numpy as np


def sigmoid_derivative(z):
    # d/dz (1 + e^-z)^-1 = e^-z / (1 + e^-z)^2
    e = np.exp(-z)
    return e / (1 + e) ** 2
