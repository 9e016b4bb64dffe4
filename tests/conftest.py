"""Hypothesis profiles for the project's own test suite.

`ci` is chosen automatically when the CI environment variable is set: fewer examples, no deadline
(shared 2-core machines are noisy), derandomized so a CI failure reproduces.  `thorough` is for
slow local runs: HYPOTHESIS_PROFILE=thorough pytest -m "slow or not slow".
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
