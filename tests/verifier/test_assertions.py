"""verifier.assert_correct for a library's own tests."""

import numpy as np
import pytest

import verifier


def stable_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def squashed_sigmoid(z):
    return 1 / (1 + np.exp(-2 * np.asarray(z, dtype=float)))


def test_a_correct_function_passes_and_returns_the_result():
    result = verifier.assert_correct(
        stable_sigmoid, target="sigmoid", profile="quick", seed=1, only=["correctness.benign", "contract.pure"]
    )
    assert result.passed and result.function == "stable_sigmoid"


def test_a_wrong_function_raises_assertion_error_with_the_summary():
    with pytest.raises(AssertionError) as info:
        verifier.assert_correct(
            squashed_sigmoid, target="sigmoid", profile="quick", seed=1, only=["correctness.benign"]
        )
    text = str(info.value)
    assert text.startswith("squashed_sigmoid is not a correct sigmoid (1 of 1 checks failed)")
    assert "FAIL  correctness.benign" in text and "(ACTUAL)" in text and "seed 1" in text


def test_the_helper_frame_is_hidden_from_pytest_tracebacks():
    from verifier import assertions

    assert assertions.assert_correct.__code__.co_consts  # compiled
    assert "__tracebackhide__" in assertions.assert_correct.__code__.co_varnames


def test_usage_errors_are_not_assertion_errors():
    with pytest.raises(verifier.UsageError):
        verifier.assert_correct(stable_sigmoid, target="sigmoidd")
