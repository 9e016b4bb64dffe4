"""The Hypothesis internals verifier/engine/search.py relies on.

``reproducible_generation`` replaces ``providers._get_local_constants`` so that a seed draws the same
examples in any process; a Hypothesis release that renames or removes these must fail here, loudly,
instead of silently making runs irreproducible.  pyproject.toml pins the supported range (< 7).
"""

import hypothesis
from hypothesis import given, settings
from hypothesis import seed as hseed
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers

from verifier.engine.search import reproducible_generation


def test_the_patched_internals_exist():
    assert callable(getattr(providers, "_get_local_constants", None))
    assert isinstance(getattr(providers, "Constants", None), type)
    assert hasattr(providers, "CONSTANTS_CACHE") and hasattr(providers.CONSTANTS_CACHE, "cache")
    assert int(hypothesis.__version__.split(".")[0]) == 6


def test_the_patch_is_active_inside_and_undone_after():
    original = providers._get_local_constants
    with reproducible_generation():
        assert providers._get_local_constants is not original
        constants = providers._get_local_constants()
        assert not any(len(v) for v in vars(constants).values() if hasattr(v, "__len__"))
    assert providers._get_local_constants is original


def _draws(seed: int) -> list[float]:
    drawn: list[float] = []

    @hseed(seed)
    @settings(max_examples=30, database=None, derandomize=False)
    @given(st.floats(-1e6, 1e6))
    def collect(x):
        drawn.append(x)

    with reproducible_generation():
        collect()
    return drawn


def test_a_seed_draws_the_same_examples_twice():
    assert _draws(1234) == _draws(1234)
