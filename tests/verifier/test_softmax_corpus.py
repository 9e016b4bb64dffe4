"""The softmax corpus verdicts through the public check path: correct functions pass with no
diagnosis, wrong and fragile ones fail, and their first diagnosis is the catalog id that
``DIAGNOSIS_OF`` (benchmarks/softmax_corpus.py) gives for the manifest's mistake.

tests/corpus_softmax/manifest.toml labels each judged function and gives its target, signature and
penalty (read by ``forms.penalty_named``); ``my_softmax`` takes one example's logits and is judged
with the ``my_softmax`` convention (one call per row).  The whole corpus under ``thorough`` runs with
``pytest -m slow`` (and ``benchmarks/softmax_corpus.py`` prints its counts); the default run judges a
representative subset: each target, each signature style, per-row calls, cs231n's penalty, and
mistakes found on moderate inputs, in the shapes, at 1e12 and in the tails.
"""

from __future__ import annotations

import importlib.util
import os
import tomllib
from pathlib import Path

import pytest

import verifier
from verifier.spec.forms import penalty_named

CORPUS = Path(__file__).resolve().parent.parent / "corpus_softmax"
BENCHMARK = Path(__file__).resolve().parent.parent.parent / "benchmarks" / "softmax_corpus.py"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text())["entry"]
LAMBDA = 0.7
PER_ROW = {"my_softmax": "my_softmax"}  # function -> the named signature that calls it once per row
PROFILE = "quick" if os.environ.get("CI") else "default"
SUBSET = {
    "correct_scipy_special.py::softmax",
    "correct_logaddexp_reduce.py::cross_entropy",
    "correct_my_softmax_loops_math.py::my_softmax",
    "correct_vectorized_cs231n.py::softmax_loss_vectorized",
    "correct_einsum_cost_gradient.py::softmax_gradient",
    "wrong_lam_over_m_cost.py::softmax_cost",
    "correct_d2l_probs.py::cross_entropy_from_probs",
    "wrong_half_reg_vectorized.py::softmax_loss_vectorized",
    "wrong_transposed_dW.py::softmax_gradient",
    "wrong_axis0_log_softmax.py::log_softmax",
    "fragile_float32_max_shift.py::logsumexp",
    "fragile_tiny_eps_ce.py::cross_entropy",
    "fragile_cost_gradient_no_shift.py::softmax_gradient",
}


def _benchmark():
    spec = importlib.util.spec_from_file_location("softmax_corpus_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DIAGNOSIS_OF: dict[str, str] = _benchmark().DIAGNOSIS_OF


def _functions(subset: bool = False):
    out = []
    for entry in MANIFEST:
        for function, target, signature in zip(entry["functions"], entry["targets"], entry["signature"]):
            name = f"{entry['file']}::{function}"
            if subset and name not in SUBSET:
                continue
            kind = entry["kind"] if function in entry["broken"] else "correct"
            out.append(pytest.param(entry, function, target, signature, kind, id=f"{kind}:{name}"))
    return out


def _check(entry, function, target, signature, profile):
    options: dict = {"convention": PER_ROW[function]} if function in PER_ROW else {"signature": signature}
    if entry["penalty"] and any(name in signature for name in ("lam", "reg")):
        options.update(penalty=penalty_named(entry["penalty"]), lam=LAMBDA)
    return verifier.check(
        str(CORPUS / entry["file"]) + "::" + function, target=target, profile=profile, seed=20261130, **options
    )


def _why(result) -> str:
    return "\n".join(f"{c.id}: {c.message}" for c in result.failed())


def _assert_verdict(result, kind: str, mistake: str) -> None:
    if kind == "correct":
        assert result.passed, _why(result)
        assert result.diagnoses == ()
    else:
        assert not result.passed
        assert result.diagnoses, "a failing result carries a diagnosis"
        first = result.diagnoses[0]
        assert first.id == DIAGNOSIS_OF[mistake], [(d.id, d.message) for d in result.diagnoses]
        assert first.checks and set(first.checks) <= {c.id for c in result.failed()}
        assert first.confidence > 0 and first.message and first.hint


def test_every_manifest_mistake_maps_to_a_catalog_id():
    from verifier.diagnosis.catalog import MISTAKES

    named = {e["mistake"] for e in MANIFEST if e["mistake"]}
    assert named == set(DIAGNOSIS_OF)
    assert set(DIAGNOSIS_OF.values()) <= set(MISTAKES)


def test_the_subset_covers_every_target_and_kind():
    params = _functions(subset=True)
    assert len(params) == len(SUBSET)
    assert {p.values[2] for p in params} == {t for e in MANIFEST for t in e["targets"]}
    assert {p.values[4] for p in params} == {"correct", "wrong", "fragile"}


@pytest.mark.parametrize("entry, function, target, signature, kind", _functions(subset=True))
def test_subset_verdicts(entry, function, target, signature, kind):
    _assert_verdict(_check(entry, function, target, signature, PROFILE), kind, entry["mistake"])


@pytest.mark.slow
@pytest.mark.parametrize("entry, function, target, signature, kind", _functions())
def test_every_corpus_function_under_thorough(entry, function, target, signature, kind):
    _assert_verdict(_check(entry, function, target, signature, "thorough"), kind, entry["mistake"])
