import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    f = expit(X @ w + b)
    # chain rule: d/dz of f is f*(1-f)
    delta = (f - y) * f * (1 - f)
    dj_dw = X.T @ delta / m
    dj_db = np.sum(delta) / m
    return dj_db, dj_dw
