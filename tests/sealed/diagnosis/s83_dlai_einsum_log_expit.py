import numpy as np
from scipy.special import expit, log_expit


def propagate(w, b, X, Y):
    m = X.shape[1]
    Z = np.einsum("ni,nm->im", w, X) + b
    A = expit(Z)
    cost = -np.sum(Y * log_expit(Z) + (1 - Y) * log_expit(-Z)) / m
    dZ = A - Y
    dw = np.einsum("nm,im->ni", X, dZ) / m
    db = np.sum(dZ) / m
    return {"dw": dw, "db": float(db)}, float(cost)
