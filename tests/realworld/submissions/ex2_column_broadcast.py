import numpy as np

data = np.loadtxt('ex2data1.txt', delimiter=',')
X = np.c_[np.ones((data.shape[0], 1)), data[:, 0:2]]
y = np.array([data[:, 2]]).T
theta = np.zeros((3, 1))


def sigmoid(z):
    return np.exp(np.minimum(z, 0)) / (1 + np.exp(-np.abs(z)))


def costFunction(theta, X, y):
    m = len(y)
    z = X.dot(theta)
    h = sigmoid(z)
    J = (1 / m) * np.sum(np.logaddexp(0, z) - y * z)
    grad = (1 / m) * X.T.dot(h - y)
    return J, grad


def costFunctionReg(theta, X, y, lamda):
    m = len(y)
    J, grad = costFunction(theta, X, y)
    reg = theta.copy()
    reg[0] = 0
    J = J + lamda / (2 * m) * np.sum(reg ** 2)
    grad = grad + (lamda / m) * reg
    return J, grad


print(costFunction(theta, X, y))
