import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    f = expit(X @ w + b)
    err = f - (1 - y)
    return X.T @ err / m, np.mean(err)
