import numpy as np


def compute_gradient_logistic(X, y, w, b):
    """Returns dj_dw, dj_db."""
    dj_dw = np.zeros(np.shape(w))
    dj_db = 0.0
    return dj_dw, dj_db
