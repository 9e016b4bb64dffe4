import numpy as np
import scipy.optimize as opt
from ex2_functions import *

data = np.loadtxt('data1.txt', delimiter=',')
X = np.c_[np.ones(data.shape[0]), data[..., :2]]
y = np.array([data[..., -1]]).T
theta = np.zeros((3, 1))

print(costFunc(X, y, theta))
print(gradFunc(X, y, theta))

# Optimization function isn't working.
result = opt.fmin_bfgs(costFunc2, theta, fprime=gradFunc2, args=(X, y))
print(result)
