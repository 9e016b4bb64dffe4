"""The label-smoothing corpus through the public check path: correct functions pass with no
diagnosis, wrong and fragile ones fail, and their first diagnosis is the catalog id ``DIAGNOSIS_OF``
gives for the manifest's mistake.

tests/corpus_smoothing was written from the definition alone (q = (1 - eps) one_hot(y) + eps / K)
and its labels were checked against an independent mpmath evaluation; every file defines
``smoothed_cross_entropy(z, y, eps)``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

import verifier

CORPUS = Path(__file__).resolve().parent.parent / "corpus_smoothing"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text())["entry"]
PROFILE = "quick" if os.environ.get("CI") else "default"
# the manifest's mistake names -> the catalog id the first diagnosis should carry
DIAGNOSIS_OF = {
    "smoothing-over-other-classes": "label-smoothing-misapplied",
    "smoothing-ignored": "label-smoothing-misapplied",
    "mean-over-classes": "label-smoothing-misapplied",
    "uniform-term-missing": "label-smoothing-misapplied",
    "no-max-shift": "overflow",
    "log-of-softmax": "log-of-zero",
    "eps-guard": "clipping",
}


def _entries():
    return [pytest.param(e, id=f"{e['kind']}:{e['file']}") for e in MANIFEST]


def test_the_corpus_has_every_kind_and_each_mistake_a_catalog_id():
    from verifier.diagnosis.catalog import MISTAKES

    assert {e["kind"] for e in MANIFEST} == {"correct", "wrong", "fragile"}
    assert {e["mistake"] for e in MANIFEST if e["mistake"]} == set(DIAGNOSIS_OF)
    assert set(DIAGNOSIS_OF.values()) <= set(MISTAKES)


@pytest.mark.parametrize("entry", _entries())
def test_verdicts_and_first_diagnoses(entry):
    result = verifier.check(
        f"{CORPUS / entry['file']}::{entry['function']}", target="softmax-loss-smoothed", profile=PROFILE, seed=20261130
    )
    if entry["kind"] == "correct":
        assert result.passed, "\n".join(f"{c.id}: {c.message}" for c in result.failed())
        assert result.diagnoses == ()
    else:
        assert not result.passed
        assert result.diagnoses, "a failing result carries a diagnosis"
        first = result.diagnoses[0]
        assert first.id == DIAGNOSIS_OF[entry["mistake"]], [(d.id, d.message) for d in result.diagnoses]
        assert first.checks and set(first.checks) <= {c.id for c in result.failed()}
