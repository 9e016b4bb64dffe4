"""The corpus verdicts: correct implementations pass, wrong ones fail, fragile ones fail only in the tails.

tests/corpus/manifest.toml declares each file's kind.  In a file marked wrong or fragile, the
functions listed under ``broken`` carry the mistake and the others are correct.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

import verifier

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text())["entry"]
POINTWISE = {"sigmoid", "sigmoid-derivative", "loss", "loss-from-logit", "loss-derivative"}
# The whole corpus under `thorough` takes tens of minutes on two cores: CI runs the same
# assertion under `quick` (`default` elsewhere), and `pytest -m slow` runs the thorough version.
CORRECT_PROFILE = os.environ.get("CORPUS_PROFILE", "quick" if os.environ.get("CI") else "default")


def _cases(kinds: set[str]):
    out = []
    for entry in MANIFEST:
        if entry["kind"] == "broken-syntax":
            continue
        for function, target in zip(entry["functions"], entry["targets"]):
            broken = function in entry.get("broken", [])
            kind = entry["kind"] if broken else "correct"
            if kind in kinds:
                out.append(pytest.param(entry, function, target, id=f"{entry['file']}::{function}"))
    return out


def _check(entry, function, target, **kw):
    lam = 0.0 if target in POINTWISE else entry.get("lam", 0.0)
    return verifier.check(
        str(CORPUS / entry["file"]) + "::" + function,
        target=target,
        convention=entry["convention"],
        lam=lam,
        seed=kw.pop("seed", 20261123),
        **kw,
    )


def _why(result) -> str:
    return "\n".join(f"{c.id}: {c.message}" for c in result.failed())


@pytest.mark.parametrize("entry, function, target", _cases({"correct"}))
def test_correct_implementation_passes(entry, function, target):
    result = _check(entry, function, target, profile=CORRECT_PROFILE)
    assert result.passed, _why(result)
    assert result.diagnoses == ()


@pytest.mark.slow
@pytest.mark.parametrize("entry, function, target", _cases({"correct"}))
def test_correct_implementation_passes_thorough(entry, function, target):
    result = _check(entry, function, target, profile="thorough")
    assert result.passed, _why(result)


@pytest.mark.parametrize("entry, function, target", _cases({"wrong"}))
def test_wrong_implementation_fails(entry, function, target):
    result = _check(entry, function, target, profile="default", fail_fast=True)
    assert not result.passed


@pytest.mark.parametrize("entry, function, target", _cases({"fragile"}))
def test_fragile_implementation_fails_only_in_the_tails(entry, function, target):
    result = _check(entry, function, target, profile="default")
    assert result.tier_passed("correctness"), _why(result)
    assert not result.tier_passed("stability")


@pytest.mark.parametrize(
    "file, function, target, check_id",
    [
        # sigmoid(z) - y: the residual is 0 at z = 37.43, y = 1 where the truth is -5.55e-17
        ("correct_stable_branch.py", "compute_gradient_logistic", "gradient", "stability.saturated"),
        # logaddexp(0, z) - y z loses digits for y = 1 (about 127 ulps at z = 5)
        ("correct_loss_from_logit_softplus.py", "loss_from_logit", "loss-from-logit", "stability.cancellation"),
        # 1 / (1 + exp(-z)) is 0 (not subnormal) once exp(-z) overflows
        ("correct_naive_sigmoid.py", "sigmoid", "sigmoid", "stability.underflow"),
    ],
)
def test_sound_code_passes_robust_but_not_strict(file, function, target, check_id):
    path = f"{CORPUS / file}::{function}"
    robust = verifier.check(path, target=target, profile="quick", seed=5, only=[check_id])
    strict = verifier.check(path, target=target, profile="default", seed=5, only=[check_id], standard="strict")
    assert robust.passed, _why(robust)
    assert not strict.passed


def test_syntax_error_in_a_notebook_fails_with_the_cell_named():
    result = verifier.check(str(CORPUS / "notebook_syntax_error.ipynb"), target="sigmoid", profile="quick", seed=1)
    assert not result.passed
    (only,) = result.checks
    assert only.id == "contract.loads"
    assert "SyntaxError" in only.message and "cell 5" in only.message
    assert "np.where(z >= 0" in only.message  # the offending line of code, not the notebook's JSON
