"""The case bank: deterministic hard cases in their regions, seed-independent detection, judging in
numpy that never contradicts the exact judge, the on-disk cache, and a hung function called once."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference
import verifier
from verifier.checking import bank_request
from verifier.engine import bank as bank_mod
from verifier.engine import hardcases
from verifier.engine.bank import CheckBank, bank_key, build, exact_verdict, surely_inside
from verifier.grading import banking
from verifier.grading.assignment import parse_assignment
from verifier.spec.checks import TAIL_REGIONS
from verifier.spec.formats import get_format

FORMATS = ("float64", "float32")


def _region_holds(region: str, z: float, fmt: str) -> bool:
    """Whether logit ``z`` lies in ``region`` as the regions are defined (docs/checks.md)."""
    t = reference.thresholds(fmt)
    one, ovf, sub, zero = t.sigmoid_rounds_to_one, t.exp_overflow, t.sigmoid_subnormal, t.sigmoid_zero
    tiny = get_format(fmt).tiny
    if region == "saturated":
        return one / 2 * (1 - 1e-6) <= abs(z) <= ovf
    if region == "overflow":
        return abs(z) >= ovf * (1 - 1e-6)
    if region == "underflow":
        return zero * 1.05 <= z <= sub * 0.99 or abs(z) <= tiny * 4
    if region == "cancellation":
        return -one * (1 + 1e-6) <= z <= -2.0
    raise AssertionError(region)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("region", TAIL_REGIONS)
def test_every_hard_tail_logit_lies_in_its_region(region, fmt):
    zs = hardcases.tail_logits(region, get_format(fmt))
    assert len(zs) >= 6
    outside = [z for z in zs if not _region_holds(region, z, fmt)]
    assert outside == []
    dtype = get_format(fmt).dtype.type
    assert all(float(dtype(z)) == z for z in zs), "every hard logit is a float of the format"


@pytest.mark.parametrize("fmt", FORMATS)
def test_hard_cases_hold_each_threshold_and_both_its_neighbours(fmt):
    f = get_format(fmt)
    t = reference.thresholds(fmt)
    sat = set(hardcases.tail_logits("saturated", f))
    und = set(hardcases.tail_logits("underflow", f))
    ovf = set(hardcases.tail_logits("overflow", f))
    for threshold, where in ((t.sigmoid_rounds_to_one, sat), (t.exp_neg_negligible, sat)):
        x = f.dtype.type(threshold)
        around = {float(np.nextafter(x, f.dtype.type(-np.inf))), float(x), float(np.nextafter(x, f.dtype.type(np.inf)))}
        assert around <= where and {-v for v in around} <= where
    for threshold in (t.sigmoid_subnormal, t.sigmoid_zero):
        assert float(f.dtype.type(threshold)) in und
    assert min(abs(z) for z in ovf) >= t.exp_overflow
    x = f.dtype.type(t.exp_overflow)
    assert float(np.nextafter(x, f.dtype.type(np.inf))) in ovf


def test_every_clip_constant_and_round_cutoff_is_met_just_beyond_where_it_bites():
    sat = hardcases.tail_logits("saturated", get_format("float64"))
    t = reference.thresholds("float64")
    for eps in hardcases.CLIP_CONSTANTS:
        bites = -math.log(eps / (1 - eps))
        if t.sigmoid_rounds_to_one / 2 <= bites * hardcases.BEYOND <= t.exp_overflow:
            assert any(math.isclose(abs(z), bites * hardcases.BEYOND, rel_tol=1e-12) for z in sat), eps
    for cut in hardcases.ROUND_CUTOFFS:
        if t.sigmoid_rounds_to_one / 2 <= cut <= t.exp_overflow:
            assert cut in sat and -cut in sat


def test_a_problem_tail_case_puts_every_logit_at_the_hard_value():
    for lab in (0.0, 1.0):
        case = hardcases.at_logit(-745.0, lab, 0.0, get_format("float64"))
        assert [float(z) for z in case.exact_logits] == [-745.0, -745.0]
        assert list(case.y) == [lab, lab]


# --------------------------------------------------------------------------- the bank itself
@pytest.fixture(scope="module")
def sigmoid_banks():
    cfg, checks = bank_request(target="sigmoid", profile="quick", seed=1)
    return cfg, checks, build(cfg, checks, 1), build(cfg, checks, 2)


def test_the_hard_part_of_a_bank_does_not_depend_on_the_seed(sigmoid_banks):
    _, _, one, two = sigmoid_banks
    for cid, cb in one.checks.items():
        other = two.checks[cid]
        assert cb.hard == other.hard
        for a, b in zip(cb.entries[: cb.hard], other.entries[: other.hard]):
            assert np.array_equal(np.asarray(a.case.z), np.asarray(b.case.z))
    drawn = [
        (np.asarray(a.case.z).tolist(), np.asarray(b.case.z).tolist())
        for a, b in zip(
            one.checks["correctness.benign"].entries[one.checks["correctness.benign"].hard :],
            two.checks["correctness.benign"].entries[two.checks["correctness.benign"].hard :],
        )
    ]
    assert any(x != y for x, y in drawn), "the drawn part comes from the seed"


def test_the_finite_check_judges_the_tail_checks_own_cases(sigmoid_banks):
    _, _, bank, _ = sigmoid_banks
    finite = bank.checks["stability.finite"]
    tails = [bank.checks[f"stability.{r}"] for r in TAIL_REGIONS]
    assert finite.shares == tuple(cb.check for cb in tails)
    shared = [e for cb in tails for e in cb.entries[: cb.hard]] + [e for cb in tails for e in cb.entries[cb.hard :]]
    assert len(finite.entries) == len(shared) and all(a is b for a, b in zip(finite.entries, shared))
    assert finite.hard == sum(cb.hard for cb in tails)


def test_the_bank_key_names_everything_the_bank_depends_on():
    cfg, checks = bank_request(target="cost", profile="quick", seed=3)
    key = bank_key(cfg, checks, 3)
    assert key == bank_key(*bank_request(target="cost", profile="quick", seed=3), 3)
    others = [
        bank_key(cfg, checks, 4),
        bank_key(*bank_request(target="cost", profile="default", seed=3), 3),
        bank_key(*bank_request(target="cost", profile="quick", lam=0.5, seed=3), 3),
        bank_key(*bank_request(target="gradient", profile="quick", seed=3), 3),
        bank_key(*bank_request(target="cost", profile="quick", precision="float32", seed=3), 3),
        bank_key(cfg, checks[:2], 3),
    ]
    assert key not in others and len(set(others)) == len(others)


@st.composite
def _perturbed(draw, bank):
    cid = draw(st.sampled_from(sorted(c for c, cb in bank.checks.items() if cb.entries and cb.entries[0].expected)))
    cb = bank.checks[cid]
    entry = cb.entries[draw(st.integers(0, len(cb.entries) - 1))]
    outputs = {}
    for comp, exp in entry.expected.items():
        exp = np.asarray(exp, dtype=np.float64)
        ulps = draw(st.sampled_from([0, 1, 2, 3, 8, 64, 2**20, 2**40]))
        sign = draw(st.sampled_from([-1.0, 1.0]))
        rel = draw(st.sampled_from([0.0, 1e-17, 1e-15, 1e-12, 1e-6]))
        with np.errstate(all="ignore"):
            outputs[comp] = exp + sign * ulps * np.spacing(np.abs(exp)) + sign * rel * np.abs(exp)
    return cid, entry, outputs


@pytest.mark.parametrize("target", ["sigmoid", "cost", "gradient"])
def test_judging_in_numpy_never_passes_what_the_exact_judge_fails(target):
    cfg, checks = bank_request(target=target, profile="quick", seed=5)
    bank = build(cfg, checks, 5)

    @settings(max_examples=150, deadline=None, derandomize=True)
    @given(_perturbed(bank))
    def inside_implies_exact_pass(drawn):
        cid, entry, outputs = drawn
        finite_only = cid == "stability.finite"
        inside = surely_inside(CheckBank(cid, (entry,), 0), [outputs], finite_only)[0]
        if inside[0]:
            assert exact_verdict(cfg, entry.case, outputs, finite_only).passed

    inside_implies_exact_pass()


def test_the_exact_answers_are_judged_inside_without_the_exact_judge(sigmoid_banks):
    cfg, _, bank, _ = sigmoid_banks
    for cid in ("correctness.benign", "stability.saturated", "stability.underflow"):
        cb = bank.checks[cid]
        inside, ratio, _ = surely_inside(cb, [dict(e.expected) for e in cb.entries], False)
        assert inside.all(), cid
        assert (ratio <= 1).all()


# --------------------------------------------------------------------------- the cache beside the grades
def _assignment(seed: int = 11):
    head = {"name": "bank", "profile": "quick", "seed": seed}
    tasks = [
        {"name": "sigmoid", "function": "sigmoid", "target": "sigmoid", "points": 10},
        {
            "name": "cost",
            "function": "compute_cost_logistic",
            "target": "cost",
            "points": 10,
            "checks": ["correctness.benign", "stability.saturated"],
        },
    ]
    return parse_assignment({"assignment": head, "task": tasks}, "bank")


def test_banks_are_cached_beside_the_grades_and_read_back_equal(tmp_path, monkeypatch):
    a = _assignment()
    first = banking.prepare(a, tmp_path)
    files = sorted(p.name for p in (tmp_path / banking.BANK_DIR).iterdir())
    assert len(files) == 2 and all(f.endswith(f"-{verifier.__version__}.npz") for f in files)

    def no_build(*args, **kwargs):
        raise AssertionError("the bank was built again instead of read")

    monkeypatch.setattr(banking, "build", no_build)
    again = banking.prepare(a, tmp_path)
    for task, bank in first.items():
        other = again[task]
        assert other.key == bank.key and list(other.checks) == list(bank.checks)
        for cid, cb in bank.checks.items():
            ob = other.checks[cid]
            assert (ob.hard, ob.shares, len(ob.entries)) == (cb.hard, cb.shares, len(cb.entries))
            for e, o in zip(cb.entries, ob.entries):
                assert o.case.plain() == e.case.plain()
                for comp in e.expected:
                    assert np.array_equal(o.expected[comp], e.expected[comp], equal_nan=True)
                    assert np.array_equal(o.envelope[comp], e.envelope[comp], equal_nan=True)
    finite = again["sigmoid"].checks["stability.finite"]
    tails = [again["sigmoid"].checks[f"stability.{r}"] for r in TAIL_REGIONS]
    assert {id(e) for e in finite.entries} == {id(e) for cb in tails for e in cb.entries}


def test_a_changed_assignment_builds_a_new_bank(tmp_path):
    banking.prepare(_assignment(seed=11), tmp_path)
    banking.prepare(_assignment(seed=12), tmp_path)
    assert len(list((tmp_path / banking.BANK_DIR).iterdir())) == 4


def test_a_damaged_cache_file_is_built_again(tmp_path):
    a = _assignment()
    banking.prepare(a, tmp_path)
    for p in (tmp_path / banking.BANK_DIR).iterdir():
        p.write_bytes(b"not a bank")
    again = banking.prepare(a, tmp_path)
    assert set(again) == {"sigmoid", "cost"}
    assert all(len(p.read_bytes()) > 100 for p in (tmp_path / banking.BANK_DIR).iterdir())


def test_grading_uses_the_prepared_bank_instead_of_building_one(tmp_path, monkeypatch):
    from verifier.grading.discovery import discover
    from verifier.grading.scoring import grade_submission

    a = _assignment()
    banks = banking.prepare(a, tmp_path / "out")
    sub = tmp_path / "subs"
    sub.mkdir()
    (sub / "ok.py").write_text(
        "import numpy as np\n"
        "from scipy.special import expit as sigmoid\n"
        "def compute_cost_logistic(X, y, w, b):\n"
        "    z = X @ w + b\n"
        "    return float(np.mean(np.logaddexp(0, z) - y * z))\n"
    )

    def no_build(*args, **kwargs):
        raise AssertionError("grading built a bank of its own")

    monkeypatch.setattr(bank_mod, "build", no_build)
    grade = grade_submission(discover(sub)[0], a, banks=banks)
    assert grade.score == grade.max_score == 20, [t.message for t in grade.tasks]


# --------------------------------------------------------------------------- seed independence, one timeout
CUTOFF_GRADIENT = textwrap.dedent(
    """
    import numpy as np

    def compute_gradient_logistic(X, y, w, b):
        z = X @ w + b
        f = np.where(z < -20, 0.0, 1 / (1 + np.exp(-np.clip(z, -500, 500))))
        err = f - y
        return X.T @ err / X.shape[0], float(np.mean(err))
    """
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_cutoff_below_z_minus_20_is_caught_under_every_seed_at_quick(tmp_path, seed):
    path = tmp_path / "cutoff.py"
    path.write_text(CUTOFF_GRADIENT)
    result = verifier.check(str(path), target="gradient", profile="quick", seed=seed, only=["stability.saturated"])
    assert not result.passed
    assert result.checks[0].counterexample is not None


def test_a_function_that_hangs_times_out_once_and_is_not_called_again(tmp_path):
    path = tmp_path / "hangs.py"
    path.write_text(
        "import time\nimport numpy as np\n"
        "def sigmoid(z):\n"
        "    z = np.asarray(z, dtype=float)\n"
        "    if np.any(np.abs(z) > 30):\n"
        "        time.sleep(60)\n"
        "    return 1 / (1 + np.exp(-z))\n"
    )
    result = verifier.check(str(path), target="sigmoid", profile="quick", seed=0, call_timeout=0.5)
    timed_out = [c for c in result.checks if "did not return within" in c.message and c.status != "skipped"]
    skipped = [c for c in result.checks if c.status == "skipped"]
    assert len(timed_out) == 1
    assert skipped and all("not called again" in c.message for c in skipped)
    assert result.elapsed < 20


def test_profiles_bound_exploration_per_check():
    from verifier.spec.profiles import PROFILES

    assert PROFILES["quick"].explore == 0, "the bundled assignments' profile: the bank alone, the same for all"
    assert all(p.check_seconds <= 10 for p in PROFILES.values())


def test_a_model_without_bias_is_judged_on_dj_dw_alone_through_the_bank():
    """A signature without b returns no dj_db: the bank keeps only the components it judges."""

    def grad(X, y, w):
        z = X @ w
        e = np.exp(-np.abs(z))
        p = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        return X.T @ (p - y) / len(y)

    result = verifier.check(grad, target="gradient", signature="X, y, w -> dj_dw", profile="quick", seed=3)
    assert result.passed, [c.message for c in result.failed()]
    assert next(c for c in result.checks if c.id == "correctness.benign").examples > 0


def test_a_softmax_bank_is_cached_and_read_back_equal(tmp_path, monkeypatch):
    """Weights W, class labels and bias vectors survive the bank file."""
    head = {"name": "softmax", "profile": "quick", "seed": 5}
    tasks = [
        {
            "name": "loss",
            "function": "softmax_loss_vectorized",
            "target": "softmax-cost-and-gradient",
            "convention": "cs231n",
            "lambda": 0.5,
            "points": 10,
            "checks": ["correctness.benign", "stability.overflow"],
        },
        {
            "name": "ce",
            "function": "cross_entropy",
            "target": "softmax-loss",
            "points": 5,
            "checks": ["correctness.labels"],
        },
    ]
    a = parse_assignment({"assignment": head, "task": tasks}, "softmax")
    first = banking.prepare(a, tmp_path)
    monkeypatch.setattr(banking, "build", lambda *args, **kwargs: pytest.fail("the bank was built again"))
    again = banking.prepare(a, tmp_path)
    for task, bank in first.items():
        for cid, cb in bank.checks.items():
            for e, o in zip(cb.entries, again[task].checks[cid].entries, strict=True):
                assert o.case.plain() == e.case.plain()
                for k in ("W", "yidx", "b", "z"):
                    if k in e.case:
                        assert np.array_equal(np.asarray(o.case[k]), np.asarray(e.case[k]))
                        assert np.asarray(o.case[k]).dtype == np.asarray(e.case[k]).dtype
    overflow = again["loss"].checks["stability.overflow"].entries
    assert overflow and all(np.max(np.abs(e.case.logits_float)) > 700 for e in overflow[:5])
