import numpy as np

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def compute_cost_logistic(X, y, w, b):
    z = np.clip(X @ w + b, -500, 500)
    return np.mean(np.logaddexp(0, z) - y * z)

def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = y - 1.0 / (1.0 + np.exp(-(X @ w + b)))     # prediction error
    return err.sum() / m, X.T @ err / m

def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    return compute_cost_logistic(X, y, w, b) + lambda_ / (2 * X.shape[0]) * (w @ w)

def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db, dj_dw + lambda_ / X.shape[0] * w


def predict(X, w, b):
    return sigmoid(X @ w + b)  # the probabilities, not the labels
