import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def compute_cost_logistic(X, y, w, b):
    m = len(y)
    f = sigmoid(X @ w + b)
    return (-y @ np.log(f) - (1 - y) @ np.log(1 - f)) / m


def compute_gradient_logistic(X, y, w, b):
    m = len(y)
    # chain rule: derivative of the loss times derivative of the sigmoid
    f = sigmoid(X @ w + b)
    err = (f - y) * f * (1 - f)
    return err.sum() / m, X.T @ err / m


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    return compute_cost_logistic(X, y, w, b) + lambda_ / (2 * len(y)) * (w @ w)


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db, dj_dw + lambda_ / len(y) * w


def predict(X, w, b):
    return (sigmoid(X @ w + b) > 0.6).astype(int)  # a threshold of her own


def my_softmax(z):
    # TODO
    return np.zeros_like(z)


def softmax_loss_naive(W, X, y, reg):
    loss = 0.0
    dW = np.zeros_like(W)
    # TODO: compute the loss and the gradient with loops
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    loss = 0.0
    dW = np.zeros_like(W)
    # TODO: same, without loops
    return loss, dW
