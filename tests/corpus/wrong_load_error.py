import numpy as np
import matplotlib_helpers  # a helper module from the lab folder that was not submitted


def sigmoid(z):
    z = matplotlib_helpers.as_array(z)  # needs the helper that was not submitted
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
