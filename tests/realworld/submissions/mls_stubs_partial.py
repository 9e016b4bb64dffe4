import numpy as np
import matplotlib.pyplot as plt
from utils import *
import copy
import math


# UNQ_C1
def sigmoid(z):
    g = 1 / (1 + np.exp(-z))
    return g


# UNQ_C2
def compute_cost(X, y, w, b, *argv):
    m, n = X.shape
    total_cost = 0
    ### START CODE HERE ###

    ### END CODE HERE ###
    return total_cost


# UNQ_C3
def compute_gradient(X, y, w, b, *argv):
    m, n = X.shape
    dj_dw = np.zeros(w.shape)
    dj_db = 0.
    ### START CODE HERE ###

    ### END CODE HERE ###
    return dj_db, dj_dw


# UNQ_C4
def predict(X, w, b):
    m, n = X.shape
    p = np.zeros(m)
    ### START CODE HERE ###
    p = sigmoid(np.dot(X, w) + b)
    ### END CODE HERE ###
    return p


# UNQ_C5
def compute_cost_reg(X, y, w, b, lambda_ = 1):
    pass


# UNQ_C6
def compute_gradient_reg(X, y, w, b, lambda_ = 1):
    ### START CODE HERE ###
    raise NotImplementedError
    ### END CODE HERE ###
