import numpy as np


def sigmoid(t):
    return np.exp(t) / (1 + np.exp(t))


def calculate_loss(y, tx, w):
    """negative log likelihood (sum over the samples)"""
    loss = 0
    for i in range(len(y)):
        xw = tx[i].dot(w)
        loss += np.log(1 + np.exp(xw)) - y[i] * xw
    return loss


def calculate_gradient(y, tx, w):
    return tx.T.dot(sigmoid(tx.dot(w)) - y)


def calculate_hessian(y, tx, w):
    s = sigmoid(tx.dot(w))
    S = np.diag(s * (1 - s))
    return tx.T.dot(S).dot(tx)


def logistic_regression(y, tx, w):
    return calculate_loss(y, tx, w), calculate_gradient(y, tx, w), calculate_hessian(y, tx, w)


def penalized_logistic_regression(y, tx, w, lambda_):
    loss = calculate_loss(y, tx, w) + lambda_ * np.sum(w ** 2)
    grad = calculate_gradient(y, tx, w) + 2 * lambda_ * w
    return loss, grad
