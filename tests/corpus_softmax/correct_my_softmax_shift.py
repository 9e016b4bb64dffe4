"""ML Specialization, week 2 lab: my_softmax, shifted by the largest score."""
import numpy as np


def my_softmax(z):
    """Turn a vector of N scores into N probabilities that add up to 1.

    Args:
      z (ndarray (N,)): the scores (logits)
    Returns:
      a (ndarray (N,)): e^z_j / sum_k e^z_k
    """
    z = np.asarray(z, dtype=float)
    # softmax(z) == softmax(z - c) for any c; with c = max(z) the biggest
    # exponent is exactly 0, so nothing overflows and the sum is >= 1
    ez = np.exp(z - np.max(z))
    a = ez / np.sum(ez)
    return a
