import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def predict(X, w, b):
    p = sigmoid(np.dot(X, w) + b)
    return (p >= 0.5) * 1


if __name__ == '__main__':
    X = np.array([[1.0, 2.0], [-1.0, -2.0]])
    print "predictions:", predict(X, np.array([0.5, 0.5]), 0.0)
