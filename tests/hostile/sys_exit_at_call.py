"""Calls sys.exit(0) in every function."""
import sys


def sigmoid(z):
    sys.exit(0)


def compute_cost_logistic(X, y, w, b):
    sys.exit(0)


def compute_gradient_logistic(X, y, w, b):
    sys.exit(0)
