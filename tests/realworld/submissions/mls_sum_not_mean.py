import numpy as np


def sigmoid(z):
    from scipy.special import expit
    return expit(z)


def compute_cost(X, y, w, b, *argv):
    m, n = X.shape
    z = X.dot(w) + b
    return np.mean(np.logaddexp(0, z) - y * z)


def compute_gradient(X, y, w, b, *argv):
    m, n = X.shape
    dj_dw = np.zeros(n)
    dj_db = 0.
    for i in range(m):
        err_i = sigmoid(X[i].dot(w) + b) - y[i]
        dj_db += err_i
        dj_dw += err_i * X[i]
    # TODO: divide by m?
    return dj_db, dj_dw


def predict(X, w, b):
    return (sigmoid(X.dot(w) + b) >= 0.5).astype(float)


def compute_cost_reg(X, y, w, b, lambda_ = 1):
    m, n = X.shape
    cost_without_reg = compute_cost(X, y, w, b)
    reg_cost = np.sum(w ** 2)
    total_cost = cost_without_reg + (lambda_ / m) * reg_cost
    return total_cost


def compute_gradient_reg(X, y, w, b, lambda_ = 1):
    m, n = X.shape
    dj_db, dj_dw = compute_gradient(X, y, w, b)
    dj_dw = dj_dw + (lambda_ / m) * w
    return dj_db, dj_dw
