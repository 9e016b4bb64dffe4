"""Helpers shipped with the ex2 notebook port (written for this corpus).

`Grader.grade()` asks for a login with input(), as the course's submission helper does; the
autograder replaces input(), so a notebook's top-level `grader.grade()` fails and is skipped.
"""
import numpy as np
from matplotlib import pyplot


def mapFeature(X1, X2, degree=6):
    if X1.ndim > 0:
        out = [np.ones(X1.shape[0])]
    else:
        out = [np.ones(1)]
    for i in range(1, degree + 1):
        for j in range(i + 1):
            out.append((X1 ** (i - j)) * (X2 ** j))
    if X1.ndim > 0:
        return np.stack(out, axis=1)
    return np.array(out, dtype=object)


def plotData(X, y):
    pos = y == 1
    neg = y == 0
    pyplot.plot(X[pos, 0], X[pos, 1], "k*", lw=2, ms=10)
    pyplot.plot(X[neg, 0], X[neg, 1], "ko", mfc="y", ms=8, mec="k", mew=1)


def plotDecisionBoundary(plotData, theta, X, y):
    theta = np.array(theta)
    plotData(X[:, 1:3], y)
    if X.shape[1] <= 3:
        plot_x = np.array([np.min(X[:, 1]) - 2, np.max(X[:, 1]) + 2])
        plot_y = (-1.0 / theta[2]) * (theta[1] * plot_x + theta[0])
        pyplot.plot(plot_x, plot_y)


class Grader:
    """Collects the student's functions and submits them to the course server."""

    def __init__(self):
        self.functions = {}

    def __setitem__(self, key, value):
        self.functions[key] = value

    def __getitem__(self, key):
        return self.functions[key]

    def grade(self):
        login = input("Login (email address): ")
        token = input("Token: ")
        raise RuntimeError("the course server cannot be reached from here (%s, %d chars)" % (login, len(token)))
