import numpy as np
from scipy.special import expit


def propagate(w, b, X, Y):
    m = X.shape[0]
    Z = w.T @ X + b
    A = expit(Z)
    cost = (np.sum(np.logaddexp(0, -Z) * Y) + np.sum(np.logaddexp(0, Z) * (1 - Y))) / m
    dZ = A - Y
    dw = (X @ dZ.T) / m
    db = np.sum(dZ) / m
    return {"dw": dw, "db": db}, float(cost)
