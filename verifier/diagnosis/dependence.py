"""What the output depends on: the candidate called with one input changed at a time.

On the designed case with m = 40 examples (problem targets only):

- b changed: an unchanged result means b is ignored (``missing-bias``);
- each row of X changed on its own: rows that never change the result were left out; when they are
  exactly the rows of one class, one term of the loss is missing (``loss-term-missing``), otherwise
  the rows are named (the first, the last, the remainder after full batches: ``rows-dropped``);
- the labels shuffled among the examples: an unchanged result means the labels enter only through
  their count, as when labels of shape (m, 1) broadcast against predictions of shape (m,)
  (``wrong-shape``);
- the examples reordered (X and y together): the true result does not move, so a result that moves
  by more than rounding depends on the order (``order-dependent``).

The true result changes with every one of these inputs (b, any row, the labels' order) for the
designed values, so an unchanged candidate is evidence by itself; the exact value is still shown.
"""

from __future__ import annotations

import numpy as np

from verifier.diagnosis.evidence import PROBLEM_SCALE_FLOOR, Candidate, Seen, close, exact_outputs, observe, tolerance
from verifier.spec.case import Case

# A reordering changes a correct float64 result by a few ulps; an order-dependent one by far more.
# This bound also keeps a float32 computation (rounding near 1e-7) from being called order-dependent.
ORDER_REL = 1e-5
# Each row is moved by this vector (cycled over the columns): dyadic, so exact in every format.
ROW_SHIFT = (0.5, -0.25, 0.375, -0.125, 0.625)


def _outputs(probe, case: Case) -> dict[str, np.ndarray] | None:
    return observe(probe, case).outputs


def _scale(values: dict[str, np.ndarray]) -> float:
    return max(float(np.max(np.abs(np.asarray(v, dtype=np.float64)), initial=0.0)) for v in values.values())


def _same(cfg, a: dict[str, np.ndarray] | None, b: dict[str, np.ndarray] | None, rel: float | None = None) -> bool:
    """Whether two outputs are equal within ``rel`` (default: the model tolerance) of their size."""
    if a is None or b is None:
        return False
    scale = max(_scale(a), _scale(b)) + PROBLEM_SCALE_FLOOR
    tol = tolerance(cfg) if rel is None else rel
    for comp in cfg.target.components:
        x, y = np.asarray(a[comp], dtype=np.float64), np.asarray(b[comp], dtype=np.float64)
        if x.shape != y.shape or not close(x, y, scale, tol).all():
            return False
    return True


def _largest_change(cfg, a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> tuple[str, float, float]:
    best = ("", 0.0, 0.0, -1.0)
    for comp in cfg.target.components:
        x = np.asarray(a[comp], dtype=np.float64).reshape(-1)
        y = np.asarray(b[comp], dtype=np.float64).reshape(-1)
        if x.shape != y.shape:
            continue
        with np.errstate(invalid="ignore"):
            d = np.where(np.isfinite(x - y), np.abs(x - y), np.inf)
        i = int(np.argmax(d))
        if d[i] > best[3]:
            best = (comp if x.size == 1 else f"{comp}[{i}]", float(x[i]), float(y[i]), float(d[i]))
    return best[0], best[1], best[2]


def findings(cfg, probe, looks: list[Seen], failing: dict, note: str) -> list[Candidate]:
    """The first dependence the probes show, as a candidate (empty when every input matters as it should)."""
    checks = {cid for cid in failing if cid.startswith("correctness.")}
    if cfg.target.pointwise:
        found = _one_label_ignored(cfg, looks)
        return [Candidate(found[0], 0.85, found[1], found[2], checks)] if found else []
    if not looks or looks[0].obs.outputs is None:
        return []
    base = looks[0]
    for finder in (_bias_ignored, _rows, _labels_through_count, _order):
        found = finder(cfg, probe, base, note)
        if found is not None:
            mid, message, evidence = found
            return [Candidate(mid, 0.85, message, evidence, checks)]
    return []


def _one_label_ignored(cfg, looks: list[Seen]):
    """A pointwise loss whose value for one label stays 0 (its term is missing) while the truth moves."""
    if "y" not in cfg.target.inputs or not cfg.target.takes_log:
        return None
    for label, term in ((0.0, "(1 - y) log(1 - f)"), (1.0, "y log(f)")):
        vals, truths = [], []
        for s in looks:
            y = np.asarray(s.case.y, dtype=np.float64).reshape(-1)
            a = np.asarray((s.obs.outputs or {}).get("value"), dtype=np.float64).reshape(-1)
            e = np.asarray(s.exact["value"], dtype=np.float64).reshape(-1)
            if a.shape != y.shape:
                return None
            vals += a[y == label].tolist()
            truths += e[y == label].tolist()
        if len(vals) >= 2 and all(v == 0 for v in vals) and min(abs(t) for t in truths) > 0:
            message = (
                f"For every input with y = {label:g} the result is 0 (on {len(vals)} of the test inputs), while "
                f"the right values range from {min(truths):.6g} to {max(truths):.6g}: the {term} term of the "
                "loss is missing."
            )
            return "loss-term-missing", message, {"label": label, "inputs": len(vals)}
    return None


def _bias_ignored(cfg, probe, base: Seen, note: str):
    if not getattr(cfg, "bias", True) or "b" not in base.case or base.case.b is None:
        return None
    moved = base.case.replace(b=float(base.case.b) + 0.75)
    out = _outputs(probe, moved)
    truth = exact_outputs(cfg, moved)
    if not _same(cfg, base.obs.outputs, out) or _same(cfg, base.exact, truth):
        return None
    comp, was, now = _largest_change(cfg, base.exact, truth)
    message = (
        f"The result does not change when b changes{note}: on the test case with {base.label}, moving b from "
        f"{base.case.b:g} to {moved.b:g} leaves every output as it was, while the right {comp} moves from "
        f"{was:.6g} to {now:.6g}.  z is computed without b."
    )
    return "missing-bias", message, {"b": [base.case.b, moved.b]}


def _shifted_row(case: Case, i: int) -> Case:
    X = np.array(case.X, copy=True)
    shift = np.array([ROW_SHIFT[j % len(ROW_SHIFT)] for j in range(X.shape[1])], dtype=X.dtype)
    if float(np.dot(shift.astype(np.float64), np.asarray(case.w, dtype=np.float64))) == 0:
        shift[0] += X.dtype.type(0.25)  # the row's logit must move too
    X[i] = X[i] + shift
    return case.replace(X=X)


def _ranges(rows: list[int]) -> str:
    """0-based row indices as 1-based ranges: "1", "33-40", "1, 3, 5"."""
    parts, i = [], 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        parts.append(f"{rows[i] + 1}" if i == j else f"{rows[i] + 1}-{rows[j] + 1}")
        i = j + 1
    return ", ".join(parts)


def _rows_words(rows: list[int], m: int) -> str:
    k = len(rows)
    if rows == list(range(m - k, m)):
        batch = [q for q in (8, 10, 16, 32, 64, 100, 128) if q < m and m % q == k]
        tail = f" (the remainder after full batches of {batch[0]})" if batch and k > 1 else ""
        return f"the last {k} example{'s' if k > 1 else ''}{tail}" if k > 1 else "the last example"
    if rows == list(range(k)):
        return f"the first {k} examples" if k > 1 else "the first example"
    if rows == list(range(1, m, 2)):
        return "every second example"
    return f"{k} of the {m} examples"


def _rows(cfg, probe, base: Seen, note: str):
    case = base.case
    m = case.m
    still = [i for i in range(m) if _same(cfg, base.obs.outputs, _outputs(probe, _shifted_row(case, i)))]
    if not still or len(still) == m:
        return None
    y = np.asarray(case.y, dtype=np.float64)
    for label, term in ((0.0, "(1 - y) log(1 - f)"), (1.0, "y log(f)")):
        cls = [int(i) for i in np.flatnonzero(y == label)]
        if still == cls:
            message = (
                f"The examples with y = {label:g} never change the result{note}: on the test case with "
                f"{base.label}, changing any one of those {len(cls)} rows of X leaves every output as it was, "
                f"while changing any other row moves it.  The {term} term of the loss is missing."
            )
            return "loss-term-missing", message, {"label": label, "rows": [i + 1 for i in cls]}
    message = (
        f"Some examples never change the result{note}: on the test case with {base.label}, changing row "
        f"{_ranges(still)} of X ({_rows_words(still, m)}) leaves every output as it was, while changing any "
        f"other row moves it.  Every one of the {m} examples must contribute."
    )
    return "rows-dropped", message, {"rows": [i + 1 for i in still], "m": m}


def _labels_through_count(cfg, probe, base: Seen, note: str):
    case = base.case
    y = np.asarray(case.y, dtype=np.float64)
    if not np.any(y != np.roll(y, 1)):
        return None
    unchanged = []
    for shift in (1, 3):
        moved = case.replace(y=np.roll(y, shift))
        if not _same(cfg, base.obs.outputs, _outputs(probe, moved)):
            return None
        unchanged.append(moved)
    truth = exact_outputs(cfg, unchanged[0])
    if _same(cfg, base.exact, truth):
        return None
    flipped = _outputs(probe, case.replace(y=1.0 - y))
    comp, was, now = _largest_change(cfg, base.exact, truth)
    if _same(cfg, base.obs.outputs, flipped):
        message = (
            f"The labels never change the result{note}: on the test case with {base.label}, shuffling the labels "
            f"or replacing every y by 1 - y leaves every output as it was, while the right {comp} moves from "
            f"{was:.6g} to {now:.6g}."
        )
        return "loss-term-missing", message, {"labels": "ignored"}
    message = (
        f"The labels enter only through how many are 1{note}: on the test case with {base.label}, shuffling "
        f"the labels among the examples leaves every output as it was, while the right {comp} moves from "
        f"{was:.6g} to {now:.6g}.  This is what labels of shape (m, 1) broadcast against predictions of "
        "shape (m,) give (an m x m array of every prediction against every label)."
    )
    return "wrong-shape", message, {"labels": "count only"}


def _order(cfg, probe, base: Seen, note: str):
    case = base.case
    order = np.arange(case.m)[::-1]
    moved = case.replace(X=np.asarray(case.X)[order], y=np.asarray(case.y)[order])
    out = _outputs(probe, moved)
    if out is None or _same(cfg, base.obs.outputs, out, rel=ORDER_REL):
        return None
    comp, was, now = _largest_change(cfg, base.obs.outputs, out)  # type: ignore[arg-type]
    message = (
        f"The result depends on the order of the examples{note}: on the test case with {base.label}, "
        f"reversing the order of the {case.m} rows (X and y together) changes {comp} from {was:.6g} to "
        f"{now:.6g}; the right result does not depend on the order.  Something carries over from one "
        "example to the next (a weight updated inside the loop, a running value never reset)."
    )
    return "order-dependent", message, {"component": comp, "before": was, "after": now}
