"""The fixed cases diagnosis looks at (verifier/diagnosis/fixed.py): computed once per configuration,
and the same cases, exact outputs and envelopes as computing them where they are used."""

from __future__ import annotations

import math

import numpy as np
import pytest

from verifier.diagnosis import cases as diagnose_cases
from verifier.diagnosis import fixed
from verifier.diagnosis import models as diagnose_models
from verifier.diagnosis.models import as_float
from verifier.engine.config import RunConfig
from verifier.spec.formats import get_format
from verifier.spec.forms import ProblemForm
from verifier.spec.profiles import get_profile
from verifier.spec.targets import get_target


def _cfg(target: str, lam: float = 0.0, standard: str = "robust", fmt: str = "float64", **kw) -> RunConfig:
    return RunConfig(get_target(target), get_format(fmt), standard, get_profile("quick"), 7, lam, **kw)


def _same_case(a, b) -> bool:
    pa, pb = a.plain(), b.plain()
    return pa.keys() == pb.keys() and all(repr(pa[k]) == repr(pb[k]) for k in pa)


def _expect_fresh(cfg, made, kept) -> None:
    assert len(made) == len(kept)
    for (label, case), f in zip(made, kept):
        case = cfg.adapt(case)
        assert f.label == label if isinstance(label, str) else f.z == label
        assert _same_case(f.case, case)
        exact = cfg.target.exact(case)
        expected = as_float(exact)
        env = cfg.target.envelope(case, exact, cfg.fmt, cfg.standard)
        assert f.expected.keys() == expected.keys()
        for comp in expected:
            np.testing.assert_array_equal(f.expected[comp], expected[comp])
            np.testing.assert_array_equal(np.asarray(f.envelope[comp]), np.asarray(env[comp]))


@pytest.mark.parametrize(
    "target, lam, standard, fmt",
    [
        ("sigmoid", 0.0, "robust", "float64"),
        ("cost", 0.0, "strict", "float64"),
        ("gradient", 0.7, "robust", "float32"),
        ("loss", 0.0, "robust", "float64"),
    ],
)
def test_fixed_cases_are_those_computed_where_they_are_used(target, lam, standard, fmt):
    cfg = _cfg(target, lam, standard, fmt)
    _expect_fresh(cfg, diagnose_cases.designed(cfg.target, cfg.fmt, lam), fixed.designed(cfg))
    _expect_fresh(cfg, diagnose_cases.more_sizes(cfg.target, cfg.fmt, lam), fixed.more_sizes(cfg))
    _expect_fresh(cfg, diagnose_cases.ladder(cfg.target, cfg.fmt, lam), fixed.ladder(cfg))
    assert all(math.isnan(f.z) for f in fixed.designed(cfg))


def test_they_are_computed_once_per_configuration_and_kept_apart_from_others():
    cfg = _cfg("gradient", 0.7)
    first = fixed.ladder(cfg)
    assert fixed.ladder(_cfg("gradient", 0.7)) is first  # an equal configuration: the same objects
    for other in (_cfg("gradient", 0.5), _cfg("gradient", 0.7, "strict"), _cfg("gradient", 0.7, fmt="float32")):
        assert fixed.ladder(other) is not first
    plain = _cfg("cost")
    no_bias = _cfg("cost", bias=False)
    assert fixed.designed(no_bias) is not fixed.designed(plain)
    for with_b, without_b in zip(fixed.designed(plain), fixed.designed(no_bias)):
        assert without_b.case.b == 0 and without_b.case.n == with_b.case.n + 1  # b moved into X
        np.testing.assert_array_equal(with_b.expected["cost"], without_b.expected["cost"])
    scaled = _cfg("cost", 0.7, form=ProblemForm(reduction="sum"))
    assert all(f.case.form == scaled.form for f in fixed.designed(scaled))


def test_prepare_computes_the_models_exact_outputs_and_skips_the_softmax_family(monkeypatch):
    cfg = _cfg("cost", 0.3)
    monkeypatch.setattr(diagnose_models, "_EXACT_CACHE", {})
    fixed.prepare(cfg)
    assert diagnose_models._EXACT_CACHE, "the models' exact outputs on the designed probes are remembered"
    calls = []
    monkeypatch.setattr(fixed, "designed", lambda c: calls.append(c) or ())
    fixed.prepare(_cfg("softmax-loss"))
    assert calls == []


def test_prepare_never_raises(monkeypatch):
    def broken(cfg):
        raise RuntimeError("unforeseen")

    monkeypatch.setattr(fixed, "ladder", broken)
    fixed.prepare(_cfg("cost", 0.9))  # diagnosis computes (and reports) it where it is used


def test_only_so_many_configurations_are_kept(monkeypatch):
    monkeypatch.setattr(fixed, "_KNOWN", {})
    monkeypatch.setattr(fixed, "_KEEP", 2)
    first = fixed.designed(_cfg("cost", 0.1))
    fixed.designed(_cfg("cost", 0.2))
    fixed.designed(_cfg("cost", 0.3))
    assert len(fixed._KNOWN) == 2
    assert fixed.designed(_cfg("cost", 0.1)) is not first  # the oldest went, and is computed again
