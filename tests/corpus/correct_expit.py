# Logistic regression using scipy's special functions.
# expit is the logistic sigmoid and log_expit(z) = log(sigmoid(z)) computed stably.
import numpy as np
from scipy.special import expit, log_expit


def sigmoid(z):
    return expit(z)


def compute_cost_logistic(X, y, w, b):
    m, n = X.shape
    z = np.dot(X, w) + b
    # log(f) = log_expit(z) and log(1 - f) = log_expit(-z)
    cost = -(y * log_expit(z) + (1 - y) * log_expit(-z))
    return cost.sum() / m


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    f_wb = expit(np.dot(X, w) + b)
    err = f_wb - y
    dj_dw = np.dot(X.T, err) / m
    dj_db = err.sum() / m
    return dj_db, dj_dw
