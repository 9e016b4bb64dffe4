import numpy as np


def softmax_cost(X, Y, W, b, lam):
    """
    Regularized softmax (multinomial logistic) cost.

    Args:
      X (ndarray (m,n)): data, m examples with n features
      Y (ndarray (m,K)): one-hot labels
      W (ndarray (n,K)): weights
      b (ndarray (K,)) : biases
      lam (scalar)     : regularization strength
    Returns:
      total_cost (scalar)
    """
    m = X.shape[0]
    cost = 0.0
    for i in range(m):
        z_i = np.dot(X[i], W) + b                      # (K,)
        z_max = np.max(z_i)
        log_sum = z_max + np.log(np.sum(np.exp(z_i - z_max)))
        cost += log_sum - np.dot(Y[i], z_i)            # -sum_k Y_ik log p_ik
    cost = cost / m
    reg_cost = (lam / (2 * m)) * np.sum(W ** 2)       # b is not regularized
    return cost + reg_cost


def softmax_gradient(X, Y, W, b, lam):
    """Returns (dj_dW (n,K), dj_db (K,))."""
    m, n = X.shape
    dj_dW = np.zeros(W.shape)
    dj_db = np.zeros(b.shape)
    for i in range(m):
        z_i = np.dot(X[i], W) + b
        e = np.exp(z_i - np.max(z_i))
        err_i = e / np.sum(e) - Y[i]                   # (K,)
        dj_dW += np.outer(X[i], err_i)
        dj_db += err_i
    dj_dW = dj_dW / m + (lam / m) * W
    dj_db = dj_db / m
    return dj_dW, dj_db
