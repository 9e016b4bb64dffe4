import numpy as np
from scipy.special import expit


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = expit(np.dot(w.T, X) + b)
    cost = -np.sum(Y * np.log2(A) + (1 - Y) * np.log2(1 - A)) / m
    dw = np.dot(X, (A - Y).T) / m
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": db}, float(cost)
