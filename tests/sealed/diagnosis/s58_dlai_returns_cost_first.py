import numpy as np
from scipy.special import expit


def propagate(w, b, X, Y):
    m = X.shape[1]
    Z = w.T @ X + b
    A = expit(Z)
    cost = float(np.sum(np.logaddexp(0, Z) - Y * Z) / m)
    dw = X @ (A - Y).T / m
    db = float(np.sum(A - Y) / m)
    grads = {"dw": dw, "db": db}
    return cost, grads
