# Grace: clips the probabilities "to avoid log(0)", as a forum post suggested.
import numpy as np

EPS = 1e-15


def sigmoid(z):
    z = np.clip(z, -500, 500)
    return 1 / (1 + np.exp(-z))


def compute_cost_logistic(X, y, w, b):
    p = np.clip(sigmoid(X @ w + b), EPS, 1 - EPS)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    err = sigmoid(X @ w + b) - y
    return np.sum(err) / m, X.T @ err / m


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    return compute_cost_logistic(X, y, w, b) + lambda_ / (2 * m) * np.dot(w, w)


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m = X.shape[0]
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    return dj_db, dj_dw + lambda_ / m * w


def predict(X, w, b):
    return sigmoid(X @ w + b) >= 0.5


def my_softmax(z):
    z = z - np.max(z)
    return np.exp(z) / np.sum(np.exp(z))


def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    scores = scores - np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    correct = np.clip(probs[np.arange(N), y], EPS, 1.0)   # no log(0)
    loss = -np.mean(np.log(correct)) + reg * np.sum(W * W)
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    dW = X.T @ dscores / N + 2 * reg * W
    return loss, dW
