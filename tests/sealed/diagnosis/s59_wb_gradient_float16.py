import numpy as np


def compute_gradient_logistic(X, y, w, b):
    """Half-precision gradient (memory friendly)."""
    Xh = X.astype(np.float16)
    yh = y.astype(np.float16)
    wh = w.astype(np.float16)
    bh = np.float16(b)
    m = Xh.shape[0]
    z = Xh @ wh + bh
    f = np.float16(1) / (np.float16(1) + np.exp(-z))
    err = f - yh
    dj_dw = (Xh.T @ err) / np.float16(m)
    dj_db = err.sum() / np.float16(m)
    return dj_dw.astype(np.float64), float(dj_db)
