"""Spins forever in every function."""


def _spin():
    while True:
        pass


def sigmoid(z):
    _spin()


def compute_cost_logistic(X, y, w, b):
    _spin()


def compute_gradient_logistic(X, y, w, b):
    _spin()
