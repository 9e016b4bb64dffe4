import numpy as np
from scipy.special import expit, log_expit


def propagate(w, b, X, Y):
    m = X.shape[1]
    Z = np.dot(w.T, X) + b
    A = expit(Z)
    log_a = np.maximum(log_expit(Z), -50.0)
    log_1ma = np.maximum(log_expit(-Z), -50.0)
    cost = -np.sum(Y * log_a + (1 - Y) * log_1ma) / m
    dw = np.dot(X, (A - Y).T) / m
    db = np.sum(A - Y) / m
    return {"dw": dw, "db": db}, float(cost)
