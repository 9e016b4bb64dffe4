"""Allocates 6 GiB in every function (the worker's address space limit is 2 GiB)."""
import numpy as np


def _grab():
    return np.ones(6 << 30 >> 3)  # 6 GiB of float64, touched


def sigmoid(z):
    _grab()
    return 1 / (1 + np.exp(-z))


def compute_cost_logistic(X, y, w, b):
    _grab()
    return 0.0


def compute_gradient_logistic(X, y, w, b):
    _grab()
    return 0.0, np.zeros_like(w)
