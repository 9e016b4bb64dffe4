import numpy as np


def compute_cost_logistic(X, y, w, b):
    # float32 is faster and uses half the memory
    X32 = X.astype(np.float32)
    y32 = y.astype(np.float32)
    w32 = w.astype(np.float32)
    b32 = np.float32(b)
    z = X32 @ w32 + b32
    cost = np.mean(np.logaddexp(np.float32(0), z) - y32 * z)
    return np.float64(cost)
