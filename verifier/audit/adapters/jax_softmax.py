"""JAX and optax for the softmax family: jax.nn.softmax, log_softmax, logsumexp, optax's cross-entropies.

As for the logistic functions (verifier/audit/adapters/jax_nn.py), every function runs with 64-bit
types enabled and with JAX's default (x64 off, float64 inputs silently truncated to float32; judged
in float64 only).

- ``jax.nn.softmax(z)``, ``jax.nn.log_softmax(z)``, ``jax.nn.logsumexp(z, axis=-1)``
- ``optax.softmax_cross_entropy_with_integer_labels(z, y)`` and ``optax.softmax_cross_entropy(z,
  one_hot(y))`` as the per-example cross-entropy from logits
- ``optax.softmax_cross_entropy(z, optax.smooth_labels(one_hot(y), eps))`` as the label-smoothed one
- the mean of the integer-label loss at X W + b as the multinomial cost, and ``jax.grad`` of that
  mean with respect to (W, b) as the gradient
"""

from __future__ import annotations

from verifier.audit.adapters import LibraryFunction
from verifier.audit.adapters.jax_nn import LIBRARY, version, x64_variants

__all__ = ["LIBRARY", "functions", "version"]


def softmax(z):
    import jax

    return jax.nn.softmax(z, axis=-1)


def log_softmax(z):
    import jax

    return jax.nn.log_softmax(z, axis=-1)


def logsumexp(z):
    import jax

    return jax.nn.logsumexp(z, axis=-1)


def integer_labels_loss(z, y):
    import optax

    return optax.softmax_cross_entropy_with_integer_labels(z, y)


def one_hot_loss(z, y):
    import jax
    import optax

    return optax.softmax_cross_entropy(z, jax.nn.one_hot(y, z.shape[-1], dtype=z.dtype))


def smoothed_loss(z, y, eps):
    import jax
    import optax

    labels = optax.smooth_labels(jax.nn.one_hot(y, z.shape[-1], dtype=z.dtype), float(eps))
    return optax.softmax_cross_entropy(z, labels)


def _mean_loss(W, b, X, y):
    import optax

    return optax.softmax_cross_entropy_with_integer_labels(X @ W + b, y).mean()


def cost(X, y, W, b):
    import jax.numpy as jnp

    return _mean_loss(W, jnp.asarray(b, dtype=W.dtype), X, y)


def gradient(X, y, W, b):
    import jax
    import jax.numpy as jnp

    dW, db = jax.grad(_mean_loss, argnums=(0, 1))(W, jnp.asarray(b, dtype=W.dtype), X, y)
    return db, dW


def functions() -> list[LibraryFunction]:
    table = [
        ("jax.nn.softmax", "softmax", softmax, "jax.nn.softmax(z, axis=-1)"),
        ("jax.nn.log_softmax", "log-softmax", log_softmax, "jax.nn.log_softmax(z, axis=-1)"),
        ("jax.nn.logsumexp", "logsumexp", logsumexp, "jax.nn.logsumexp(z, axis=-1)"),
        (
            "optax.softmax_cross_entropy_with_integer_labels",
            "softmax-loss",
            integer_labels_loss,
            "softmax_cross_entropy_with_integer_labels(z, y)",
        ),
        ("optax.softmax_cross_entropy", "softmax-loss", one_hot_loss, "softmax_cross_entropy(z, one_hot(y))"),
        (
            "optax.softmax_cross_entropy of optax.smooth_labels",
            "softmax-loss-smoothed",
            smoothed_loss,
            "softmax_cross_entropy(z, smooth_labels(one_hot(y), eps))",
        ),
        (
            "mean optax.softmax_cross_entropy_with_integer_labels",
            "softmax-cost",
            cost,
            "mean of softmax_cross_entropy_with_integer_labels(XW + b, y)",
        ),
        ("jax.grad of the mean optax cross-entropy", "softmax-gradient", gradient, "jax.grad with respect to (W, b)"),
    ]
    return x64_variants(table)
