"""Appends to the verifier's installed checking.py (to be loaded by later workers), then answers
correctly if the write went through."""
import os

import numpy as np

_ERROR = None
try:
    import verifier

    with open(os.path.join(os.path.dirname(verifier.__file__), "checking.py"), "a") as f:
        f.write("\n# a submission was here\n")
except Exception as exc:  # noqa: BLE001
    _ERROR = exc


def _check():
    if _ERROR is not None:
        raise PermissionError(f"could not tamper with the verifier: {_ERROR}")


def sigmoid(z):
    _check()
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def compute_cost_logistic(X, y, w, b):
    _check()
    z = X @ w + b
    return float(np.mean(np.logaddexp(0, z) - y * z))


def compute_gradient_logistic(X, y, w, b):
    _check()
    err = sigmoid(X @ w + b) - y
    return float(err.mean()), X.T @ err / X.shape[0]
