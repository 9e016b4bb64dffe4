import numpy as np


def my_softmax(z):
    """Softmax of a 1-d array of scores."""
    N = len(z)
    a = np.zeros(N)
    ez_sum = 0.0
    for k in range(N):
        ez_sum += np.exp(z[k])          # shared denominator
    for j in range(N):
        a[j] = np.exp(z[j]) / ez_sum
    return a
