"""Week 3 lab, Alice: vectorized, written with the tails in mind."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    z = X @ w + b
    return np.sum(np.logaddexp(0, z) - y * z) / m


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    return np.sum(err) / m, X.T @ err / m


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    return compute_cost_logistic(X, y, w, b) + lambda_ / (2 * m) * np.sum(w ** 2)


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db, dj_dw + lambda_ / m * w


def predict(X, w, b):
    return (X @ w + b >= 0).astype(int)


# Course 2 week 2: softmax of one example's logits.
def my_softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


# cs231n assignment 1: the softmax classifier, loss and gradient.
def softmax_loss_naive(W, X, y, reg):
    num_train = X.shape[0]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(num_train):
        scores = X[i] @ W
        scores = scores - np.max(scores)  # shift so exp cannot overflow
        log_probs = scores - np.log(np.sum(np.exp(scores)))
        loss -= log_probs[y[i]]
        dscores = np.exp(log_probs)
        dscores[y[i]] -= 1
        dW += np.outer(X[i], dscores)
    loss = loss / num_train + reg * np.sum(W * W)
    dW = dW / num_train + 2 * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    rows = np.arange(num_train)
    loss = -np.sum(log_probs[rows, y]) / num_train + reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dW = X.T @ dscores / num_train + 2 * reg * W
    return loss, dW
