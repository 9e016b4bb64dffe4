import numpy as np
import matplotlib.pyplot as plt
from utils import *
import copy
import math


def sigmoid(z):
    g = 1 / (1 + np.exp(-z))
    return g


def compute_cost(X, y, w, b, *argv):
    m, n = X.shape
    z_wb = np.dot(X, w) + b
    total_cost = np.mean(np.logaddexp(0, z_wb) - y * z_wb)
    return total_cost


def compute_gradient(X, y, w, b, *argv):
    m, n = X.shape
    # column of predictions so that the product with X broadcasts per example
    f_wb = sigmoid(np.dot(X, w) + b).reshape(m, 1)
    err = f_wb - y
    dj_dw = np.dot(X.T, err) / m
    dj_db = np.sum(err) / m
    return dj_db, dj_dw


def predict(X, w, b):
    m, n = X.shape
    p = np.zeros(m)
    f_wb = sigmoid(np.dot(X, w) + b)
    p[f_wb >= 0.5] = 1
    return p


def compute_cost_reg(X, y, w, b, lambda_ = 1):
    m, n = X.shape
    cost_without_reg = compute_cost(X, y, w, b)
    reg_cost = np.dot(w, w)
    total_cost = cost_without_reg + (lambda_/(2 * m)) * reg_cost
    return total_cost


def compute_gradient_reg(X, y, w, b, lambda_ = 1):
    m, n = X.shape
    dj_db, dj_dw = compute_gradient(X, y, w, b)
    dj_dw = dj_dw + (lambda_ / m) * w
    return dj_db, dj_dw


X_train, y_train = load_data("data/ex2data1.txt")
plot_data(X_train, y_train)
plt.show()
