"""TensorFlow / Keras for the softmax family: tf.nn.softmax, log_softmax, reduce_logsumexp, the sparse
softmax cross-entropy, keras categorical and sparse categorical cross-entropy, GradientTape.

- ``tf.nn.softmax(z)``, ``tf.nn.log_softmax(z)``, ``tf.math.reduce_logsumexp(z, axis=-1)``
- ``tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z)``,
  ``keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True)`` and
  ``keras.losses.categorical_crossentropy(one_hot(y), z, from_logits=True)`` as the per-example
  cross-entropy from logits
- ``keras.losses.categorical_crossentropy(one_hot(y), z, from_logits=True, label_smoothing=eps)`` as
  the label-smoothed cross-entropy
- ``keras.losses.categorical_crossentropy(one_hot(y), p)`` (from probabilities, Keras' default) as the
  per-example loss from probabilities
- the mean sparse softmax cross-entropy at X W + b as the multinomial cost, and its gradient with
  respect to (W, b) from ``tf.GradientTape``
"""

from __future__ import annotations

import numpy as np

from verifier.audit.adapters import LibraryFunction, one_hot
from verifier.audit.adapters.tensorflow_keras import LIBRARY, tf_module, version

__all__ = ["LIBRARY", "functions", "version"]


def _labels(y):
    return tf_module().constant(np.asarray(y).astype(np.int64))


def softmax(z):
    tf = tf_module()
    return tf.nn.softmax(tf.constant(z), axis=-1).numpy()


def log_softmax(z):
    tf = tf_module()
    return tf.nn.log_softmax(tf.constant(z), axis=-1).numpy()


def logsumexp(z):
    tf = tf_module()
    return tf.math.reduce_logsumexp(tf.constant(z), axis=-1).numpy()


def sparse_softmax_cross_entropy(z, y):
    tf = tf_module()
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=_labels(y), logits=tf.constant(z)).numpy()


def sparse_categorical_crossentropy(z, y):
    tf = tf_module()
    return np.asarray(tf.keras.losses.sparse_categorical_crossentropy(_labels(y), tf.constant(z), from_logits=True))


def categorical_crossentropy_from_logits(z, y):
    tf = tf_module()
    z = np.asarray(z)
    return np.asarray(tf.keras.losses.categorical_crossentropy(one_hot(y, z), tf.constant(z), from_logits=True))


def smoothed_categorical_crossentropy(z, y, eps):
    tf = tf_module()
    z = np.asarray(z)
    return np.asarray(
        tf.keras.losses.categorical_crossentropy(one_hot(y, z), tf.constant(z), from_logits=True, label_smoothing=eps)
    )


def categorical_crossentropy(p, y):
    tf = tf_module()
    p = np.asarray(p)
    return np.asarray(tf.keras.losses.categorical_crossentropy(one_hot(y, p), tf.constant(p)))


def _mean_loss(tf, X, y, W, b):
    z = tf.constant(X) @ W + b
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=_labels(y), logits=z))


def cost(X, y, W, b):
    tf = tf_module()
    return _mean_loss(tf, X, y, tf.constant(W), tf.constant(np.asarray(b, dtype=np.asarray(W).dtype))).numpy()


def gradient(X, y, W, b):
    tf = tf_module()
    Wv = tf.Variable(W)
    bv = tf.Variable(np.asarray(b, dtype=np.asarray(W).dtype))
    with tf.GradientTape() as tape:
        loss = _mean_loss(tf, X, y, Wv, bv)
    dW, db = tape.gradient(loss, [Wv, bv])
    return db.numpy(), dW.numpy()


def _fixed(fn):
    return lambda precision: fn


def functions() -> list[LibraryFunction]:
    table = [
        ("tf.nn.softmax", "softmax", softmax, "tf.nn.softmax(z, axis=-1)"),
        ("tf.nn.log_softmax", "log-softmax", log_softmax, "tf.nn.log_softmax(z, axis=-1)"),
        ("tf.math.reduce_logsumexp", "logsumexp", logsumexp, "reduce_logsumexp(z, axis=-1)"),
        (
            "tf.nn.sparse_softmax_cross_entropy_with_logits",
            "softmax-loss",
            sparse_softmax_cross_entropy,
            "sparse_softmax_cross_entropy_with_logits(labels=y, logits=z)",
        ),
        (
            "keras.losses.sparse_categorical_crossentropy(from_logits=True)",
            "softmax-loss",
            sparse_categorical_crossentropy,
            "sparse_categorical_crossentropy(y, z, from_logits=True)",
        ),
        (
            "keras.losses.categorical_crossentropy(from_logits=True)",
            "softmax-loss",
            categorical_crossentropy_from_logits,
            "categorical_crossentropy(one_hot(y), z, from_logits=True)",
        ),
        (
            "keras.losses.categorical_crossentropy(from_logits=True, label_smoothing)",
            "softmax-loss-smoothed",
            smoothed_categorical_crossentropy,
            "categorical_crossentropy(one_hot(y), z, from_logits=True, label_smoothing=eps)",
        ),
        (
            "keras.losses.categorical_crossentropy",
            "softmax-loss-from-probs",
            categorical_crossentropy,
            "categorical_crossentropy(one_hot(y), p)",
        ),
        (
            "mean sparse_softmax_cross_entropy_with_logits",
            "softmax-cost",
            cost,
            "mean of sparse_softmax_cross_entropy_with_logits at XW + b",
        ),
        ("GradientTape of the mean sparse cross-entropy", "softmax-gradient", gradient, "tape.gradient for (W, b)"),
    ]
    return [LibraryFunction(LIBRARY, name, target, _fixed(fn), how) for name, target, fn, how in table]
