"""Public tests shipped with the week 3 lab (written for this corpus).

Notebooks call them at top level (`sigmoid_test(sigmoid)`); the grader does not rely on them.
"""
import math

import numpy as np


def sigmoid_test(target):
    assert np.isclose(target(3.0), 0.9525741268224334), "Failed for scalar input"
    assert np.allclose(target(np.array([2.5, 0])), [0.92414182, 0.5]), "Failed for 1D array"
    assert np.allclose(target(np.array([[2.5, -2.5], [0, 1]])),
                       [[0.92414182, 0.07585818], [0.5, 0.73105858]]), "Failed for 2D array"
    print("\033[92mAll tests passed!")


def compute_cost_test(target):
    X = np.array([[0, 0, 0, 0]]).T
    y = np.array([0, 0, 0, 0])
    w = np.array([0])
    b = 1
    result = target(X, y, w, b)
    if math.isinf(result):
        raise ValueError("Did you get the sigmoid of z_wb?")
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.2]])
    y = np.array([1, 0, 1])
    w = np.array([0.4, -0.1])
    result = target(X, y, w, 0.2)
    assert np.isclose(result, 0.54216093, atol=1e-6), f"Wrong output. Expected: 0.54216093 got: {result}"
    print("\033[92mAll tests passed!")


def compute_gradient_test(target):
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.2]])
    y = np.array([1, 0, 1])
    w = np.array([0.4, -0.1])
    dj_db, dj_dw = target(X, y, w, 0.2)
    assert np.isclose(dj_db, -0.12643277, atol=1e-6), f"Wrong value for dj_db: {dj_db}"
    assert dj_dw.shape == w.shape, f"Wrong shape for dj_dw: {dj_dw.shape}"
    print("\033[92mAll tests passed!")


def predict_test(target):
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.2]])
    w = np.array([0.4, -0.1])
    p = target(X, w, 0.2)
    assert p.shape == (3,), f"Wrong shape. Expected (3,) got {p.shape}"
    assert np.allclose(p, [1, 0, 1]), "Did you apply the sigmoid before applying the threshold?"
    print("\033[92mAll tests passed!")


def compute_cost_reg_test(target):
    X = np.zeros((4, 5))
    y = np.array([0.5, 0.5, 0.5, 0.5])
    w = np.array([2, 2, 2, 2, 2])
    result = target(X, y, w, 0, 0.5)
    expected = math.log(2) + 0.5 / 8 * 20
    assert np.isclose(result, expected), f"Wrong output. Expected: {expected} got: {result}"
    print("\033[92mAll tests passed!")


def compute_gradient_reg_test(target):
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -0.2]])
    y = np.array([1, 0, 1])
    w = np.array([0.4, -0.1])
    dj_db, dj_dw = target(X, y, w, 0.2, 0.7)
    assert dj_dw.shape == w.shape, f"Wrong shape for dj_dw: {dj_dw.shape}"
    print("\033[92mAll tests passed!")
