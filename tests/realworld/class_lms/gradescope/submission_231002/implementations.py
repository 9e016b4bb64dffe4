# -*- coding: utf-8 -*-
"""Logistic regression functions (lab 5), reused for the project."""
import numpy as np


def sigmoid(t):
    """apply the sigmoid function on t."""
    t = np.asarray(t, dtype=float)
    return np.where(t >= 0, 1 / (1 + np.exp(-np.abs(t))), np.exp(-np.abs(t)) / (1 + np.exp(-np.abs(t))))


def calculate_loss(y, tx, w):
    """compute the loss: negative log likelihood, averaged over the samples."""
    txw = tx.dot(w)
    return np.mean(np.logaddexp(0, txw) - y * txw)


def calculate_gradient(y, tx, w):
    """compute the gradient of loss."""
    return tx.T.dot(sigmoid(tx.dot(w)) - y) / y.shape[0]


def calculate_hessian(y, tx, w):
    """return the Hessian of the loss function."""
    s = sigmoid(tx.dot(w))
    s = s * (1 - s)
    return tx.T.dot(tx * s[:, np.newaxis]) / y.shape[0]


def logistic_regression(y, tx, w):
    """return the loss, gradient, and Hessian."""
    return calculate_loss(y, tx, w), calculate_gradient(y, tx, w), calculate_hessian(y, tx, w)


def penalized_logistic_regression(y, tx, w, lambda_):
    """return the loss and gradient."""
    loss = calculate_loss(y, tx, w) + lambda_ * w.dot(w)
    gradient = calculate_gradient(y, tx, w) + 2 * lambda_ * w
    return loss, gradient


def reg_logistic_regression(y, tx, lambda_, initial_w, max_iters, gamma):
    """Regularized logistic regression with gradient descent. Returns (w, loss)."""
    w = initial_w
    for n_iter in range(max_iters):
        _, grad = penalized_logistic_regression(y, tx, w, lambda_)
        w = w - gamma * grad
        if n_iter % 100 == 0:
            print("iteration {}: loss={}".format(n_iter, calculate_loss(y, tx, w)))
    return w, calculate_loss(y, tx, w)


if __name__ == "__main__":
    from helpers import load_data, standardize, build_model_data

    height, weight, gender = load_data()
    x, mean_x, std_x = standardize(np.c_[height, weight])
    y, tx = build_model_data(x, gender)
    w, loss = reg_logistic_regression(y, tx, 0.1, np.zeros(tx.shape[1]), 1000, 0.1)
    print(w, loss)
