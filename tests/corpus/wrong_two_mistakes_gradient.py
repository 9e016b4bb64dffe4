import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    err = expit(X @ w) - y          # b left out of z ...
    return np.sum(err), X.T @ err   # ... and the sums never divided by m
