"""Leaves a daemon behind (double fork, setsid, a new program), then hangs in every function.

The daemon's command line carries HOSTILE-DAEMON-6f1d so that a test can look for survivors.
"""
import os
import sys
import time


def _daemonize():
    pid = os.fork()
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            try:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(300)", "HOSTILE-DAEMON-6f1d"])
            finally:
                os._exit(0)
        os._exit(0)
    os.waitpid(pid, 0)


_daemonize()


def sigmoid(z):
    time.sleep(3600)


def compute_cost_logistic(X, y, w, b):
    time.sleep(3600)


def compute_gradient_logistic(X, y, w, b):
    time.sleep(3600)
