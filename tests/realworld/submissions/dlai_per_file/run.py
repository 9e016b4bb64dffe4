import numpy as np
import imageio
from skimage.transform import resize
from lr_utils import load_dataset
from model import model
from predict import predict

train_set_x_orig, train_set_y, test_set_x_orig, test_set_y, classes = load_dataset()
train_set_x = train_set_x_orig.reshape(train_set_x_orig.shape[0], -1).T / 255.
test_set_x = test_set_x_orig.reshape(test_set_x_orig.shape[0], -1).T / 255.

d = model(train_set_x, train_set_y, test_set_x, test_set_y, num_iterations = 2000, learning_rate = 0.005, print_cost = True)

my_image = "my_image.jpg"
image = np.array(imageio.imread(my_image))
image = resize(image, (64, 64)).reshape((1, 64 * 64 * 3)).T
my_predicted_image = predict(d["w"], d["b"], image)
if my_predicted_image[0, 0] == 1:
	print("y = 1, your algorithm predicts a cat picture.")
else:
	print("y = 0, your algorithm predicts a non-cat picture.")
