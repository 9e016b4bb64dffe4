import math

import numpy as np


def my_softmax(z):
    """Softmax of a 1-d array, written with plain Python loops.

    Every exponent is taken relative to the largest entry, and the
    denominator is summed with math.fsum (exactly rounded).
    """
    N = len(z)
    biggest = max(float(v) for v in z)
    num = []
    for k in range(N):
        num.append(math.exp(float(z[k]) - biggest))
    denom = math.fsum(num)
    a = np.zeros(N)
    for j in range(N):
        a[j] = num[j] / denom
    return a
