import numpy as np
from scipy.special import expit


def sigmoid(t):
    """apply the sigmoid function on t."""
    return expit(t)


def calculate_loss(y, tx, w):
    """compute the cost by negative log likelihood."""
    txw = tx @ w
    return np.sum(np.logaddexp(0, txw) - y * txw)


def calculate_gradient(y, tx, w):
    """compute the gradient of loss."""
    return tx.T @ (sigmoid(tx @ w) - y)


def calculate_hessian(y, tx, w):
    s = sigmoid(tx @ w)
    return (tx.T * (s * (1 - s))) @ tx


def logistic_regression(y, tx, w):
    """return the loss, gradient, and Hessian."""
    return calculate_loss(y, tx, w), calculate_gradient(y, tx, w), calculate_hessian(y, tx, w)


def penalized_logistic_regression(y, tx, w, lambda_):
    """return the loss and gradient; the bias w[0] is not penalized."""
    w_pen = w.copy()
    w_pen[0] = 0
    loss = calculate_loss(y, tx, w) + lambda_ * np.sum(w_pen ** 2)
    gradient = calculate_gradient(y, tx, w) + 2 * lambda_ * w_pen
    return loss, gradient
