"""TensorFlow / Keras: tf.math.sigmoid, tf.nn.sigmoid_cross_entropy_with_logits, keras binary_crossentropy.

- ``tf.math.sigmoid`` as sigmoid
- ``tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z)`` as the loss from a logit
- ``keras.losses.binary_crossentropy(y[:, None], f[:, None])`` as the loss from a probability, and
  with ``from_logits=True`` as the loss from a logit (Keras averages over the last axis, so each
  example gets an axis of its own)
"""

from __future__ import annotations

import os

import numpy as np

from verifier.audit.adapters import LibraryFunction, labels_as

LIBRARY = "tensorflow"


def version() -> str:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    return tf.__version__


def tf_module():
    import tensorflow as tf

    return tf


def sigmoid(z):
    tf = tf_module()
    return tf.math.sigmoid(tf.constant(z)).numpy()


def sigmoid_cross_entropy_with_logits(z, y):
    tf = tf_module()
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(labels_as(y, z)), logits=tf.constant(z)).numpy()


def _keras_bce(p, y, from_logits: bool):
    tf = tf_module()
    p = np.asarray(p)
    out = tf.keras.losses.binary_crossentropy(
        tf.constant(labels_as(y, p).reshape(-1, 1)), tf.constant(p.reshape(-1, 1)), from_logits=from_logits
    )
    return np.asarray(out).reshape(p.shape)


def binary_crossentropy(f, y):
    return _keras_bce(f, y, False)


def binary_crossentropy_from_logits(z, y):
    return _keras_bce(z, y, True)


def _fixed(fn):
    return lambda precision: fn


def functions() -> list[LibraryFunction]:
    return [
        LibraryFunction(LIBRARY, "tf.math.sigmoid", "sigmoid", _fixed(sigmoid), "tf.math.sigmoid(z)"),
        LibraryFunction(
            LIBRARY,
            "tf.nn.sigmoid_cross_entropy_with_logits",
            "loss-from-logit",
            _fixed(sigmoid_cross_entropy_with_logits),
            "sigmoid_cross_entropy_with_logits(labels=y, logits=z)",
        ),
        LibraryFunction(
            LIBRARY,
            "keras.losses.binary_crossentropy",
            "loss",
            _fixed(binary_crossentropy),
            "binary_crossentropy(y[:, None], f[:, None])",
        ),
        LibraryFunction(
            LIBRARY,
            "keras.losses.binary_crossentropy(from_logits=True)",
            "loss-from-logit",
            _fixed(binary_crossentropy_from_logits),
            "binary_crossentropy(y[:, None], z[:, None], from_logits=True)",
        ),
    ]
