import numpy as np


def predict(X, w, b):
    z = X @ w + b
    # threshold at 0.5
    return (z >= 0.5).astype(int)
