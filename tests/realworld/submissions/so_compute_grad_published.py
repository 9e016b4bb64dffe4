import numpy

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def compute_cost(X, y, w):
    m = len(y)
    h = sigmoid(X @ w)
    cost = (-y @ np.log(h) - (1 - y) @ np.log(1 - h)) / m
    return cost

def compute_grad(X, y, w):
    m = len(y)
    h = sigmoid(X @ w)
    grad = X.T @ (y - h) / m
      return grad
