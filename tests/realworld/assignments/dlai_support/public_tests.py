"""Public tests of the week 2 assignment (written for this corpus)."""
import numpy as np


def sigmoid_test(target):
    x = np.array([0, 2])
    output = target(x)
    assert type(output) == np.ndarray, "Wrong type. Expected np.ndarray"
    assert np.allclose(output, [0.5, 0.88079708]), f"Wrong value. {output} != [0.5, 0.88079708]"
    print("\033[92mAll tests passed!")


def propagate_test(target):
    w = np.array([[1.0], [2.0], [-1.0]])
    b = 2.5
    X = np.array([[1.0, 2.0, -1.0, 0.0], [3.0, 4.0, -3.2, 1.0], [3.0, 4.0, -3.2, -3.5]])
    Y = np.array([[1, 1, 0, 0]])
    grads, cost = target(w, b, X, Y)
    assert type(grads["dw"]) == np.ndarray, f"Wrong type for grads['dw']. {type(grads['dw'])} != np.ndarray"
    assert grads["dw"].shape == w.shape, f"Wrong shape for grads['dw']. {grads['dw'].shape} != {w.shape}"
    print("\033[92mAll tests passed!")


def predict_test(target):
    w = np.array([[0.3], [0.5], [-0.2]])
    b = -0.33333
    X = np.array([[1.0, -0.3, 1.5], [2.0, 0.0, 1.0], [0.0, -1.5, 2.0]])
    pred = target(w, b, X)
    assert type(pred) == np.ndarray, f"Wrong type. {type(pred)} != np.ndarray"
    assert pred.shape == (1, X.shape[1]), f"Wrong shape. {pred.shape} != {(1, X.shape[1])}"
    assert np.bitwise_not(np.allclose(pred, [[1.0, 1.0, 1.0]])), "Perhaps you forgot to add b?"
    print("\033[92mAll tests passed!")
