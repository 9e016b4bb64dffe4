"""Opens a TCP connection to 127.0.0.1 (to send the inputs out, or fetch answers) in every function."""
import socket


def _phone_home():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1.0)
    try:
        s.connect(("127.0.0.1", 8765))
        s.sendall(b"inputs")
    finally:
        s.close()
    return 0.5


def sigmoid(z):
    return _phone_home()


def compute_cost_logistic(X, y, w, b):
    return _phone_home()


def compute_gradient_logistic(X, y, w, b):
    return _phone_home(), _phone_home()
