# <a name='ex-02'></a>
# ### Exercise 2
#
# Please complete the `compute_cost` function using the equations below.
#
# Recall that for logistic regression, the cost function is of the form
#
# $$ J(\mathbf{w},b) = \frac{1}{m}\sum_{i=0}^{m-1} \left[ loss(f_{\mathbf{w},b}(\mathbf{x}^{(i)}), y^{(i)}) \right] \tag{1}$$

# UNQ_C2
# GRADED FUNCTION: compute_cost
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
    import math
    m, n = X.shape

    ### START CODE HERE ###
    cost = 0
    for 𝑖 in range(m):
        z = np.dot(X[𝑖], w) + b
        f = 1 / (1 + np.exp(-z))
        cost += -y[𝑖] * np.log(f) - (1 - y[𝑖]) * np.log(1 - f)
    total_cost = cost / m
    ### END CODE HERE ###

    return total_cost


m, n = X_train.shape

# Compute and display cost with w initialized to zeroes
initial_w = np.zeros(n)
initial_b = 0.
cost = compute_cost(X_train, y_train, initial_w, initial_b)
print('Cost at initial w (zeros): {:.3f}'.format(cost))
