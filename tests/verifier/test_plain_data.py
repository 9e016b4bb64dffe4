"""``to_plain``: numbers, arrays and nested containers become JSON-ready plain data, exactly."""

from __future__ import annotations

import json
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from verifier.spec.results import CheckResult, Result, Sample, from_plain_float, to_plain

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.floats(width=32).map(np.float32),
    st.integers(-5, 5).map(np.int64),
    st.booleans().map(np.bool_),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=3), inner, max_size=4),
    ),
    max_leaves=20,
)


def _expected(value):
    """What plain data means, spelled out independently of the implementation."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        x = float(value)
        return "nan" if math.isnan(x) else ("inf" if x == math.inf else ("-inf" if x == -math.inf else x))
    if isinstance(value, dict):
        return {str(k): _expected(v) for k, v in value.items()}
    return [_expected(v) for v in value]


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


@given(trees)
def test_to_plain_keeps_every_value_exactly_and_is_json(value):
    plain = to_plain(value)
    assert _same(plain, _expected(value))
    json.dumps(plain, allow_nan=False)  # nothing JSON cannot say


@given(
    st.lists(
        st.tuples(st.floats(), st.floats(allow_nan=False), st.booleans(), st.floats()).map(lambda t: Sample(*t)),
        max_size=20,
    )
)
def test_samples_survive_a_round_trip_through_json(samples):
    check = CheckResult(
        id="correctness.benign", tier="correctness", title="t", passed=True, message="", samples=tuple(samples)
    )
    result = Result("cost", "mls", "float64", "robust", "quick", 1, "c.py", "f", 0.0, (check,))
    back = Result.from_json(json.loads(json.dumps(result.to_json(), allow_nan=False)))
    for s, r in zip(samples, back.checks[0].samples, strict=True):
        for a, b in ((s.z, r.z), (s.bits, r.bits), (s.ratio, r.ratio)):
            assert (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
        assert s.passed == r.passed
    assert from_plain_float("-inf") == -math.inf
