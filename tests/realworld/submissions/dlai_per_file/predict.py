import numpy as np
from sigmoid import sigmoid


def predict(w, b, X):
    """
    Predict whether the label is 0 or 1 using learned logistic regression parameters (w, b)
    """
    m = X.shape[1]
    w = w.reshape(X.shape[0], 1)
    A = sigmoid(np.dot(w.T, X) + b)
    Y_prediction = (A >= 0.5) * 1
    assert(Y_prediction.shape == (1, m))
    return Y_prediction
