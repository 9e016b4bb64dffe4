import numpy as np
import math

# Week 3 graded lab, my solutions (pasted from the notebook)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def compute_cost(X, y, w, b, *argv):
    m = X.shape[0]
    z = X @ w + b
    # log(1+exp(z)) - y*z, the same as the log loss but no log(0)
    cost = np.sum(np.logaddexp(0, z) - y * z) / m
    return cost


def compute_gradient(X, y, w, b, *argv):
    m = X.shape[0]
    f = sigmoid(X @ w + b)
    dj_dw = (1 / m) * (X.T @ (f - y))
    dj_db = (1 / m) * np.sum(f - y)
    return dj_db, dj_dw


def compute_cost_reg(X, y, w, b, lambda_=1):
    m, n = X.shape
    cost_without_reg = compute_cost(X, y, w, b)
    # regularize all the parameters
    params = np.append(w, b)
    reg_cost = np.sum(params ** 2)
    total_cost = cost_without_reg + (lambda_ / (2 * m)) * reg_cost
    return total_cost


def compute_gradient_reg(X, y, w, b, lambda_=1):
    m, n = X.shape
    dj_db, dj_dw = compute_gradient(X, y, w, b)
    dj_dw = dj_dw + (lambda_ / m) * w
    dj_db = dj_db + (lambda_ / m) * b
    return dj_db, dj_dw


def predict(X, w, b):
    p = sigmoid(X @ w + b) >= 0.5
    return p.astype(int)


if __name__ == "__main__":
    X = np.array([[0.5, 1.5], [1, 1], [1.5, 0.5], [3, 0.5], [2, 2], [1, 2.5]])
    y = np.array([0, 0, 0, 1, 1, 1])
    print(compute_cost_reg(X, y, np.array([1.0, 1.0]), -3.0, 0.7))
    print(compute_gradient_reg(X, y, np.array([1.0, 1.0]), -3.0, 0.7))
