import numpy as np


def my_softmax(z):
    N = len(z)
    a = np.ones(N) / N   # placeholder: equal probabilities, fill in later
    return a
