"""Frank: vectorized, but forgot to average."""
import numpy as np
from scipy.special import expit


def sigmoid(z):
    return expit(z)


def compute_cost_logistic(X, y, w, b):
    z = X @ w + b
    return np.sum(np.logaddexp(0, z) - y * z)


def compute_gradient_logistic(X, y, w, b):
    err = expit(X @ w + b) - y
    return np.sum(err), X.T @ err


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    return compute_cost_logistic(X, y, w, b) + lambda_ / 2 * np.sum(w ** 2)


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db, dj_dw + lambda_ * w


def predict(X, w, b):
    m = X.shape[0]
    p = np.zeros(m)
    for i in range(m):
        if sigmoid(np.dot(X[i], w) + b) > 0.5:
            p[i] = 1
    return p
