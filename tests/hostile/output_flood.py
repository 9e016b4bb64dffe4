"""Prints 50 MB in every function and returns nothing."""
import sys

_BLOCK = "flood " * ((1 << 20) // 6)  # 1 MiB


def _flood():
    for _ in range(50):
        sys.stdout.write(_BLOCK)
        sys.stdout.write("\n")


def sigmoid(z):
    _flood()


def compute_cost_logistic(X, y, w, b):
    _flood()


def compute_gradient_logistic(X, y, w, b):
    _flood()
