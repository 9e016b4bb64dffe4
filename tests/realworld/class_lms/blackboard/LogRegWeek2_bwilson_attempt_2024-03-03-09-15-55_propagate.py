import numpy as np


def propagate(w, b, X, Y):
    def sigmoid(z):
        s = 1 / (1 + np.exp(-z))
        return s

    m = X.shape[1]
    Z = np.dot(w.T, X) + b
    A = sigmoid(Z)
    # cost from the logits, so it stays finite for big |Z|
    cost = np.sum(np.logaddexp(0, Z) - Y * Z) / m
    dw = np.dot(X, (A - Y).T) / m
    db = np.sum(A - Y) / m
    cost = np.squeeze(cost)
    grads = {"dw": dw,
             "db": db}
    return grads, cost


w, b, X, Y = np.array([[1.], [2.]]), 2., np.array([[1., 2., -1.], [3., 4., -3.2]]), np.array([[1, 0, 1]])
grads, cost = propagate(w, b, X, Y)
print ("dw = " + str(grads["dw"]))
print ("db = " + str(grads["db"]))
print ("cost = " + str(cost))
