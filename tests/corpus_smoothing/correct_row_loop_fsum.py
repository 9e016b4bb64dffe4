"""Course-notebook style: one example at a time with the math module."""
import math

import numpy as np


def smoothed_cross_entropy(z, y, eps):
    m, K = len(z), len(z[0])
    losses = np.zeros(m)
    for i in range(m):
        row = [float(v) for v in z[i]]
        label = int(y[i])
        top = max(range(K), key=lambda k: row[k])
        biggest = row[top]
        shifted = [v - biggest for v in row]
        # log of the softmax denominator (after the shift), accurate near zero
        rest = math.fsum(math.exp(shifted[k]) for k in range(K) if k != top)
        log_norm = math.log1p(rest)
        total = []
        for k in range(K):
            target = eps / K + ((1.0 - eps) if k == label else 0.0)
            neg_log_p = log_norm - shifted[k]
            total.append(target * neg_log_p)
        losses[i] = math.fsum(total)
    return losses
