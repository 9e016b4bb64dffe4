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


def softmax_loss_naive(W, X, y, reg):
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(X.shape[0]):
        s = X[i] @ W
        s = s - s.max()
        p = np.exp(s) / np.exp(s).sum()
        loss += np.log(np.exp(s).sum()) - s[y[i]]
        p[y[i]] -= 1
        dW += np.outer(X[i], p)
    loss = loss / X.shape[0] + reg * np.sum(W * W)
    dW = dW / X.shape[0] + reg * W   # d/dW of reg*W^2
    return loss, dW

def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    s = X @ W
    s -= s.max(axis=1, keepdims=True)
    lse = np.log(np.exp(s).sum(axis=1))
    loss = np.mean(lse - s[np.arange(N), y]) + reg * np.sum(W * W)
    p = np.exp(s - lse[:, None])
    p[np.arange(N), y] -= 1
    return loss, X.T @ p / N + reg * W
