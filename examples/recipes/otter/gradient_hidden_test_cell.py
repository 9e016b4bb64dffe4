# HIDDEN
""" # BEGIN TEST CONFIG
points: 2
""" # END TEST CONFIG
# A hidden Otter Assign test cell (the "# HIDDEN" first line keeps it out of the student's notebook):
# the numeric tails, where sigma saturates and exp overflows, graded only by the autograder.
from verifier import assert_correct

assert_correct(
    compute_gradient_logistic,  # noqa: F821 - the student's function, defined in the notebook
    target="gradient",
    convention="mls",
    profile="quick",
    seed=20240917,
    only=["stability.saturated", "stability.overflow"],
)
