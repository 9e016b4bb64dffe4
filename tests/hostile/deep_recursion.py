"""Raises the recursion limit and recurses through C code until the C stack overflows (SIGSEGV)."""
import sys

sys.setrecursionlimit(10**7)


def _down(n):
    return sorted([n + 1], key=_down)  # every level goes through C, so it uses the C stack


def sigmoid(z):
    return _down(0)


def compute_cost_logistic(X, y, w, b):
    return _down(0)


def compute_gradient_logistic(X, y, w, b):
    return _down(0)
