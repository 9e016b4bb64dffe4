import numpy as np
from scipy.special import expit


def sigmoid_derivative(z):
    # derivative of 1/(1+e^z)
    return -expit(z) * (1 - expit(z))
