"""Sleeps an hour in every function."""
import time


def sigmoid(z):
    time.sleep(3600)


def compute_cost_logistic(X, y, w, b):
    time.sleep(3600)


def compute_gradient_logistic(X, y, w, b):
    time.sleep(3600)
