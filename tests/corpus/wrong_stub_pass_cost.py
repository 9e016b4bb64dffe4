import numpy as np


def compute_cost_logistic(X, y, w, b):
    m = X.shape[0]
    ### START CODE HERE ###
    pass
    ### END CODE HERE ###
