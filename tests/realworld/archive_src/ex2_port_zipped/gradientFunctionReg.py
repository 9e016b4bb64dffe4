from gradientFunction import gradientFunction


def gradientFunctionReg(theta, X, y, Lambda):
    m = len(y)
    grad = gradientFunction(theta, X, y)
    grad[1:] += (Lambda / m) * theta[1:]
    return grad
