import numpy as np


def compute_hessian_logistic(X, y, w, b):
    m, n = X.shape
    A = np.c_[X, np.ones(m)]
    return A.T @ A / m
