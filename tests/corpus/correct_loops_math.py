# Week 3 lab: logistic regression written with plain loops and the math module.
import math
import numpy as np


def sigmoid(z):
    """sigmoid for a scalar or a numpy array (elementwise)"""
    if np.ndim(z) == 0:
        return _sigmoid_scalar(float(z))
    z = np.asarray(z, dtype=float)
    out = np.zeros(z.shape)
    for idx in np.ndindex(z.shape):
        out[idx] = _sigmoid_scalar(float(z[idx]))
    return out


def _sigmoid_scalar(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)          # z < 0 so this can't overflow
    return e / (1.0 + e)


def _log1pexp(z):
    # log(1 + e^z), careful version
    if z > 0:
        return z + math.log1p(math.exp(-z))
    return math.log1p(math.exp(z))


def compute_cost_logistic(X, y, w, b):
    m, n = X.shape
    cost = 0.0
    for i in range(m):
        z_i = 0.0
        for j in range(n):
            z_i += X[i, j] * w[j]
        z_i += b
        # -y log f - (1-y) log(1-f)  ==  log(1+e^z) - y z
        cost += _log1pexp(z_i) - y[i] * z_i
    return cost / m


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    dj_dw = np.zeros((n,))
    dj_db = 0.0
    for i in range(m):
        f_wb_i = _sigmoid_scalar(float(np.dot(X[i], w) + b))
        err_i = f_wb_i - y[i]
        for j in range(n):
            dj_dw[j] = dj_dw[j] + err_i * X[i, j]
        dj_db = dj_db + err_i
    dj_dw = dj_dw / m
    dj_db = dj_db / m
    return dj_db, dj_dw
