"""Helper functions of lab 5 (written for this corpus)."""
import numpy as np


def load_data(sub_sample=True, add_outlier=False):
    """Load height (m), weight (kg) and gender (1 male, 0 female) from the csv file."""
    path_dataset = "data/height_weight_genders.csv"
    data = np.genfromtxt(path_dataset, delimiter=",", skip_header=1, usecols=[1, 2])
    height = data[:, 0]
    weight = data[:, 1]
    gender = np.genfromtxt(path_dataset, delimiter=",", skip_header=1, usecols=[0],
                           converters={0: lambda x: 0 if "Male" in str(x) else 1})
    weight *= 0.454
    height *= 0.025
    if sub_sample:
        height = height[::2]
        weight = weight[::2]
        gender = gender[::2]
    return height, weight, gender


def standardize(x):
    mean_x = np.mean(x, axis=0)
    x = x - mean_x
    std_x = np.std(x, axis=0)
    x = x / std_x
    return x, mean_x, std_x


def de_standardize(x, mean_x, std_x):
    return x * std_x + mean_x


def build_model_data(height, weight):
    y = weight
    x = height
    num_samples = len(y)
    tx = np.c_[np.ones(num_samples), x]
    return y, tx
