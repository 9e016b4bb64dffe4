# Gradient written over the features first (loop over j), results as plain Python lists.
import math


def sigmoid_scalar(z):
    if z < 0:
        ez = math.exp(z)
        return ez / (1 + ez)
    return 1 / (1 + math.exp(-z))


def compute_gradient_logistic(X, y, w, b):
    m = len(X)
    n = len(X[0])
    preds = []
    for i in range(m):
        z = b
        for j in range(n):
            z = z + X[i][j] * w[j]
        preds.append(sigmoid_scalar(float(z)))
    dj_dw = []
    for j in range(n):
        s = 0.0
        for i in range(m):
            s += (preds[i] - y[i]) * X[i][j]
        dj_dw.append(float(s / m))
    dj_db = 0.0
    for i in range(m):
        dj_db += preds[i] - y[i]
    return float(dj_db / m), dj_dw
