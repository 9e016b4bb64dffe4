# Bob: the loops from the lab's hints, exactly as in the lecture.
import numpy as np
import math


def sigmoid(z):
    g = 1 / (1 + np.exp(-z))
    return g


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    cost = 0.0
    for i in range(m):
        z_i = np.dot(X[i], w) + b
        f_wb_i = sigmoid(z_i)
        cost += -y[i] * np.log(f_wb_i) - (1 - y[i]) * np.log(1 - f_wb_i)
    cost = cost / m
    return cost


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    dj_dw = np.zeros((n,))
    dj_db = 0.
    for i in range(m):
        f_wb_i = sigmoid(np.dot(X[i], w) + b)
        err_i = f_wb_i - y[i]
        for j in range(n):
            dj_dw[j] = dj_dw[j] + err_i * X[i, j]
        dj_db = dj_db + err_i
    dj_dw = dj_dw / m
    dj_db = dj_db / m
    return dj_db, dj_dw


def compute_cost_logistic_reg(X, y, w, b, lambda_=1):
    m, n = X.shape
    cost_without_reg = compute_cost_logistic(X, y, w, b)
    reg_cost = 0.
    for j in range(n):
        reg_cost += (w[j] ** 2)
    return cost_without_reg + (lambda_ / (2 * m)) * reg_cost


def compute_gradient_logistic_reg(X, y, w, b, lambda_=1):
    m, n = X.shape
    dj_db, dj_dw = compute_gradient_logistic(X, y, w, b)
    for j in range(n):
        dj_dw[j] = dj_dw[j] + (lambda_ / m) * w[j]
    return dj_db, dj_dw


def predict(X, w, b):
    p = sigmoid(X @ w + b)
    return (p >= 0.5) * 1


def my_softmax(z):
    N = len(z)
    a = np.zeros(N)
    ez_sum = 0.
    for k in range(N):
        ez_sum += np.exp(z[k])
    for j in range(N):
        a[j] = np.exp(z[j]) / ez_sum
    return a


def softmax_loss_naive(W, X, y, reg):
    loss = 0.0
    dW = np.zeros(W.shape)
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores = scores - np.max(scores)
        sum_exp = 0.
        for j in range(num_classes):
            sum_exp += math.exp(scores[j])
        loss += -scores[y[i]] + math.log(sum_exp)
        for j in range(num_classes):
            p_j = math.exp(scores[j]) / sum_exp
            if j == y[i]:
                dW[:, j] += (p_j - 1) * X[i]
            else:
                dW[:, j] += p_j * X[i]
    loss = loss / num_train
    dW = dW / num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    num_classes = W.shape[1]
    scores = X.dot(W)
    scores = scores - np.max(scores, axis=1, keepdims=True)
    log_sum = np.log(np.sum(np.exp(scores), axis=1))
    one_hot = np.zeros((num_train, num_classes))
    one_hot[np.arange(num_train), y] = 1
    loss = np.sum(log_sum - np.sum(scores * one_hot, axis=1)) / num_train
    probs = np.exp(scores - log_sum[:, np.newaxis])
    dW = X.T.dot(probs - one_hot) / num_train
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
