import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out


def compute_cost_logistic(X, y, w, b):
    z = X @ w + b
    return np.mean(np.logaddexp(0, z) - y * z)


def compute_gradient_logistic(X, y, w, b):
    err = sigmoid(X @ w + b) - y
    return np.mean(err), X.T @ err / len(y)


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    # regularize every parameter
    return compute_cost_logistic(X, y, w, b) + lambda_ / (2 * m) * (np.sum(w ** 2) + b ** 2)


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db + lambda_ / m * b, dj_dw + lambda_ / m * w


def predict(X, w, b):
    return (sigmoid(X @ w + b) >= 0.5).astype(float)


def softmax_loss_naive(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(N):
        z = X[i] @ W
        zmax = np.max(z)
        lse = zmax + np.log(np.sum(np.exp(z - zmax)))
        loss += lse - z[y[i]]
        for c in range(C):
            dW[:, c] += (np.exp(z[c] - lse) - (c == y[i])) * X[i]
    return loss / N + reg * np.sum(W ** 2), dW / N + 2 * reg * W


def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    z = X @ W
    # normalize the scores
    z = z - np.max(z, axis=0)
    p = np.exp(z) / np.sum(np.exp(z), axis=0)
    loss = -np.mean(np.log(p[np.arange(N), y])) + reg * np.sum(W ** 2)
    p[np.arange(N), y] -= 1
    return loss, X.T @ p / N + 2 * reg * W
