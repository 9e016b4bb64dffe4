"""The fixed cases diagnosis looks at, with their exact outputs, computed once per configuration.

The designed probes, the two further sizes and the tail ladder (verifier/diagnosis/cases.py) do not
depend on the candidate, so their cases (as the run's candidate sees them), exact outputs and
envelopes are computed once per run configuration and kept.  ``prepare(cfg)`` computes them, and
the mistake models' exact outputs on the designed probes, before grading processes fork: every
submission of a class then shares them instead of computing them again.  A case whose exact
outputs the oracle cannot give is kept without them, and is computed (and fails) where it is used,
as it would be without this store.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from verifier.diagnosis import cases as diagnose_cases
from verifier.diagnosis import models as diagnose_models
from verifier.diagnosis.models import as_float
from verifier.spec.case import Case


@dataclass(frozen=True)
class Fixed:
    """One fixed case as the run's candidate sees it: its label (a probe's description), its logit
    ``z`` (a ladder rung; NaN for a probe), the oracle's ``exact`` outputs and their float64 values
    (``expected``), and its ``envelope`` under the run's standard; ``exact`` is None, and the others
    empty, where the oracle or the envelope could not be computed."""

    label: str
    z: float
    case: Case
    exact: dict[str, Any] | None
    expected: dict[str, np.ndarray]
    envelope: dict[str, np.ndarray] | None


_KNOWN: dict[tuple, tuple[Fixed, ...]] = {}
_KEEP = 128  # configurations kept (a grading process has one per task and kind; the oldest go first)


def _key(cfg, kind: str) -> tuple | None:
    """What the fixed cases of ``kind`` depend on, or None for a configuration that cannot say."""
    target = getattr(cfg, "target", None)
    fmt = getattr(cfg, "fmt", None)
    if target is None or fmt is None:
        return None
    form = getattr(cfg, "form", None)
    return (
        kind,
        target._exact,  # the functions themselves: kept alive by the key, never mistaken for others
        target._envelope,
        target.kind,
        target.inputs,
        target.components,
        fmt.name,
        str(getattr(cfg, "standard", "")),
        repr(float(getattr(cfg, "lam", 0.0))),
        repr(form.plain()) if form is not None else "",
        bool(getattr(cfg, "bias", True)),
    )


def _build(cfg, label: str, z: float, case: Case) -> Fixed:
    case = diagnose_cases.adapt(cfg, case)
    try:
        exact = cfg.target.exact(case)
        expected = as_float(exact)
    except (ArithmeticError, ValueError):
        return Fixed(label, z, case, None, {}, None)
    try:
        envelope = cfg.target.envelope(case, exact, cfg.fmt, cfg.standard) if hasattr(cfg, "standard") else None
    except (ArithmeticError, ValueError):
        envelope = None
    return Fixed(label, z, case, exact, expected, envelope)


def _kept(cfg, kind: str, make: Callable[[], list[Fixed]]) -> tuple[Fixed, ...]:
    key = _key(cfg, kind)
    known = _KNOWN.get(key) if key is not None else None
    if known is None:
        known = tuple(make())
        if key is not None:
            if len(_KNOWN) >= _KEEP:
                _KNOWN.pop(next(iter(_KNOWN)))
            _KNOWN[key] = known
    return known


def designed(cfg) -> tuple[Fixed, ...]:
    """The designed probes (verifier/diagnosis/cases.py ``designed``)."""
    return _kept(
        cfg,
        "designed",
        lambda: [_build(cfg, label, math.nan, c) for label, c in diagnose_cases.designed(cfg.target, cfg.fmt, cfg.lam)],
    )


def more_sizes(cfg) -> tuple[Fixed, ...]:
    """The two further benign sizes (verifier/diagnosis/cases.py ``more_sizes``)."""
    return _kept(
        cfg,
        "more_sizes",
        lambda: [
            _build(cfg, label, math.nan, c) for label, c in diagnose_cases.more_sizes(cfg.target, cfg.fmt, cfg.lam)
        ],
    )


def ladder(cfg) -> tuple[Fixed, ...]:
    """The tail ladder's rungs (verifier/diagnosis/cases.py ``ladder``), labelled by their logit."""
    return _kept(
        cfg,
        "ladder",
        lambda: [_build(cfg, f"z = {z!r}", z, c) for z, c in diagnose_cases.ladder(cfg.target, cfg.fmt, cfg.lam)],
    )


def prepare(cfg) -> None:
    """Compute the fixed cases of ``cfg`` now, and every mistake model's exact outputs on the designed
    probes (remembered by verifier/diagnosis/models.py): processes forked later share them."""
    if cfg.target.multiclass:  # the softmax family's diagnosis looks at cases of its own
        return
    try:
        probes = designed(cfg)
        more_sizes(cfg)
        ladder(cfg)
        for model in diagnose_models.models_for(cfg.target):
            for fixed in probes:
                try:
                    model.predict(cfg.target, fixed.case)
                except (ArithmeticError, ValueError):  # a model that cannot say here (as matching reads it)
                    continue
    except Exception:
        pass


__all__ = ["Fixed", "designed", "ladder", "more_sizes", "prepare"]
