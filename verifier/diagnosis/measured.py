"""General mechanisms for a candidate that is wrong on benign inputs and matches no mistake model:
measure how the error behaves, then say what was found and on which evidence.

``measure`` tries, in order, and returns the first that finds something:

1. a constant output (a stub: 0.5, zeros, an input returned unchanged);
2. with lambda > 0, the penalty term apart from the data term (the candidate at lambda = 0): a
   penalty with the wrong sign, factor or the bias included, or a right penalty beside a wrong data
   term (whose mistake the next steps look for at lambda = 0);
3. scale and sign: candidate / exact constant per component on five probes of different m and n,
   named in the problem's counts (verifier/diagnosis/scale.py);
4. what the output depends on: b, each row, the rows of one class, the labels' order, the rows' order
   (verifier/diagnosis/dependence.py);
5. the nonlinearity read back from the candidate and fitted (verifier/diagnosis/nonlinearity.py);
6. a guard constant in the log (log(f + eps), a clip of f at eps) solved for eps;
7. which parts are right and which are wrong ("partly wrong").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from verifier.diagnosis import dependence, fixed, nonlinearity
from verifier.diagnosis.clipping import guard_findings
from verifier.diagnosis.evidence import (
    PROBLEM_SCALE_FLOOR,
    Candidate,
    Seen,
    close,
    compare_model,
    component_right,
    correctness_checks,
    example_text,
    join_words,
    look,
    seen_fixed,
    show_number,
    sizes_of,
    tolerance,
)
from verifier.diagnosis.models import exact as exact_of
from verifier.diagnosis.penalty import penalty_findings, penalty_right
from verifier.diagnosis.scale import Ratio, Sample, name_ratio, ratio_of
from verifier.spec.case import Case

GRADIENT_COMPONENTS = ("dj_dw", "dj_db")
Predict = Callable[[Case], dict[str, np.ndarray] | None]


def measure(failing: dict, seen: list[Seen], probe, cfg) -> list[Candidate]:
    """Candidates from the general mechanisms (empty when none finds anything)."""
    designed_seen = [s for s in seen if not s.check]
    looks = designed_seen + seen_fixed(probe, cfg, fixed.more_sizes(cfg))
    if any(s.obs.outputs is None for s in looks):
        return []  # a call that fails on a benign probe is a contract matter (raises, wrong-shape)
    counterexamples = [s for s in seen if s.check and s.obs.outputs is not None]
    stub = constant_output(cfg, looks, failing)
    if stub is not None:
        return [stub]
    note, data_cfg = "", cfg
    if cfg.lam and cfg.target.regularizable and not cfg.target.pointwise:
        data = [look(probe, cfg, s.label, s.case.replace(lam=0.0)) for s in looks]
        if all(d.obs.outputs is not None for d in data):
            pen = penalty_findings(cfg, looks, data, failing)
            if pen is not None:
                return pen
            if penalty_right(cfg, looks, data):
                note = " (in the data term; the penalty term is right)"
            looks, data_cfg = data, dataclasses.replace(cfg, lam=0.0)
            counterexamples = []
    for mechanism in (
        lambda: scale_findings(data_cfg, looks, failing, counterexamples, note),
        lambda: _with_second_mistake(
            data_cfg, dependence.findings(data_cfg, probe, looks, failing, note), looks, failing
        ),
        lambda: nonlinearity.findings(data_cfg, probe, looks, failing, note),
        lambda: guard_findings(data_cfg, looks, failing, note),
        lambda: partly_wrong(data_cfg, looks, failing, note),
    ):
        found = mechanism()
        if found:
            return found
    return []


def _with_second_mistake(cfg, found: list[Candidate], looks: list[Seen], failing: dict) -> list[Candidate]:
    """b ignored and something else wrong too: the ratio of the candidate to the result without b
    names the second mistake (added to the message, and as a second diagnosis)."""
    if not found or found[0].id != "missing-bias":
        return found
    without_b = [Seen(s.label, s.case, s.obs, exact_of(cfg.target, s.case.replace(b=0.0))) for s in looks]
    if all(component_right(cfg, s, c) for s in without_b for c in cfg.target.components):
        return found  # b left out is the whole story
    second = scale_findings(cfg, without_b, failing, [], " against the result without b")
    if not second:
        return found
    first = found[0]
    first.message += f"  Besides: {second[0].message[0].lower() + second[0].message[1:]}"
    for c in second:
        c.confidence = min(c.confidence, first.confidence - 0.05)  # the second mistake, found after the first
    return [first, *second]


def claims(cfg, failing: dict, counterexamples: list[Seen], predict: Predict | None) -> set[str]:
    """The failing checks a mechanism explains: every failing correctness check, and each check whose
    counterexample the mechanism's prediction reproduces."""
    out = correctness_checks(failing)
    if predict is None:
        return out
    for s in counterexamples:
        try:
            pred = predict(s.case)
        except (ArithmeticError, ValueError):
            continue
        if pred is not None and compare_model(cfg, s, pred)[0]:
            out.add(s.check)
    return out


# --------------------------------------------------------------------------- 1. constant output
def constant_output(cfg, looks: list[Seen], failing: dict) -> Candidate | None:
    """Every probe returns the same value(s), or one of its inputs unchanged, while the truth moves."""
    comps = cfg.target.components
    for comp in comps:
        vals = np.concatenate([np.asarray((s.obs.outputs or {})[comp], dtype=np.float64).reshape(-1) for s in looks])
        truths = np.concatenate([np.asarray(s.exact[comp], dtype=np.float64).reshape(-1) for s in looks])
        if vals.size < 2 or np.ptp(truths) == 0:
            return None
        if not (np.all(vals == vals[0]) or _echo(looks, comp)):
            return None
    first = looks[0]
    parts = []
    for comp in comps:
        echo = _echo(looks, comp)
        value = np.asarray(first.obs.outputs[comp]).reshape(-1)  # type: ignore[index]
        parts.append(f"{comp} is its input {echo} unchanged" if echo else f"{comp} is {show_number(float(value[0]))}")
    message = (
        f"The function returns the same thing whatever the input: on all {len(looks)} test cases "
        f"{join_words(parts)}, while the right values differ ({example_text(first, comps[0])}).  An unfinished "
        "stub earns nothing."
    )
    return Candidate("constant-output", 0.95, message, {"cases": len(looks)}, correctness_checks(failing))


def _echo(looks: list[Seen], comp: str) -> str:
    """The input a component returns unchanged on every probe ("" when none)."""
    for name in ("w", "z", "f", "y", "X", "b"):
        same = True
        for s in looks:
            if name not in s.case:
                same = False
                break
            a = np.asarray(s.obs.outputs[comp], dtype=np.float64)  # type: ignore[index]
            v = np.asarray(s.case[name], dtype=np.float64)
            if a.size != v.size or not np.array_equal(a.reshape(-1), v.reshape(-1)):
                same = False
                break
        if same:
            return name
    return ""


# --------------------------------------------------------------------------- 3. scale and sign
def scale_findings(cfg, looks: list[Seen], failing: dict, counterexamples: list[Seen], note: str) -> list[Candidate]:
    """Every wrong component a constant multiple (in the problem's counts) of the right one."""
    comps = cfg.target.components
    wrong = [c for c in comps if not all(component_right(cfg, s, c) for s in looks)]
    if not wrong:
        return []
    found: dict[tuple[str, str], tuple[Ratio, list[str]]] = {}
    for comp in wrong:
        r = ratio_of([Sample(*sizes_of(s), s.obs.outputs[comp], s.exact[comp]) for s in looks])  # type: ignore[index]
        named = name_ratio(r, cfg.form.reduction, gradient=comp in GRADIENT_COMPONENTS) if r is not None else None
        if r is None or named is None:
            return []
        found.setdefault((named.id, named.meaning), (r, []))[1].append(comp)
    out = []
    for (mid, meaning), (r, cs) in found.items():
        s = next(s for s in looks if not component_right(cfg, s, cs[0]))
        right = [c for c in comps if c not in wrong]

        def predict(case: Case, r: Ratio = r, cs: list[str] = cs) -> dict[str, np.ndarray]:
            base = exact_of(cfg.target, case)
            k = r.constant * r.factor.value(*((case.m, case.n) if case.is_problem else (1, 1)))
            return {c: (v * k if c in cs else v) for c, v in base.items()}

        message = (
            f"{join_words(cs)} {'is' if len(cs) == 1 else 'are'} exactly {r.text()} times the right value on all "
            f"{r.probes} test cases{_ratio_detail(r, looks)}{note}: {meaning}{'' if meaning.endswith('?') else '.'} "
            f"For example, {example_text(s, cs[0])}."
        )
        if right:
            message += f" {join_words(right)} {'is' if len(right) == 1 else 'are'} right."
        evidence = {"ratio": r.text(), "constant": r.constant, "factor": r.factor.text, "cases": r.probes}
        out.append(Candidate(mid, 0.9, message, evidence, claims(cfg, failing, counterexamples, predict)))
    return out


def _ratio_detail(r: Ratio, looks: list[Seen]) -> str:
    if r.factor.text == "1":
        return f" (ratio {r.text()} on every probe)"
    sizes = sorted({sizes_of(s) for s in looks})
    return (
        " (ratio " + ", ".join(f"{r.constant * r.factor.value(m, n):.6g} for m = {m}, n = {n}" for m, n in sizes) + ")"
    )


# --------------------------------------------------------------------------- 7. partly wrong
def partly_wrong(cfg, looks: list[Seen], failing: dict, note: str) -> list[Candidate]:
    """Some components (or some feature columns of dj_dw) right and the others wrong, with no simple
    relation found for the wrong ones."""
    comps = cfg.target.components
    right = [c for c in comps if all(component_right(cfg, s, c) for s in looks)]
    wrong = [c for c in comps if c not in right]
    columns = _wrong_columns(cfg, looks) if "dj_dw" in wrong else ""
    if not wrong or (not right and not columns):
        return []
    s = next(s for s in looks if not component_right(cfg, s, wrong[0]))
    what = join_words([f"{c} ({columns} only)" if c == "dj_dw" and columns else c for c in wrong])
    verb = "is" if len(wrong) == 1 else "are"
    message = f"Part of the result is wrong{note}: {what} {verb} wrong ({example_text(s, wrong[0])})"
    if right:
        message += (
            f", while {join_words(right)} {'is' if len(right) == 1 else 'are'} right on all {len(looks)} test cases"
        )
    message += "."
    evidence = {"wrong": wrong, "right": right, "columns": columns}
    return [Candidate("partly-wrong", 0.6, message, evidence, correctness_checks(failing))]


def _wrong_columns(cfg, looks: list[Seen]) -> str:
    """Which feature columns of dj_dw are wrong, when that is the same on every probe with n > 1 and
    not all of them ("the last feature column"); "" otherwise."""
    seen: set[str] = set()
    for s in looks:
        a = np.asarray(s.obs.outputs["dj_dw"], dtype=np.float64).reshape(-1)  # type: ignore[index]
        e = np.asarray(s.exact["dj_dw"], dtype=np.float64).reshape(-1)
        if a.shape != e.shape:
            return ""
        n = a.size
        bad = [
            int(j)
            for j in np.flatnonzero(
                ~close(a, e, float(np.max(np.abs(e), initial=0.0)) + PROBLEM_SCALE_FLOOR, tolerance(cfg))
            )
        ]
        if n == 1 or not bad:
            continue
        if len(bad) == n:
            return ""
        if bad == [0]:
            seen.add("the first feature column")
        elif bad == [n - 1]:
            seen.add("the last feature column")
        else:
            seen.add("feature columns " + ", ".join(str(j + 1) for j in bad))
    return seen.pop() if len(seen) == 1 else ""
