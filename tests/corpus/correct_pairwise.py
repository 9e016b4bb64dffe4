import numpy as np


def _pairwise_sum(a):
    # recursive pairwise summation: error grows like log2(m) instead of m
    if len(a) <= 4:
        s = 0.0
        for v in a:
            s += v
        return s
    mid = len(a) // 2
    return _pairwise_sum(a[:mid]) + _pairwise_sum(a[mid:])


def compute_cost_logistic(X, y, w, b):
    m = len(y)
    z = X.dot(w) + b
    # y*log(1+e^-z) + (1-y)*log(1+e^z): both terms are >= 0
    losses = y * np.logaddexp(0.0, -z) + (1.0 - y) * np.logaddexp(0.0, z)
    return _pairwise_sum(list(losses)) / m
