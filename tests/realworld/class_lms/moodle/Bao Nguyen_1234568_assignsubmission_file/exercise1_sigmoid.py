# <a name='ex-01'></a>
# ### Exercise 1
# Please complete the `sigmoid` function to calculate
#
# $$g(z) = \frac{1}{1+e^{-z}}$$
#
# Note that
# - `z` is not always a single number, but can also be an array of numbers.
# - If the input is an array of numbers, we'd like to apply the sigmoid function to each value in the input array.

# UNQ_C1
# GRADED FUNCTION: sigmoid

def sigmoid(z):
    """
    Compute the sigmoid of z

    Args:
        z (ndarray): A scalar, numpy array of any size.

    Returns:
        g (ndarray): sigmoid(z), with the same shape as z

    """

    ### START CODE HERE ###
    g = 1 / (1 + np.exp(-z))
    ### END SOLUTION ###

    return g


# When you are finished, try testing a few values by calling `sigmoid(x)` in the cell below.
value = 0

print (f"sigmoid({value}) = {sigmoid(value)}")
