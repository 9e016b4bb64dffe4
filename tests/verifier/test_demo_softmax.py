"""The example class graded on the bundled softmax assignments: each student's function earns the
score its code deserves.

The expected labels come from reading each student's code, not from a run of the grader:

* full: correct in every region (log-sum-exp after subtracting the row's maximum, or a library's
  stable softmax), so no check may cost it a point;
* partial: right for moderate scores but broken in the tails (exp without the max shift overflows to
  inf / NaN; probabilities clipped at 1e-15 or taken to log after underflowing to 0), so the
  correctness checks pass and some stability check fails;
* zero: wrong everywhere the oracle is compared (a penalty gradient of reg W instead of 2 reg W, a sum
  where the mean is asked, normalized over the examples instead of the classes, float32 arithmetic
  for a float64 task) or a stub returning zeros: no agreement check passes, so nothing is earned;
* missing: the student did not write the function (a failed task, assessed broken).
"""

from pathlib import Path

import pytest

from verifier.grading.assignment import load_assignment
from verifier.grading.batch import grade_class

ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = ROOT / "examples" / "submissions"
ASSIGNMENTS = ROOT / "examples" / "assignments"

FULL, PARTIAL, ZERO, MISSING = "full", "partial", "zero", "missing"

EXPECTED = {
    "cs231n_softmax.toml": {
        # student: (softmax_loss_naive, softmax_loss_vectorized)
        "alice": (FULL, FULL),  # shifted log-softmax, per row and vectorized
        "bob": (FULL, FULL),  # lecture loops with the shift; one-hot matrix and log-sum-exp
        "carol": (MISSING, MISSING),
        "dan": (ZERO, ZERO),  # dW += reg * W: the penalty's gradient lacks its factor 2
        "erin": (MISSING, MISSING),
        "frank": (ZERO, ZERO),  # loss and dW summed over the examples, never divided by N
        "grace": (MISSING, PARTIAL),  # log(clip(p, 1e-15, 1)): wrong once p < 1e-15
        "heidi": (FULL, ZERO),  # loops right; vectorized max and sum over axis 0 (the examples)
        "ivan": (MISSING, MISSING),
        "judy": (ZERO, ZERO),  # stubs: loss 0.0, dW zeros
        "ken": (MISSING, MISSING),
        "leo": (MISSING, PARTIAL),  # exp(scores) without the shift: overflow, then log(0)
    },
    "mls_softmax.toml": {
        "alice": (FULL,),  # exp(z - max(z))
        "bob": (PARTIAL,),  # loops over exp(z[k]) without the shift
        "carol": (FULL,),  # exp(z - max(z)) in the notebook
        "dan": (MISSING,),
        "erin": (PARTIAL,),  # the lab's exp(z) / sum(exp(z))
        "frank": (FULL,),  # scipy.special.softmax
        "grace": (FULL,),  # shifted
        "heidi": (MISSING,),
        "ivan": (ZERO,),  # float32 arithmetic: ~1e-7 relative error in a float64 task
        "judy": (ZERO,),  # stub: zeros
        "ken": (MISSING,),
        "leo": (MISSING,),
    },
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Each softmax assignment's grades of the example class, by assignment file and student."""
    out = {}
    for name in EXPECTED:
        run = grade_class(
            SUBMISSIONS, load_assignment(ASSIGNMENTS / name), tmp_path_factory.mktemp(name), jobs=2, progress=None
        )
        out[name] = {g.submission: g for g in run.grades}
    return out


def test_the_whole_class_is_graded(graded):
    for name, expected in EXPECTED.items():
        assert sorted(graded[name]) == sorted(expected)
        assert not any(g.error for g in graded[name].values())


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_function_earns_the_score_its_code_deserves(graded, name):
    for student, labels in EXPECTED[name].items():
        grade = graded[name][student]
        assert len(grade.tasks) == len(labels)
        for task, label in zip(grade.tasks, labels):
            where = f"{name}: {student}'s {task.function}"
            failed = [c.id for c in task.checks if not c.passed]
            if label == FULL:
                assert task.score == pytest.approx(task.max_score) and not failed, (where, failed)
                assert task.assessment == "correct", where
            elif label == PARTIAL:
                assert 0 < task.score < task.max_score, (where, task.score)
                assert task.assessment == "fragile", where
                assert failed and all(cid.startswith("stability.") for cid in failed), (where, failed)
            elif label == ZERO:
                assert task.score == 0, (where, task.score)
                assert task.assessment == "wrong", where
                assert "correctness.benign" in failed, (where, failed)
            else:
                assert task.score == 0 and task.assessment == "broken", where


def test_a_correct_function_loses_no_point_and_a_stub_earns_none(graded):
    cs231n = graded["cs231n_softmax.toml"]
    assert cs231n["alice"].score == cs231n["bob"].score == cs231n["alice"].max_score == 40
    assert cs231n["judy"].score == 0
    mls = graded["mls_softmax.toml"]
    assert {s: mls[s].score for s in ("alice", "carol", "frank", "grace")} == dict.fromkeys(
        ("alice", "carol", "frank", "grace"), 10
    )
    assert mls["judy"].score == 0
