import numpy as np
import copy
import math
