# Logistic Regression with regularization (LaunchCode version: data through pandas)
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from scipy.optimize import minimize

from costFunctionReg import costFunctionReg
from gradientFunctionReg import gradientFunctionReg
from predict import predict

data = pd.read_csv('ex2data2.txt', header=None, names=['Test1', 'Test2', 'Accepted'])
X = data[['Test1', 'Test2']]
y = data[['Accepted']]

plt.scatter(X['Test1'], X['Test2'], c=y['Accepted'])
plt.show()
raw_input("Program paused. Press Enter to continue...")

initial_theta = np.zeros(3)
mylambda = 1.0
cost = costFunctionReg(initial_theta, X.as_matrix(), y, mylambda)
print('Cost at initial theta (zeros): %f' % cost)

res = minimize(costFunctionReg, initial_theta, method='BFGS', jac=gradientFunctionReg,
               args=(X.as_matrix(), y, mylambda), options={'maxiter': 400})
theta = res.x
plt.title('Lambda = %f') + (mylambda)
p = predict(theta, X.as_matrix())
print('Train Accuracy: %f' % ((y['Accepted'].values == p).mean() * 100))
