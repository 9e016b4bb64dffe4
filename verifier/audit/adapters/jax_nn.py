"""JAX and optax: jax.nn.sigmoid, jax.nn.log_sigmoid, optax.sigmoid_binary_cross_entropy, jax.grad.

Every function runs twice: with 64-bit types enabled (``jax.enable_x64(True)``), and with JAX's
default (x64 off), where float64 inputs are silently truncated to float32.  The x64-off variant is
judged in float64 only: in float32 it computes the same thing as the x64-on one.

- ``jax.nn.sigmoid`` as sigmoid; ``vmap(grad(jax.nn.sigmoid))`` as its derivative
- ``jax.nn.log_sigmoid`` as the loss from a logit, -(y log_sigmoid(z) + (1 - y) log_sigmoid(-z))
- ``optax.sigmoid_binary_cross_entropy(z, y)`` as the loss from a logit
- its mean over Xw + b as the cost, and ``jax.grad`` of that mean with respect to (w, b) as the gradient
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Any

import numpy as np

from verifier.audit.adapters import LibraryFunction

LIBRARY = "jax"


def version() -> str:
    import jax
    import optax

    return f"{jax.__version__} (optax {optax.__version__})"


@contextmanager
def _x64(flag: bool):
    import jax

    if hasattr(jax, "enable_x64"):
        with jax.enable_x64(flag):
            yield
    else:  # older JAX
        from jax.experimental import disable_x64, enable_x64

        with enable_x64() if flag else disable_x64():
            yield


def run_with_x64(flag: bool, fn):
    """``fn`` as a numpy-in, numpy-out callable that runs with 64-bit types on or off."""

    def call(*args):
        import jax.numpy as jnp

        with _x64(flag):
            arrays = [jnp.asarray(a) if isinstance(a, np.ndarray) or np.ndim(a) == 0 else a for a in args]
            out = fn(*arrays)
            if isinstance(out, tuple):
                return tuple(np.asarray(o) for o in out)
            return np.asarray(out)

    call.__name__ = getattr(fn, "__name__", "call")
    return call


def _labels(y, like):
    import jax.numpy as jnp

    return jnp.asarray(y).astype(like.dtype)


def sigmoid(z):
    import jax

    return jax.nn.sigmoid(z)


def sigmoid_derivative(z):
    import jax

    return jax.vmap(jax.grad(jax.nn.sigmoid))(z.reshape(-1)).reshape(z.shape)


def log_sigmoid_loss(z, y):
    import jax

    y = _labels(y, z)
    return -(y * jax.nn.log_sigmoid(z) + (1 - y) * jax.nn.log_sigmoid(-z))


def optax_loss(z, y):
    import optax

    return optax.sigmoid_binary_cross_entropy(z, _labels(y, z))


def _mean_loss(w, b, X, y):
    import optax

    z = X @ w + b
    return optax.sigmoid_binary_cross_entropy(z, _labels(y, z)).mean()


def cost(X, y, w, b):
    import jax.numpy as jnp

    return _mean_loss(w, jnp.asarray(b, dtype=X.dtype), X, y)


def gradient(X, y, w, b):
    import jax
    import jax.numpy as jnp

    dw, db = jax.grad(_mean_loss, argnums=(0, 1))(w, jnp.asarray(b, dtype=X.dtype), X, y)
    return db, dw


def _built(f: Any, x64: bool, precision: str) -> Any:
    return run_with_x64(x64, f)


def functions() -> list[LibraryFunction]:
    table = [
        ("jax.nn.sigmoid", "sigmoid", sigmoid, "jax.nn.sigmoid(z)"),
        ("jax.grad of jax.nn.sigmoid", "sigmoid-derivative", sigmoid_derivative, "vmap(grad(jax.nn.sigmoid))(z)"),
        ("jax.nn.log_sigmoid", "loss-from-logit", log_sigmoid_loss, "-(y log_sigmoid(z) + (1 - y) log_sigmoid(-z))"),
        ("optax.sigmoid_binary_cross_entropy", "loss-from-logit", optax_loss, "sigmoid_binary_cross_entropy(z, y)"),
        ("mean optax.sigmoid_binary_cross_entropy", "cost", cost, "mean of sigmoid_binary_cross_entropy(Xw + b, y)"),
        ("jax.grad of the mean optax loss", "gradient", gradient, "jax.grad of the mean loss with respect to (w, b)"),
    ]
    return x64_variants(table)


def x64_variants(table: list[tuple[str, str, Any, str]]) -> list[LibraryFunction]:
    """Each (name, target, function, how) of ``table`` with 64-bit types on (judged in float64 and
    float32) and off (JAX's default; judged in float64 only)."""
    out = []
    for flag, variant, precisions in ((True, "x64 on", ("float64", "float32")), (False, "x64 off", ("float64",))):
        for name, target, fn, how in table:
            built = functools.partial(_built, fn, flag)
            out.append(LibraryFunction(LIBRARY, name, target, built, how, variant, precisions=precisions))
    return out
