"""Ignores SIGTERM, SIGINT and SIGHUP, then sleeps in every function."""
import signal
import time

for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, signal.SIG_IGN)


def sigmoid(z):
    time.sleep(3600)


def compute_cost_logistic(X, y, w, b):
    time.sleep(3600)


def compute_gradient_logistic(X, y, w, b):
    time.sleep(3600)
