import numpy as np


def loss(f, y):
    """Binary cross-entropy of predicted probability f."""
    f = np.clip(np.asarray(f, dtype=float), 1e-5, 1 - 1e-5)
    return -(y * np.log(f) + (1 - y) * np.log1p(-f))
