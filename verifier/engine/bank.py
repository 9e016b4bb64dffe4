"""The case bank: the cases of every check, drawn once from a seed, with their exact answers.

A ``Bank`` holds, for each check of a run, its deterministic hard cases (verifier/engine/hardcases.py)
followed by ``profile.examples`` cases drawn by Hypothesis from the bank's seed, each with its exact
outputs rounded once to float64 and its error envelope (and, for identity checks, the related cases
the identities compare with).  Every submission of a class meets the same bank first: grading is fair
and reproducible, and a defect in a region is found whatever the seed.  Judging a bank entry is a
numpy comparison with a margin for the rounding of the stored answer; only an entry that is not
clearly inside its envelope is judged again against the exact oracle (which also writes the message).

``bank_for(cfg, checks, seed)`` builds a bank (remembered per process); ``run_entries`` judges a
candidate on one check's entries in one batch of calls.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

import reference
from verifier.engine import hardcases, strategies
from verifier.engine.candidate import BoundCandidate, Observation
from verifier.engine.config import RunConfig
from verifier.engine.judge import Verdict, compare
from verifier.engine.search import Failed, State, describe_failure, search
from verifier.spec import identities
from verifier.spec.case import Case
from verifier.spec.checks import TAIL_REGIONS, Check

BANK_FORMAT = 3  # bumped when the stored layout changes


@dataclass(frozen=True)
class Entry:
    """One case as the run's candidate sees it, its exact outputs (float64) and envelope; for an
    identity check also ``related``: one entry per relation, the transformed case."""

    case: Case
    expected: Mapping[str, np.ndarray]
    envelope: Mapping[str, np.ndarray]
    related: tuple[Entry, ...] = ()
    rounding: Mapping[str, np.ndarray] | None = None  # |exact - expected|, rounded up (None: unknown)


@dataclass(frozen=True)
class CheckBank:
    """A check's entries: its ``hard`` deterministic cases first, then the drawn ones."""

    check: str
    entries: tuple[Entry, ...]
    hard: int
    shares: tuple[str, ...] = ()  # the checks whose entries these are (the same objects), if any

    @functools.cached_property
    def flat(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Per component: every entry's expected values, envelopes, where each entry starts, and the
        rounding error of each expected value, end to end (to judge a batch with one numpy expression)."""
        out = {}
        for comp in self.entries[0].expected if self.entries else ():
            sizes = [int(np.size(e.expected[comp])) for e in self.entries]
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
            exp = np.concatenate([np.asarray(e.expected[comp], dtype=np.float64).reshape(-1) for e in self.entries])
            env = np.concatenate(
                [
                    np.broadcast_to(e.envelope[comp], np.shape(e.expected[comp])).reshape(-1).astype(np.float64)
                    for e in self.entries
                ]
            )
            rnd = np.concatenate(
                [
                    np.asarray(e.rounding[comp], dtype=np.float64).reshape(-1)
                    if e.rounding is not None
                    else np.spacing(np.abs(np.asarray(e.expected[comp], dtype=np.float64))).reshape(-1)
                    for e in self.entries
                ]
            )
            out[comp] = (exp, env, starts, rnd)
        return out


@dataclass(frozen=True)
class Bank:
    """The entries of every check of one run, and the key of what they depend on."""

    key: str
    checks: Mapping[str, CheckBank]


def bank_key(cfg: RunConfig, checks: Iterable[Check], seed: int) -> str:
    """A digest of everything a bank depends on (the verifier version included by the caller's store)."""
    parts = {
        "format": BANK_FORMAT,
        "target": cfg.target.name,
        "components": list(cfg.target.components),
        "precision": cfg.fmt.name,
        "standard": cfg.standard,
        "profile": [cfg.profile.name, cfg.profile.examples, cfg.profile.contract_cases],
        "seed": int(seed),
        "lam": repr(float(cfg.lam)),
        "soft": cfg.soft_labels,
        "form": cfg.form.plain(),
        "bias": cfg.bias,
        "labels": list(cfg.labels),
        "checks": sorted(c.id for c in checks),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:24]


# --------------------------------------------------------------------------- building
def _entry(cfg: RunConfig, case: Case, relations: tuple = ()) -> Entry:
    case = cfg.adapt(case)
    exact = cfg.target.exact(case)
    env = cfg.target.envelope(case, exact, cfg.fmt, cfg.standard)
    related = tuple(_entry(cfg, rel.transform(case)) for rel in relations)
    # only the judged components: a model without bias returns no dj_db
    exact = {c: exact[c] for c in cfg.target.components}
    expected = _floats(exact)
    envelope = {c: np.asarray(env[c], dtype=np.float64) for c in cfg.target.components}
    return Entry(case, expected, envelope, related, _rounding(exact, expected))


def _rounding(exact: Mapping[str, Any], expected: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """|exact - float(exact)| per element, rounded up to a float (inf where the exact value is infinite)."""
    out = {}
    for comp, v in exact.items():
        e = expected[comp].reshape(-1)
        errs = []
        for ev, ef in zip(np.asarray(v).reshape(-1), e):
            if not np.isfinite(ef):
                errs.append(0.0 if ef == float(ev) else math.inf)
                continue
            err = float(abs(ev - ef))
            errs.append(float(np.nextafter(err, math.inf)) if err else 0.0)
        out[comp] = np.array(errs, dtype=np.float64).reshape(np.shape(expected[comp]))
    return out


def _floats(exact: Mapping[str, Any]) -> dict[str, np.ndarray]:
    out = {}
    for comp, v in exact.items():
        arr = np.asarray(v)
        out[comp] = np.array([float(x) for x in arr.reshape(-1)], dtype=np.float64).reshape(arr.shape)
    return out


def _strategy(cfg: RunConfig, check: Check):
    regions = TAIL_REGIONS if check.kind == "finite" else ("benign",) if check.kind == "contract" else (check.region,)
    parts = [strategies.cases(cfg.target, r, cfg.fmt, cfg.lam, cfg.soft_labels, cfg.labels) for r in regions]
    return parts[0] if len(parts) == 1 else st.one_of(*parts)


def drawn_cases(cfg: RunConfig, check: Check, seed: int, count: int) -> list[Case]:
    """``count`` cases of the check's region(s), drawn by Hypothesis from ``seed`` (no candidate)."""
    found: list[Case] = []

    def record(case: Case, state: State) -> None:
        found.append(case)

    search(seed, "bank:" + check.id, _strategy(cfg, check), record, count)  # not the exploration's draws
    return found


def _hard(cfg: RunConfig, check: Check) -> list[Case]:
    if check.kind == "contract":
        return []
    regions = TAIL_REGIONS if check.kind == "finite" else (check.region,)
    return [c for r in regions for c in hardcases.hard_cases(cfg.target, r, cfg.fmt, cfg.lam, cfg.labels)]


def build(cfg: RunConfig, checks: Iterable[Check], seed: int) -> Bank:
    """The bank of ``checks`` for ``cfg``, drawn from ``seed`` (a case the oracle cannot answer is left out)."""
    checks = list(checks)
    out: dict[str, CheckBank] = {}
    for check in checks:
        if check.kind == "contract":
            cases = drawn_cases(cfg, check, seed, cfg.profile.contract_cases)
            out[check.id] = CheckBank(check.id, tuple(Entry(cfg.adapt(c), {}, {}) for c in cases), 0)
            continue
        if check.kind == "finite":
            tails = [c for c in checks if c.kind == "accuracy" and c.region in TAIL_REGIONS and c.id in out]
            if {c.region for c in tails} == set(TAIL_REGIONS):
                # every tail check's own cases, judged again for finiteness: no case is called twice
                out[check.id] = sharing(check.id, [out[c.id] for c in tails])
                continue
        relations = tuple(identities.relations(cfg.target)) if check.kind == "identity" else ()
        hard = _hard(cfg, check)
        count = max(10, cfg.profile.examples // 2) if check.kind == "identity" else cfg.profile.examples
        entries = []
        for case in hard + drawn_cases(cfg, check, seed, count):
            try:
                entries.append(_entry(cfg, case, relations))
            except (ArithmeticError, ValueError):  # outside the oracle's domain: not a case to judge on
                continue
        out[check.id] = CheckBank(check.id, tuple(entries), min(len(hard), len(entries)))
    return Bank(bank_key(cfg, checks, seed), out)


def sharing(check_id: str, banks: list[CheckBank]) -> CheckBank:
    """A check's bank made of other checks' entries (the same objects, so a candidate observed on them
    once is not called again)."""
    hard = [e for cb in banks for e in cb.entries[: cb.hard]]
    entries = tuple(hard + [e for cb in banks for e in cb.entries[cb.hard :]])  # hard ones first, as everywhere
    return CheckBank(check_id, entries, sum(cb.hard for cb in banks), tuple(cb.check for cb in banks))


_MEMO: dict[str, Bank] = {}
_MEMO_SIZE = 64


def bank_for(cfg: RunConfig, checks: Iterable[Check], seed: int) -> Bank:
    """``build``, remembered in this process by key."""
    checks = list(checks)
    key = bank_key(cfg, checks, seed)
    hit = _MEMO.get(key)
    if hit is None:
        hit = build(cfg, checks, seed)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
        _MEMO[key] = hit
    return hit


def remember(bank: Bank) -> None:
    """Make ``bank`` the one ``bank_for`` returns for its key (a bank read back from disk), with the
    float logits of its problem cases and each check's flat arrays computed now: processes forked
    later share them instead of computing them once per submission."""
    for cb in bank.checks.values():
        cb.flat  # noqa: B018 - computed once here, cached on the check's bank
        for entry in cb.entries:
            for case in (entry.case, *(r.case for r in entry.related)):
                if case.is_problem:
                    case.logits_float  # noqa: B018 - computed once here, cached on the case
    _MEMO[bank.key] = bank


# --------------------------------------------------------------------------- judging
def surely_inside(cb: CheckBank, outputs: list[Mapping[str, np.ndarray]], finite_only: bool):
    """Per entry: (clearly inside its envelope, ratio to the envelope, error in float64 ulps, estimated),
    judged for the whole batch at once.  |actual - exact| <= |actual - expected| + |expected - exact|
    (the stored rounding error) + the rounding of the subtraction, so "inside" never contradicts the
    exact judge; an entry that is not clearly inside (or whose output has another shape) goes to it."""
    n = len(cb.entries)
    inside = np.ones(n, dtype=bool)
    ratio = np.zeros(n)
    ulps = np.zeros(n)
    for comp, (exp, env, starts, rnd) in cb.flat.items():
        parts = [np.asarray(o[comp], dtype=np.float64).reshape(-1) for o in outputs]
        if any(p.size != np.size(e.expected[comp]) for p, e in zip(parts, cb.entries)):
            return np.zeros(n, dtype=bool), np.full(n, math.inf), np.full(n, math.inf)
        a = np.concatenate(parts) if parts else np.zeros(0)
        with np.errstate(all="ignore"):
            same_inf = (a == exp) & np.isinf(exp)
            finite = np.isfinite(a) & np.isfinite(exp)
            diff = np.where(finite, np.abs(a - exp), np.inf)
            # the subtraction is exact when it gives 0; otherwise it may be off by half a spacing
            ok = same_inf | (finite & (diff + rnd + np.where(diff > 0, np.spacing(diff), 0.0) <= env))
            if finite_only:
                ok = same_inf | np.isfinite(a)
            r = np.where(same_inf, 0.0, np.nan_to_num(diff / np.where(env > 0, env, np.nan), nan=math.inf))
            u = np.where(same_inf, 0.0, np.nan_to_num(diff / np.spacing(np.abs(exp)), nan=math.inf))
        if a.size:
            inside &= np.logical_and.reduceat(ok, starts)
            ratio = np.maximum(ratio, np.maximum.reduceat(r, starts))
            ulps = np.maximum(ulps, np.maximum.reduceat(u, starts))
    return inside, ratio, ulps


def exact_verdict(cfg: RunConfig, case: Case, outputs: Mapping[str, np.ndarray], finite_only: bool) -> Verdict:
    """The exact judge (and its message) for one case, as the search judges it."""
    verdict = compare(cfg.target, case, dict(outputs), cfg.target.exact(case), cfg.fmt, cfg.standard)
    if finite_only:
        verdict.passed = not verdict.nonfinite
        if not verdict.passed:
            verdict.message = "returned a non-finite value where the true value is finite\n" + verdict.message
    return verdict


def observe_entries(cand: BoundCandidate, entries: tuple[Entry, ...]) -> list[Observation]:
    """The candidate on every entry (and its related cases), in one batch of calls."""
    cases = [e.case for e in entries] + [r.case for e in entries for r in e.related]
    return cand.observe_many(cases, reuse=True)


def run_entries(cfg: RunConfig, check: Check, cand: BoundCandidate, cb: CheckBank, state: State, sample) -> None:
    """Judge the candidate on ``cb``'s entries; the first failing entry becomes ``state.failure``.
    ``sample(case, bits, passed, ratio, component)`` records the error plot's points."""
    if not cb.entries:
        return
    observations = observe_entries(cand, cb.entries)
    n = len(cb.entries)
    for obs in observations:
        state.note(obs)
    if check.kind == "identity":
        _run_identities(cfg, cb, observations, state)
        return
    returned = next((i for i, o in enumerate(observations[:n]) if o.outputs is None), n)
    judged = observations[:returned]
    inside, ratio, ulps = surely_inside(
        CheckBank(cb.check, cb.entries[:returned], cb.hard) if returned < n else cb,
        [o.outputs or {} for o in judged],
        check.kind == "finite",
    )
    for i, obs in enumerate(judged):
        state.examples += 1
        entry = cb.entries[i]
        r, u, passed, component = float(ratio[i]), float(ulps[i]), True, ""
        if not inside[i]:
            verdict = exact_verdict(cfg, entry.case, obs.outputs or {}, check.kind == "finite")
            r, u, passed, component = verdict.ratio, verdict.ulps, verdict.passed, verdict.component
            if not passed:
                state.failure = (entry.case, obs, verdict, verdict.message)
        state.worst_ratio = max(state.worst_ratio, r) if math.isfinite(r) else math.inf
        state.worst_ulps = max(state.worst_ulps, u)
        sample(entry.case, reference.bits_of_error(u), passed, r, component)
        if not passed:
            return
    if returned < n:
        state.examples += 1
        state.failure = (
            cb.entries[returned].case,
            observations[returned],
            None,
            describe_failure(observations[returned]),
        )


def _run_identities(cfg: RunConfig, cb: CheckBank, observations: list[Observation], state: State) -> None:
    n = len(cb.entries)
    related = iter(observations[n:])
    for entry, obs in zip(cb.entries, observations[:n]):
        others = [next(related) for _ in entry.related]
        state.examples += 1
        if obs.outputs is None:
            state.failure = (entry.case, obs, None, describe_failure(obs))
            return
        problem = identity_problem(cfg, entry, obs, others)
        if problem is not None:
            case, bad, message = problem
            state.failure = (case, bad, None, message)
            return


def identity_problem(cfg: RunConfig, entry: Entry, obs: Observation, others: list[Observation]):
    """(case, observation, message) of the first identity or bound that does not hold, else None."""
    outputs = obs.outputs or {}
    bounds = identities.bounds(cfg.target)
    if bounds is not None:
        message = bounds_problem(cfg.target.name, bounds, outputs, entry.envelope)
        if message:
            return entry.case, obs, message
    for rel, rentry, obs2 in zip(identities.relations(cfg.target), entry.related, others):
        if obs2.outputs is None:
            return rentry.case, obs2, f"on the {rel.name} case: " + describe_failure(obs2)
        message = relation_problem(cfg, rel, entry.case, outputs, entry.envelope, obs2.outputs, rentry.envelope)
        if message:
            return entry.case, obs, message
    return None


def bounds_problem(name: str, bounds, outputs: Mapping[str, np.ndarray], env: Mapping[str, np.ndarray]) -> str:
    """The message for an output outside the target's range (with the envelope as slack), or ""."""
    lo, hi = bounds
    for comp, arr in outputs.items():
        a = np.asarray(arr, dtype=np.float64)
        slack = np.asarray(env[comp], dtype=np.float64)
        bad = (a < lo - slack) | (a > hi + slack) | np.isnan(a)
        if np.any(bad):
            idx = int(np.flatnonzero(bad.reshape(-1))[0])
            return f"{comp} = {a.reshape(-1)[idx]!r} lies outside [{lo}, {hi}], where every value of {name} must lie"
    return ""


def relation_problem(cfg: RunConfig, rel, case: Case, outputs, env, outputs2, env2) -> str:
    """The message for an identity that does not hold between two observations, or ""."""
    predicted = rel.predict(outputs2)
    env2 = rel.envelope(env2) if rel.envelope is not None else env2
    if rel.ratio is not None and rel.ratio(case) != 1.0:
        k = rel.ratio(case)
        predicted = {c: np.asarray(v, dtype=np.float64) / k for c, v in predicted.items()}
        env2 = {c: np.asarray(v, dtype=np.float64) / k for c, v in env2.items()}
    for comp in cfg.target.components:
        a = np.asarray(outputs[comp], dtype=np.float64)
        p = np.asarray(predicted[comp], dtype=np.float64)
        slack = np.asarray(env[comp], dtype=np.float64) + np.asarray(env2[comp], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            diff = np.abs(a - p)
        bad = ~(diff <= slack) & ~((a == p) & np.isinf(a))
        if rel.exempt is not None:
            bad &= ~np.broadcast_to(rel.exempt(case), bad.shape)
        if np.any(bad):
            idx = int(np.flatnonzero(bad.reshape(-1))[0])
            return (
                f"{rel.description} does not hold: {comp} is {a.reshape(-1)[idx]!r} but the "
                f"{rel.name} case predicts {p.reshape(-1)[idx]!r} "
                f"(allowed difference {slack.reshape(-1)[idx]:.3g})"
            )
    return ""


__all__ = ["Bank", "CheckBank", "Entry", "Failed", "bank_for", "build", "remember", "run_entries", "sharing"]
