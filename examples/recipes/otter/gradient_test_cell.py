""" # BEGIN TEST CONFIG
points: 4
failure_message: The verifier's message above names the failing input and the likely mistake.
""" # END TEST CONFIG
# An Otter Assign test cell: paste it between the "# BEGIN TESTS" and "# END TESTS" cells that follow
# the solution cell of the gradient question (docs/notebook.md, "Otter-Grader").  It runs in the
# student's notebook (grader.check("gradient")) and in the autograder, and fails with the verifier's
# readable summary: the failing check, the smallest counterexample and the diagnosis.
from verifier import assert_correct

assert_correct(
    compute_gradient_logistic,  # noqa: F821 - the student's function, defined in the notebook
    target="gradient",
    convention="mls",
    profile="quick",
    seed=20240917,
    only=["correctness.benign", "correctness.shapes"],
)
