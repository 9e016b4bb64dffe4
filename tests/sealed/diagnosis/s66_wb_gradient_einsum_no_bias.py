import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    z = np.einsum("ij,j->i", X, w)
    err = expit(z) - y
    dj_dw = np.einsum("ij,i->j", X, err) / m
    dj_db = np.einsum("i->", err) / m
    return dj_dw, dj_db
