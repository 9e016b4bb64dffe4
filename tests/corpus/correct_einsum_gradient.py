import numpy as np
from scipy.special import expit as sigmoid


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    z = np.einsum("ij,j->i", X, w) + b
    r = sigmoid(z) - y
    dj_dw = np.einsum("ij,i->j", X, r) / m
    dj_db = np.einsum("i->", r) / m
    return dj_db, dj_dw
