from pkgs import *
from compute_cost_logistic import compute_cost


def compute_cost_reg(X, y, w, b, lambda_ = 1):
    m, n = X.shape
    cost_without_reg = compute_cost(X, y, w, b)
    reg_cost = 0.
    for j in range(n):
        reg_cost_j = w[j]**2
        reg_cost = reg_cost + reg_cost_j
    total_cost = cost_without_reg + (lambda_/(2 * m)) * reg_cost
    return total_cost
