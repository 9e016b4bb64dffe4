import numpy as np
from scipy.special import expit


def compute_cost_logistic(X, y, w, b):
    eps = 1e-7      # same epsilon as keras
    f = np.clip(expit(X @ w + b), eps, 1 - eps)
    loss = -(y * np.log(f) + (1 - y) * np.log(1 - f))
    return loss.mean()
