%matplotlib inline
from pkgs import *
from utils import *
from sigmoid import sigmoid
from compute_cost_logistic import compute_cost
from compute_gradient_logistic import compute_gradient
from predict import predict

X_train, y_train = load_data("data/ex2data1.txt")
plot_data(X_train, y_train[:], pos_label="Admitted", neg_label="Not admitted")
print(compute_cost(X_train, y_train, np.zeros(2), 0.))
print(predict(X_train, np.array([0.2, 0.2]), -24))
