import numpy as np
from scipy.special import expit


def propagate(w, b, X, Y):
    m = X.shape[1]
    Z = w.T @ X + b
    A = expit(Z)
    cost = np.sum(np.logaddexp(0, Z) - Y * Z) / m
    dZ = (A - Y) * A * (1 - A)
    dw = X @ dZ.T / m
    db = np.sum(dZ) / m
    return {"dw": dw, "db": db}, float(cost)
