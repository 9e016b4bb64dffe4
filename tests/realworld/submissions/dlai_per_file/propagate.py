import numpy as np
from sigmoid import sigmoid


def propagate(w, b, X, Y):
    """
    Implement the cost function and its gradient for the propagation

    Return:
    grads -- dictionary with dw (same shape as w) and db
    cost -- negative log-likelihood cost for logistic regression
    """
    m = X.shape[1]

    # FORWARD PROPAGATION (FROM X TO COST)
    Z = np.dot(w.T, X) + b
    A = sigmoid(Z)
    cost = (1 / m) * np.sum(np.logaddexp(0, Z) - Y * Z)

    # BACKWARD PROPAGATION (TO FIND GRAD)
    dw = (1 / m) * np.dot(X, (A - Y).T)
    db = np.sum(A - Y)

    assert(dw.shape == w.shape)
    cost = np.squeeze(cost)
    assert(cost.shape == ())

    grads = {"dw": dw,
             "db": db}

    return grads, cost
