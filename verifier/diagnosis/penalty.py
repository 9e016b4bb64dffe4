"""The penalty term apart from the data term: the candidate at lambda = 0 against the run's lambda.

When the candidate is right at lambda = 0, its penalty part (the result at lambda minus at 0) is
compared with the right one, per component: missing (0), a constant multiple (the sign, a factor of
2, m, ...), or a multiple of the penalty with the bias included; anything else is ``partly-wrong``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from verifier.diagnosis.evidence import (
    PROBLEM_SCALE_FLOOR,
    Candidate,
    Seen,
    close,
    component_right,
    correctness_checks,
    example_text,
    join_words,
    sizes_of,
    tolerance,
)
from verifier.diagnosis.models import exact as exact_of
from verifier.diagnosis.scale import Ratio, Sample, ratio_of


def _penalty_parts(cfg, looks: list[Seen], data: list[Seen], comp: str, flip: bool = False):
    """Per probe: (candidate's penalty part, the right one) of a component; with ``flip`` the right one
    of the other intercept rule (the bias penalized when it should not be)."""
    out = []
    for s, d in zip(looks, data):
        a = np.asarray(s.obs.outputs[comp], dtype=np.float64) - np.asarray(d.obs.outputs[comp], dtype=np.float64)  # type: ignore[index]
        if flip:
            form = dataclasses.replace(s.case.form, penalize_intercept=not s.case.form.penalize_intercept)
            full = exact_of(cfg.target, s.case.replace(form=form))
            zero = exact_of(cfg.target, s.case.replace(form=form, lam=0.0))
            e = np.asarray(full[comp]) - np.asarray(zero[comp])
        else:
            e = np.asarray(s.exact[comp], dtype=np.float64) - np.asarray(d.exact[comp], dtype=np.float64)
        out.append((s, a, e))
    return out


def penalty_right(cfg, looks: list[Seen], data: list[Seen]) -> bool:
    for comp in cfg.target.components:
        for s, a, e in _penalty_parts(cfg, looks, data, comp):
            scale = (
                float(np.max(np.abs(np.asarray(s.exact[comp], dtype=np.float64)), initial=0.0)) + PROBLEM_SCALE_FLOOR
            )
            if not close(a, e, scale, tolerance(cfg)).all():
                return False
    return True


def _penalty_relation(cfg, looks, data, comp) -> tuple[str, Ratio | None] | None:
    """How the candidate's penalty part of ``comp`` relates to the right one: ("right", None),
    ("missing", None), ("ratio", Ratio), ("bias", Ratio) or None (no simple relation)."""
    parts = _penalty_parts(cfg, looks, data, comp)
    scale = [
        float(np.max(np.abs(np.asarray(s.exact[comp], dtype=np.float64)), initial=0.0)) + PROBLEM_SCALE_FLOOR
        for s, _, _ in parts
    ]
    tol = tolerance(cfg)
    if all(close(a, e, sc, tol).all() for (_, a, e), sc in zip(parts, scale)):
        return "right", None
    if all(close(a, np.zeros_like(a), sc, tol).all() for (_, a, _), sc in zip(parts, scale)):
        return "missing", None
    r = ratio_of([Sample(*sizes_of(s), a, e) for s, a, e in parts])
    if r is not None:
        return "ratio", r
    flipped = _penalty_parts(cfg, looks, data, comp, flip=True)
    r = ratio_of([Sample(*sizes_of(s), a, e) for s, a, e in flipped])
    if r is not None:
        return "bias", r
    return None


def penalty_findings(cfg, looks: list[Seen], data: list[Seen], failing: dict) -> list[Candidate] | None:
    """When the data term is right (the candidate at lambda = 0 is): what is wrong with the penalty.
    None when the data term is wrong too (the other mechanisms look at it at lambda = 0)."""
    if not all(component_right(cfg, d, comp) for d in data for comp in cfg.target.components):
        return None
    groups: dict[tuple[str, str], list[str]] = {}
    for comp in cfg.target.components:
        rel = _penalty_relation(cfg, looks, data, comp)
        if rel is None:
            groups.setdefault(("partly-wrong", "the penalty term is not a multiple of the right one"), []).append(comp)
            continue
        kind, r = rel
        if kind == "right":
            continue
        groups.setdefault(_penalty_words(kind, r), []).append(comp)
    out = []
    checks = correctness_checks(failing)
    for (mid, words), comps in groups.items():
        s = next(s for s in looks if not component_right(cfg, s, comps[0]))
        right = [c for c in cfg.target.components if c not in comps and all(component_right(cfg, t, c) for t in looks)]
        message = (
            f"The data term is right (the function agrees with the exact result at lambda = 0 on all {len(data)} "
            f"test cases), but in {join_words(comps)} {words}: {example_text(s, comps[0])} at lambda = {cfg.lam:g}."
        )
        if right:
            message += f" {join_words(right)} {'is' if len(right) == 1 else 'are'} right."
        out.append(Candidate(mid, 0.9, message, {"components": comps, "lambda": cfg.lam}, checks))
    return out


def _penalty_words(kind: str, r: Ratio | None) -> tuple[str, str]:
    if kind == "missing":
        return "regularization-missing", "the penalty term is missing (lambda is never used)"
    assert r is not None
    factor = "" if r.text() == "1" else f" {r.text()} times"
    if kind == "bias":
        return (
            "bias-regularized",
            f"the penalty includes the bias b (it is{factor or ''} the penalty of all parameters)",
        )
    if r.text() == "-1":
        return "regularization-sign", "the penalty term has the wrong sign (it is subtracted instead of added)"
    return "regularization-scale", f"the penalty term is {r.text()} times the right one"
