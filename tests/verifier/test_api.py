"""verifier.check from Python: reproducibility, in-process callables, formats and argument errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

import verifier
from verifier.errors import UsageError


def stable_sigmoid(z):
    return expit(z)


def float32_sigmoid(z):
    z = np.asarray(z)
    return expit(z.astype(np.float32)).astype(z.dtype)


def _strip(result):
    data = result.to_json()
    data.pop("elapsed")
    data.pop("diagnosis_elapsed")
    return data


def test_the_same_seed_gives_the_same_result(tmp_path):
    src = tmp_path / "sub.py"
    src.write_text("import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z) * 1.0000001))\n")
    a = verifier.check(str(src), target="sigmoid", profile="quick", seed=11)
    b = verifier.check(str(src), target="sigmoid", profile="quick", seed=11)
    assert not a.passed
    assert _strip(a) == _strip(b)


def test_an_in_process_callable_is_judged():
    result = verifier.check(stable_sigmoid, target="sigmoid", profile="quick", seed=1)
    assert result.passed, [c.message for c in result.failed()]
    assert result.function == "stable_sigmoid"


def test_float32_code_passes_in_float32_and_fails_in_float64():
    in32 = verifier.check(float32_sigmoid, target="sigmoid", precision="float32", profile="quick", seed=2)
    in64 = verifier.check(
        float32_sigmoid, target="sigmoid", precision="float64", profile="quick", seed=2, only=["correctness.benign"]
    )
    assert in32.passed, [c.message for c in in32.failed()]
    assert not in64.passed


def test_only_runs_the_named_checks():
    result = verifier.check(
        stable_sigmoid, target="sigmoid", profile="quick", seed=1, only=["correctness.benign", "contract.pure"]
    )
    assert [c.id for c in result.checks] == ["correctness.benign", "contract.pure"]


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"target": "nope"}, "not a known target"),
        ({"convention": "nope"}, "not known"),
        ({"precision": "float16"}, "not supported"),
        ({"standard": "loose"}, "not supported"),
        ({"profile": "slow"}, "not known"),
        ({"lam": "x"}, "not a number"),
        ({"seed": -1}, "non-negative"),
        ({"only": ["correctness.nope"]}, "unknown check"),
    ],
)
def test_bad_arguments_raise_usage_error(kwargs, needle):
    kwargs.setdefault("target", "sigmoid")
    with pytest.raises(UsageError, match=needle):
        verifier.check(stable_sigmoid, **kwargs)


def test_a_mutating_function_fails_contract_pure(tmp_path):
    src = tmp_path / "sub.py"
    src.write_text(
        "import numpy as np\n"
        "def compute_gradient_logistic(X, y, w, b):\n"
        "    m = X.shape[0]\n"
        "    r = 1 / (1 + np.exp(-(X @ w + b))) - y\n"
        "    X *= 1.0\n"
        "    y -= 0\n"
        "    w += 0.0\n"
        "    return r.mean(), X.T @ r / m\n"
    )
    # += 0 does not change values: judged by contents, these calls are pure
    assert verifier.check(str(src), target="gradient", profile="quick", seed=1, only=["contract.pure"]).passed
    src.write_text(src.read_text().replace("w += 0.0", "w += 1.0"))
    result = verifier.check(str(src), target="gradient", profile="quick", seed=1, only=["contract.pure"])
    assert not result.passed and "w" in result.checks[0].message
