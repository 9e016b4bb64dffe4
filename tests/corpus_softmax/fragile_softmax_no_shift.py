import numpy as np


def softmax(X):
    X_exp = np.exp(X)
    partition = X_exp.sum(axis=1, keepdims=True)
    return X_exp / partition     # broadcasting divides each row by its sum
