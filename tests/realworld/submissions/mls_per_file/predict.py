from pkgs import *
from sigmoid import sigmoid


def predict(X, w, b):
    """
    Predict whether the label is 0 or 1 using learned logistic
    regression parameters w
    """
    m, n = X.shape
    p = np.zeros(m)
    for i in range(m):
        z_wb = 0
        for j in range(n):
            z_wb += X[i, j] * w[j]
        z_wb += b
        # threshold at 0.5
        p[i] = 1 if z_wb >= 0.5 else 0
    return p
