# <a name='ex-06'></a>
# ### Exercise 6
#
# Please complete the `compute_gradient_reg` function below to modify the code below to calculate the following term
#
# $$\frac{\lambda}{m} w_j  \quad\, \mbox{for $j=0...(n-1)$}$$

# UNQ_C6
def compute_gradient_reg(X, y, w, b, lambda_ = 1):
    """
    Computes the gradient for logistic regression with regularization

    Args:
      X : (ndarray Shape (m,n)) data, m examples by n features
      y : (ndarray Shape (m,))  target value
      w : (ndarray Shape (n,))  values of parameters of the model
      b : (scalar)              value of bias parameter of the model
      lambda_ : (scalar,float)  regularization constant
    Returns
      dj_db : (scalar)             The gradient of the cost w.r.t. the parameter b.
      dj_dw : (ndarray Shape (n,)) The gradient of the cost w.r.t. the parameters w.

    """
    m, n = X.shape

    ### START CODE HERE ###
    f_wb = 1 / (1 + np.exp(-(X @ w + b)))
    dj_db = np.sum(f_wb - y) / m
    dj_dw = (X.T @ (f_wb - y)) / m
    for j in range(n):
        dj_dw[j] = dj_dw[j] + (lambda_ / m) * w[j]
    ### END CODE HERE ###

    return dj_db, dj_dw
