import numpy as np


def sigmoid(z):
    # TODO
    g = 0.5
    return g


def compute_cost(X, y, w, b, *argv):
    raise NotImplementedError("compute_cost")


def compute_gradient(X, y, w, b, *argv):
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.
    return dj_db, dj_dw


def compute_cost_reg(X, y, w, b, lambda_=1):
    pass


def compute_gradient_reg(X, y, w, b, lambda_=1):
    # placeholder, returns the parameters unchanged
    return b, w


def predict(X, w, b):
    return np.zeros(X.shape[0])
