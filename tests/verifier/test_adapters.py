"""The adapter registry, the numpy and scipy adapters, and the known-defect matchers."""

import math

import numpy as np
import pytest

from verifier.audit import adapters, known
from verifier.audit.adapters import numpy_textbook, scipy_special
from verifier.spec.results import CheckResult, Counterexample

pytest.importorskip("scipy")


def test_load_reports_installed_libraries_with_versions():
    loaded, notes = adapters.load(["numpy", "scipy"])
    assert [a.library for a in loaded] == ["numpy", "scipy"]
    assert loaded[0].version == np.__version__
    assert notes == []


def test_aliases_and_unknown_names():
    assert adapters.canonical("scikit-learn") == "sklearn"
    assert adapters.canonical("PyTorch") == "torch"
    with pytest.raises(ValueError, match="has no adapter; use one of: numpy"):
        adapters.canonical("matlab")


def test_a_library_that_is_not_installed_is_skipped_with_a_note(monkeypatch):
    monkeypatch.setitem(adapters.ADAPTERS, "numpy", ("verifier.audit.adapters.no_such_module",))
    loaded, notes = adapters.load(["numpy", "scipy"])
    assert [a.library for a in loaded] == ["scipy"]
    assert len(notes) == 1 and notes[0].startswith("numpy: skipped, not installed")


@pytest.mark.parametrize("module", [numpy_textbook, scipy_special])
def test_every_function_builds_a_callable_for_each_precision(module):
    for fn in module.functions():
        assert fn.library == module.LIBRARY
        for precision in fn.precisions:
            assert callable(fn.build(precision))


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_adapters_compute_in_the_precision_they_are_given(precision):
    z = np.array([-3.0, 0.5, 40.0], dtype=precision)
    y = np.array([0.0, 1.0, 1.0], dtype=precision)
    assert scipy_special.expit(z).dtype == np.dtype(precision)
    assert scipy_special.log_expit_loss(z, y).dtype == np.dtype(precision)
    X = np.ones((3, 2), dtype=precision)
    db, dw = scipy_special.expit_gradient(X, y, np.zeros(2, dtype=precision), np.dtype(precision).type(0.5))
    assert np.asarray(dw).dtype == np.dtype(precision)


def test_scipy_log_expit_loss_keeps_the_tail_that_the_textbook_loses():
    z = np.array([-40.0, 40.0])
    y = np.array([0.0, 1.0])
    exact = math.exp(-40.0)  # log1p(exp(-40)) to double precision
    assert scipy_special.log_expit_loss(z, y) == pytest.approx([exact, exact], rel=1e-15)
    assert numpy_textbook.loss_from_logit(z[:1], y[:1])[0] == 0.0


def _failed(check_id, inputs, expected, actual, z, tier="stability"):
    comp = next(iter(actual))
    ce = Counterexample(
        inputs=inputs, expected=expected, actual=actual, z=z, component=comp if comp == "cost" else f"{comp}[0]"
    )
    return CheckResult(id=check_id, tier=tier, title="", passed=False, message="", counterexample=ce)


def _fn(library, function, target):
    return adapters.LibraryFunction(library, function, target, lambda p: None)


def test_sklearn_log_loss_cap_is_recognised():
    check = _failed(
        "stability.saturated", {"f": [1.0], "y": [0.0]}, {"value": ["inf"]}, {"value": [36.04365338911715]}, [40.0]
    )
    found = known.explain(_fn("sklearn", "metrics.log_loss", "loss"), "float64", check)
    assert [d.id for d, _ in found] == ["sklearn-log-loss-clip"]
    assert "36.04" in found[0][1]


def test_torch_clamp_at_100_is_recognised():
    check = _failed("stability.overflow", {"f": [0.0], "y": [1.0]}, {"value": ["800.0"]}, {"value": [100.0]}, [-800.0])
    ids = [d.id for d, _ in known.explain(_fn("torch", "F.binary_cross_entropy", "loss"), "float64", check)]
    assert ids == ["torch-bce-log-clamp"]


def test_log_of_one_plus_tiny_is_recognised():
    check = _failed(
        "stability.saturated",
        {"z": [-37.43], "y": [0.0]},
        {"value": ["5.5511151231257827e-17"]},
        {"value": [0.0]},
        [-37.43],
    )
    fn = _fn("torch", "F.binary_cross_entropy_with_logits", "loss-from-logit")
    assert [d.id for d, _ in known.explain(fn, "float64", check)] == ["log-one-plus-tiny"]


def test_float32_results_are_recognised_only_on_ordinary_values():
    exact = 0.6224593312018546
    got = float(np.float32(exact))
    benign = _failed(
        "correctness.benign", {"z": [0.5]}, {"value": [repr(exact)]}, {"value": [got]}, [0.5], tier="correctness"
    )
    fn = _fn("jax", "jax.nn.sigmoid", "sigmoid")
    assert [d.id for d, _ in known.explain(fn, "float64", benign)] == ["float32-default"]
    assert known.explain(fn, "float32", benign) == []


def test_a_passed_check_is_never_explained():
    ok = CheckResult(id="correctness.benign", tier="correctness", title="", passed=True, message="")
    assert known.explain(_fn("numpy", "x", "sigmoid"), "float64", ok) == []


def test_every_known_defect_has_a_reference_and_a_standard():
    for defect in known.DEFECTS:
        assert defect.standard in ("robust", "strict")
        assert defect.references and all(r.startswith("https://") for r in defect.references)


def test_every_known_defect_is_explained_in_the_defects_document():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / known.DOC).read_text()
    missing = [d.id for d in known.DEFECTS if f"\n### {d.id}\n" not in doc]
    assert missing == []
