# <a name='ex-04'></a>
# ### Exercise 4
#
# Please complete the `predict` function to produce `1` or `0` predictions given a dataset and a learned parameter vector $w$ and $b$.

# UNQ_C4
# GRADED FUNCTION: predict

def predict(X, w, b):
    """
    Predict whether the label is 0 or 1 using learned logistic
    regression parameters w

    Args:
      X : (ndarray Shape (m,n)) data, m examples by n features
      w : (ndarray Shape (n,))  values of parameters of the model
      b : (scalar)              value of bias parameter of the model

    Returns:
      p : (ndarray (m,)) The predictions for X using a threshold at 0.5
    """
    m, n = X.shape
    p = np.zeros(m)

    ### START CODE HERE ###
    for i in range(m):
        f_wb = 1 / (1 + np.exp(-(np.dot(X[i], w) + b)))
        p[i] = f_wb >= 0.5
    ### END CODE HERE ###
    return p
