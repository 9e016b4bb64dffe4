import numpy as np
from scipy.special import expit


def sigmoid_derivative(z):
    # sigma'(z) = sigma(z) * (1 - sigma(z)) = sigma(z) * sigma(-z)
    # (the second form keeps its accuracy when sigma(z) rounds to 1)
    return expit(z) * expit(-z)
