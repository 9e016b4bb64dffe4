import numpy as np


def loss_derivative(f, y):
    # derivative of y log f + (1-y) log(1-f)
    return y / f - (1 - y) / (1 - f)
