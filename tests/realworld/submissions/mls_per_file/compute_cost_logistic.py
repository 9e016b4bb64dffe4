from pkgs import *
from sigmoid import sigmoid


def compute_cost(X, y, w, b, *argv):
    """
    Computes the cost over all examples
    Args:
      X : (ndarray Shape (m,n)) data, m examples by n features
      y : (ndarray Shape (m,))  target value
      w : (ndarray Shape (n,))  values of parameters of the model
      b : (scalar)              value of bias parameter of the model
      *argv : unused, for compatibility with regularized version below
    Returns:
      total_cost : (scalar) cost
    """
    m, n = X.shape
    loss_sum = 0
    for i in range(m):
        z_wb = 0
        for j in range(n):
            z_wb += w[j] * X[i][j]
        z_wb += b
        # log(1 + e^z) - y z, written so that exp never overflows
        if z_wb > 0:
            loss = z_wb + math.log1p(math.exp(-z_wb)) - y[i] * z_wb
        else:
            loss = math.log1p(math.exp(z_wb)) - y[i] * z_wb
        loss_sum += loss
    total_cost = loss_sum / m
    return total_cost
