"""Label smoothing as confidence * NLL + smoothing * mean(-log p) (the
decomposition used by the PyTorch-style LabelSmoothingCrossEntropy modules)."""
import numpy as np


def smoothed_cross_entropy(z, y, eps):
    logits = np.asarray(z, dtype=np.float64)
    target = np.asarray(y).astype(np.intp)
    confidence = 1.0 - eps
    smoothing = eps

    # log_softmax along the class axis
    x_max = logits.max(axis=-1, keepdims=True)
    x = logits - x_max
    idx_max = x.argmax(axis=-1)[:, None]
    ex = np.exp(x)
    np.put_along_axis(ex, idx_max, 0.0, axis=-1)
    logprobs = x - np.log1p(ex.sum(axis=-1, keepdims=True))

    nll_loss = -np.take_along_axis(logprobs, target[:, None], axis=-1)
    nll_loss = nll_loss.squeeze(-1)
    smooth_loss = -logprobs.mean(axis=-1)
    loss = confidence * nll_loss + smoothing * smooth_loss
    return loss
