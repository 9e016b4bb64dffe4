"""Diagnoses of setup and contract failures: loading, missing function, swapped outputs, mutation,
scalar-only code, shapes, exceptions and timeouts, nondeterminism."""

from __future__ import annotations

import itertools

import numpy as np

from verifier.diagnosis.evidence import SHAPE_WORDS, Candidate, Seen, compare_model, is_right, observe, shape_words
from verifier.engine.candidate import Observation
from verifier.spec.conventions import UnreadableOutput
from verifier.spec.results import Result


def setup(result: Result) -> Candidate | None:
    for c in result.failed():
        if c.id == "contract.loads":
            syntax = any(s in c.message for s in ("SyntaxError", "IndentationError", "TabError"))
            mid = "syntax-error" if syntax else "load-error"
            first = c.message.split("\n")[0].removeprefix("the submission could not be loaded: ")
            kind, _, rest = first.partition(": ")
            if rest.startswith(kind):
                first = rest
            return Candidate(
                mid, 1.0, f"The submission could not be loaded: {first}.", {"error": c.message[:2000]}, {c.id}
            )
        if c.id == "contract.function":
            return Candidate(
                "missing-function", 1.0, c.message[0].upper() + c.message[1:] + ".", {"error": c.message}, {c.id}
            )
        if c.id == "contract.signature":
            return Candidate(
                "signature-mismatch", 1.0, c.message[0].upper() + c.message[1:], {"error": c.message}, {c.id}
            )
    return None


def raw_permutations(raw):
    if isinstance(raw, (tuple, list)) and len(raw) in (2, 3):
        for perm in itertools.permutations(range(len(raw))):
            if perm != tuple(range(len(raw))):
                yield perm, type(raw)(raw[i] for i in perm) if isinstance(raw, list) else tuple(raw[i] for i in perm)


def swap_that_fixes(cfg, probe, s: Seen) -> tuple | None:
    """The permutation of the returned values that makes them right, if any."""
    for perm, raw in raw_permutations(s.obs.raw):
        try:
            outputs = probe.convention.read(cfg.target, s.case, raw)
        except (UnreadableOutput, ValueError, TypeError, IndexError):  # this permutation does not read
            continue
        trial = Seen(s.label, s.case, Observation(outputs), s.exact)
        ok, only = compare_model(cfg, trial, s.exact)
        if ok and not only:
            return perm
    return None


def _swapped_outputs(failing: dict, seen: list[Seen], probe, cfg) -> Candidate | None:
    """Right values returned in the wrong order, on every designed probe that is wrong."""
    swaps = [(s, swap_that_fixes(cfg, probe, s)) for s in seen if s.obs.status in ("ok", "unreadable")]
    swapped = [(s, p) for s, p in swaps if p is not None and not is_right(cfg, s)]
    designed_wrong = [s for s in seen if not s.check and not is_right(cfg, s)]
    if not swapped or not all(any(s is t for t, _ in swapped) for s in designed_wrong):
        return None
    s, perm = swapped[0]
    checks = {s2.check for s2, _ in swapped if s2.check} | ({"contract.shapes"} & failing.keys())
    checks |= {cid for cid in failing if cid.startswith("correctness.")}
    order = ", ".join(f"position {i + 1}" for i in perm)
    message = (
        f"The values are right but returned in the wrong order: on the case with {s.label}, taking the "
        f"returned values in the order ({order}) gives exactly the expected {', '.join(cfg.target.components)}. "
        f"{probe.convention.description}."
    )
    return Candidate(
        "outputs-swapped", 0.95, message, {"case": s.label, "permutation": list(perm), "error": s.obs.error}, checks
    )


def _mutation(failing: dict, seen: list[Seen]) -> Candidate | None:
    mutated = [s for s in seen if s.obs.mutated]
    if "contract.pure" not in failing and not mutated:
        return None
    msg = (
        failing["contract.pure"].message
        if "contract.pure" in failing
        else f"the function modified its input(s) {mutated[0].obs.mutated}"
    )
    return Candidate(
        "mutates-input",
        0.95,
        msg[0].upper() + msg[1:] + ": the caller's data changes after the call, "
        "so later computations (and the checks that reuse the arrays) see different inputs.",
        {"mutated": [list(map(str, s.obs.mutated)) for s in mutated][:3]},
        {"contract.pure"} & failing.keys(),
    )


def _scalar_only(failing: dict, seen: list[Seen]) -> Candidate | None:
    scalar = [s for s in seen if s.obs.scalar_fallback]
    if "contract.arrays" not in failing or not (scalar or "scalar at a time" in failing["contract.arrays"].message):
        return None
    err = scalar[0].obs.extra.get("array_error", "") if scalar else failing["contract.arrays"].message
    checks = {"contract.arrays"} | {cid for cid, c in failing.items() if "scalar" in c.message}
    return Candidate(
        "rejects-arrays",
        0.95,
        f"The function works on one Python number but fails when given a numpy array ({err}).",
        {"error": err},
        checks,
    )


def _shape_raises(seen: list[Seen]) -> list[Seen]:
    return [s for s in seen if s.obs.status == "raised" and any(w in s.obs.error.lower() for w in SHAPE_WORDS)]


def _wrong_shape(failing: dict, seen: list[Seen]) -> Candidate | None:
    unreadable = [s for s in seen if s.obs.status == "unreadable" and s.obs.mistake == "wrong-shape"]
    bad = unreadable + _shape_raises(seen)
    if not bad and "contract.shapes" not in failing:
        return None
    checks = {s.check for s in bad if s.check} | ({"contract.shapes"} & failing.keys())
    if not bad:
        message = "The result does not have the documented type or shape: " + failing["contract.shapes"].message
        return Candidate("wrong-shape", 0.9, message + ".", {"error": failing["contract.shapes"].message}, checks)
    s = bad[0]
    where = shape_words(s.case)
    ok_shapes = [t.label for t in seen if not t.check and t.obs.outputs is not None]
    if s.obs.status == "raised":
        msg = f"The function fails for {where}: {s.obs.error.splitlines()[0]}"
    else:
        msg = f"The result has the wrong shape for {where}: {s.obs.error}"
    if ok_shapes and len(ok_shapes) < len([t for t in seen if not t.check]):
        msg += f" (it works for {', '.join(ok_shapes)})"
    for cid, c in failing.items():
        if cid.startswith("correctness.") and c.counterexample is not None and not c.counterexample.expected:
            checks.add(cid)
    return Candidate("wrong-shape", 0.9, msg + ".", {"case": s.label, "error": s.obs.error}, checks)


_FAILURE_WORDS = ("raised", "time limit", "ended the process", "resource limit")


def _raises(failing: dict, seen: list[Seen]) -> Candidate | None:
    """``raises`` for a call that fails on a benign probe or on a counterexample outside the tails (an
    exception only in the tails is explained by its cause there, verifier/diagnosis/onset.py)."""
    shape_raises = _shape_raises(seen)
    hit = [
        s
        for s in seen
        if s.obs.status in ("raised", "timeout", "exited", "killed")
        and s not in shape_raises
        and not (s.check.startswith("stability.") and s.obs.status == "raised")
    ]
    if not hit:
        return None
    # name the case of a failing check when there is one: the report prints that counterexample beside it
    s = next((t for t in hit if t.check), hit[0])
    checks = {t.check for t in hit if t.check}
    checks |= {cid for cid, c in failing.items() if any(w in c.message for w in _FAILURE_WORDS)}
    first = s.obs.error.splitlines()[0] if s.obs.error else ""
    if "would have been defined by" in first:  # a name a failed top-level statement should have bound
        syntax = any(word in first for word in ("SyntaxError", "IndentationError", "TabError"))
        return Candidate(
            "syntax-error" if syntax else "load-error",
            0.95,
            f"The function needs something that failed while the submission was loading: {first}.",
            {"error": s.obs.error},
            checks,
        )
    if first.startswith("NotImplementedError"):
        first = "NotImplementedError (the function is not written yet)"
    what = {
        "raised": "raised " + first if first else "raised",
        "timeout": "did not finish within the time limit",
    }.get(s.obs.status, f"ended the process ({s.obs.error})")
    where = f"on the counterexample of {s.check}" if s.check else f"on the case with {shape_words(s.case)}"
    return Candidate(
        "raises",
        0.9,
        f"The function {what} {where}.",
        {"case": s.label, "error": s.obs.error, "traceback": s.obs.traceback[-2000:]},
        checks,
    )


def _returns_nothing(failing: dict, seen: list[Seen]) -> Candidate | None:
    """Every call returned None (a body of ``pass``, a missing return): an unfinished stub."""
    calls = [s for s in seen if s.obs.status in ("ok", "unreadable")]
    if not calls or any(s.obs.status == "ok" or s.obs.raw is not None for s in calls):
        return None
    message = (
        f"The function returns None (nothing) on every one of the {len(calls)} test cases tried: its body does "
        "not compute a result yet, or the return statement is missing."
    )
    return Candidate("constant-output", 0.95, message, {"returned": "None", "cases": len(calls)}, set(failing))


def contract_diagnoses(failing: dict, seen: list[Seen], probe, cfg) -> list[Candidate]:
    """Contract causes of the failures: nothing returned (alone when so), swapped outputs (alone when
    found), mutation, scalar-only code, shapes, and exceptions or timeouts (unless the code is
    scalar-only)."""
    nothing = _returns_nothing(failing, seen)
    if nothing is not None:
        return [nothing]
    swapped = _swapped_outputs(failing, seen, probe, cfg)
    if swapped is not None:
        return [swapped]
    out = [c for c in (_mutation(failing, seen), _scalar_only(failing, seen), _wrong_shape(failing, seen)) if c]
    if not any(c.id == "rejects-arrays" for c in out):
        raised = _raises(failing, seen)
        if raised is not None:
            out.append(raised)
    return out


def nondeterministic(failing: dict, seen: list[Seen], probe) -> Candidate | None:
    """The designed probes called a second time: different outputs for the same inputs."""
    for s in seen:
        if s.check or s.obs.outputs is None:
            continue
        again = observe(probe, s.case)
        if again.outputs is None:
            continue
        for comp, a in s.obs.outputs.items():
            b = again.outputs.get(comp)
            if b is None or not np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True):
                checks = {cid for cid in failing if not cid.startswith("contract.")} | (
                    {"contract.deterministic"} & failing.keys()
                )
                return Candidate(
                    "nondeterministic",
                    0.9,
                    f"Two calls with the same inputs ({s.label}) returned different {comp}: the result depends "
                    f"on something other than the inputs (random numbers, a random subset of the examples, "
                    f"or state kept between calls).",
                    {"case": s.label, "first": np.asarray(a).tolist(), "second": np.asarray(b).tolist()},
                    checks,
                )
    if "contract.deterministic" in failing:
        msg = failing["contract.deterministic"].message
        return Candidate("nondeterministic", 0.9, msg[0].upper() + msg[1:] + ".", {}, {"contract.deterministic"})
    return None
