"""The library's own tests: each function agrees with the exact oracle, tails included.

Run with the library's other tests (`pytest`); CI adds the plugin for the gradient, one test item
per check (see README.md):

    pytest tests --verify fastlogistic:compute_gradient_logistic --target gradient
"""

from verifier import assert_correct

import fastlogistic

# "quick" keeps this suite fast; a release job can pass profile="thorough".
PROFILE = "quick"


def test_sigmoid_is_correct_including_the_tails():
    assert_correct(fastlogistic.sigmoid, target="sigmoid", convention="mls", profile=PROFILE, seed=1)


def test_cost_agrees_with_the_exact_log_loss():
    assert_correct(
        fastlogistic.compute_cost_logistic,
        target="cost",
        convention="mls",
        profile=PROFILE,
        seed=1,
        only=["correctness.benign", "stability.saturated", "stability.overflow"],
    )
