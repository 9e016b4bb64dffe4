import numpy as np


def compute_gradient_logistic(X, y, w, b):
    m, n = X.shape
    f_wb = X @ w + b          # model prediction
    err = f_wb - y
    dj_dw = (X.T @ err) / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw
