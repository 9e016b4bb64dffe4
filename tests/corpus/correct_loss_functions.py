"""Per-example logistic loss, as a function of the probability or of the logit."""
import numpy as np


def loss(f, y):
    """L(f, y) = -y log(f) - (1 - y) log(1 - f), with 0 * log(0) taken as 0."""
    f = np.asarray(f, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(y != 0, -y * np.log(f), 0.0)
        c = np.where(y != 1, -(1 - y) * np.log1p(-f), 0.0)
    return a + c


def loss_from_logit(z, y):
    """Same loss with f = sigmoid(z): y*log(1+e^-z) + (1-y)*log(1+e^z)."""
    return y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)


def loss_derivative(f, y):
    """dL/df = -y/f + (1 - y)/(1 - f)."""
    f = np.asarray(f, dtype=float)
    y = np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(y != 0, -y / f, 0.0)
        c = np.where(y != 1, (1 - y) / (1 - f), 0.0)
    return a + c
