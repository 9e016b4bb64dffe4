"""Course helper module for the week 3 lab (written for this corpus; stands in for the lab's utils.py).

Staff ship it beside every submission (assignment key `support`), read-only.
"""
import numpy as np
import matplotlib.pyplot as plt


def load_data(filename):
    data = np.loadtxt(filename, delimiter=",")
    X = data[:, :2]
    y = data[:, 2]
    return X, y


def sig(z):
    return 1 / (1 + np.exp(-z))


def map_feature(X1, X2):
    """Polynomial features of two columns up to degree 6 (27 columns, no bias column)."""
    X1 = np.atleast_1d(X1)
    X2 = np.atleast_1d(X2)
    degree = 6
    out = []
    for i in range(1, degree + 1):
        for j in range(i + 1):
            out.append((X1 ** (i - j) * (X2 ** j)))
    return np.stack(out, axis=1)


def plot_data(X, y, pos_label="y=1", neg_label="y=0"):
    positive = y == 1
    negative = y == 0
    plt.plot(X[positive, 0], X[positive, 1], "k+", label=pos_label)
    plt.plot(X[negative, 0], X[negative, 1], "yo", label=neg_label)


def plot_decision_boundary(w, b, X, y):
    plot_data(X[:, 0:2], y)
    if X.shape[1] <= 2:
        plot_x = np.array([min(X[:, 0]), max(X[:, 0])])
        plot_y = (-1.0 / w[1]) * (w[0] * plot_x + b)
        plt.plot(plot_x, plot_y, c="b")
    else:
        u = np.linspace(-1, 1.5, 50)
        v = np.linspace(-1, 1.5, 50)
        z = np.zeros((len(u), len(v)))
        for i in range(len(u)):
            for j in range(len(v)):
                z[i, j] = sig(np.dot(map_feature(u[i], v[j]), w) + b)
        plt.contour(u, v, z.T, levels=[0.5], colors="g")
