from pkgs import *


def sigmoid(z):
    """
    Compute the sigmoid of z

    Args:
        z (ndarray): A scalar, numpy array of any size.

    Returns:
        g (ndarray): sigmoid(z), with the same shape as z
    """
    z = np.asarray(z, dtype=float)
    g = np.empty_like(z)
    pos = z >= 0
    g[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    g[~pos] = ez / (1 + ez)
    return g
