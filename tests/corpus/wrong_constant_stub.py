import numpy as np


def sigmoid(z):
    # TODO
    return 0.5 * np.ones_like(z, dtype=float)


def compute_gradient_logistic(X, y, w, b):
    # TODO: fill in
    dj_dw = np.zeros(X.shape[1])
    dj_db = 0.0
    return dj_db, dj_dw
