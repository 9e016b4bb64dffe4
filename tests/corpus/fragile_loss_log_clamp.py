import numpy as np


def loss(f, y):
    # like torch.nn.BCELoss: clamp the logs at -100 so the loss stays finite
    log_f = np.maximum(np.log(f), -100.0)
    log_1mf = np.maximum(np.log1p(-f), -100.0)
    return -(y * log_f + (1 - y) * log_1mf)
