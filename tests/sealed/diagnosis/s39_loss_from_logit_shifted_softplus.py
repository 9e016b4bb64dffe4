import numpy as np


def loss_from_logit(z, y):
    """Cross-entropy from the logit: (1 - y) z + log(1 + e^-z)."""
    z = np.asarray(z, dtype=float)
    return (1 - y) * z + np.logaddexp(0.0, -z)
