"""The Case type: frozen inputs, exact logits cached on the case itself, a lossless plain form."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference
from verifier.engine import strategies
from verifier.spec.case import Case
from verifier.spec.formats import FLOAT32, FLOAT64
from verifier.spec.targets import TARGETS


@given(
    data=st.data(),
    name=st.sampled_from(list(TARGETS)),
    region=st.sampled_from(strategies.REGIONS),
    fmt=st.sampled_from([FLOAT64, FLOAT32]),
)
def test_plain_form_reads_back_to_the_same_inputs(data, name, region, fmt):
    target = TARGETS[name]
    case = data.draw(strategies.cases(target, region, fmt, lam=data.draw(st.sampled_from([0.0, 0.75]))))
    back = Case.from_plain(case.plain(), fmt.dtype)
    assert back.plain() == case.plain()
    for k in target.inputs:
        np.testing.assert_array_equal(np.asarray(back[k]), np.asarray(case[k]))
        assert np.asarray(back[k]).dtype == np.asarray(case[k]).dtype or k == "y"
    assert back.y_encoding == case.y_encoding


@given(data=st.data())
def test_exact_logits_are_computed_from_the_case_and_dropped_by_replace(data):
    case = data.draw(strategies.problem_cases("benign", FLOAT64))
    first = case.exact_logits
    assert case.exact_logits is first  # cached on the case
    expected = reference.logits(case.X, case.w, case.b)
    assert [float(a) for a in first] == [float(b) for b in expected]
    moved = case.replace(b=case.b + 1.0)
    assert [float(v) for v in moved.exact_logits] == [float(v) for v in reference.logits(case.X, case.w, case.b + 1.0)]
    assert case.exact_logits is first  # the original is unchanged


def test_a_case_is_frozen_and_names_only_its_inputs():
    case = Case(z=np.array([1.0, -2.0]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.z = np.zeros(2)  # type: ignore[misc]
    assert "z" in case and "X" not in case and "y_encoding" not in case
    with pytest.raises(KeyError):
        case["X"]
    with pytest.raises(ValueError, match="y_encoding"):
        Case(y=np.ones(1), y_encoding="text")


def test_plain_form_keeps_non_finite_values_and_the_label_encoding():
    case = Case(z=np.array([np.inf, -np.inf, 1.5]), y=np.array([1.0, 0.0, 1.0]), y_encoding="int")
    plain = case.plain()
    assert plain["y_encoding"] == "int" and "lam" not in plain
    back = Case.from_plain({**plain, "z": ["inf", "-inf", 1.5]})
    np.testing.assert_array_equal(back.z, case.z)
    assert back.y_encoding == "int"
