from pkgs import *
from sigmoid import sigmoid


def compute_gradient(X, y, w, b, *argv):
    """
    Computes the gradient for logistic regression

    Returns
      dj_db : (scalar)             The gradient of the cost w.r.t. the parameter b.
      dj_dw : (ndarray Shape (n,)) The gradient of the cost w.r.t. the parameters w.
    """
    m, n = X.shape
    dj_dw = np.zeros(w.shape)
    dj_db = 0.
    for i in range(m):
        z_wb = 0
        for j in range(n):
            z_wb += X[i, j] * w[j]
        z_wb += b
        f_wb = sigmoid(z_wb)
        dj_db_i = f_wb - y[i]
        dj_db += dj_db_i
        for j in range(n):
            dj_dw[j] = dj_dw[j] + dj_db_i * X[i][j]
    dj_dw = dj_dw / m
    dj_db = dj_db / m
    return dj_db, dj_dw
