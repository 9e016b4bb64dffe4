"""The known verdicts on the optional libraries (sklearn, statsmodels, torch, jax, tensorflow).

Each test runs only when its library is installed, in float64 with profile quick and only the checks
that reveal (or must not reveal) the defect.
"""

import pytest

from verifier.audit.run import run_function

pytestmark = pytest.mark.library


def _fn(module_name, name, variant=""):
    import importlib

    module = importlib.import_module(f"verifier.audit.adapters.{module_name}")
    return next(f for f in module.functions() if f.function == name and f.variant == variant)


def _run(fn, standard, only, precision="float64"):
    return run_function(fn, "x", precision, standard, "quick", 0, only=only)


def _defects(row):
    return {d for d, _, _ in row.defects}


TAILS = ["stability.saturated", "stability.overflow", "stability.underflow"]


def test_sklearn_log_loss_is_clipped_near_36():
    pytest.importorskip("sklearn")
    row = _run(_fn("sklearn_loss", "metrics.log_loss"), "robust", ["correctness.benign"] + TAILS)
    assert row.result.tier_passed("correctness")
    assert "sklearn-log-loss-clip" in _defects(row)


def test_sklearn_half_binomial_loss_is_sound_but_cancels_for_y_1():
    pytest.importorskip("sklearn")
    fn = _fn("sklearn_loss", "HalfBinomialLoss.loss")
    only = ["correctness.benign", "stability.saturated", "stability.cancellation"]
    assert _run(fn, "robust", only).passed
    strict = _run(fn, "strict", only)
    assert not strict.passed and "softplus-minus-yz" in _defects(strict)


def test_sklearn_linear_model_loss_is_the_regularized_course_cost():
    pytest.importorskip("sklearn")
    row = _run(_fn("sklearn_loss", "LinearModelLoss.loss_gradient (loss)"), "robust", ["correctness.benign"])
    assert row.passed, row.result.failed()[0].message if row.result.failed() else ""


def test_statsmodels_loglike_and_score_are_minus_m_times_cost_and_gradient():
    pytest.importorskip("statsmodels")
    for name in ("Logit.loglike", "Logit.score"):
        row = _run(_fn("statsmodels_logit", name), "robust", ["correctness.benign"])
        assert row.passed, name


def test_torch_sigmoid_and_logsigmoid_pass_robust():
    pytest.importorskip("torch")
    for name in ("torch.sigmoid", "F.logsigmoid"):
        assert _run(_fn("torch_nn", name), "robust", ["correctness.benign"] + TAILS).passed, name


def test_torch_binary_cross_entropy_clamps_the_log_at_minus_100():
    pytest.importorskip("torch")
    row = _run(_fn("torch_nn", "F.binary_cross_entropy"), "robust", TAILS)
    assert "torch-bce-log-clamp" in _defects(row)


def test_torch_bce_with_logits_returns_0_for_a_tiny_loss():
    pytest.importorskip("torch")
    row = _run(_fn("torch_nn", "F.binary_cross_entropy_with_logits"), "robust", TAILS)
    assert not row.passed and "log-one-plus-tiny" in _defects(row)


def test_torch_autograd_gradient_passes_robust_and_cancels_under_strict():
    pytest.importorskip("torch")
    fn = _fn("torch_nn", "autograd of mean binary_cross_entropy_with_logits")
    assert _run(fn, "robust", ["correctness.benign", "stability.saturated"]).passed
    strict = _run(fn, "strict", ["stability.saturated"])
    assert not strict.passed and "residual-cancellation" in _defects(strict)


def test_torch_autograd_of_sigmoid_cancels_under_strict():
    pytest.importorskip("torch")
    strict = _run(_fn("torch_nn", "autograd of torch.sigmoid"), "strict", ["stability.saturated"])
    assert "sigmoid-derivative-cancellation" in _defects(strict)


def test_jax_without_x64_computes_in_float32():
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    off = _run(_fn("jax_nn", "jax.nn.sigmoid", "x64 off"), "robust", ["correctness.benign"])
    assert not off.passed and _defects(off) == {"float32-default"}
    on = _run(_fn("jax_nn", "jax.nn.sigmoid", "x64 on"), "robust", ["correctness.benign"])
    assert on.passed


def test_tensorflow_sigmoid_cross_entropy_with_logits_passes_robust():
    pytest.importorskip("tensorflow")
    fn = _fn("tensorflow_keras", "tf.nn.sigmoid_cross_entropy_with_logits")
    assert _run(fn, "robust", ["correctness.benign", "stability.saturated"]).passed


# ---------------------------------------------------------------------------------- the softmax family


def test_torch_cross_entropy_passes_robust_and_loses_a_tiny_loss_under_strict():
    pytest.importorskip("torch")
    fn = _fn("torch_softmax", "F.cross_entropy")
    assert _run(fn, "robust", ["correctness.benign"] + TAILS).passed
    strict = _run(fn, "strict", ["stability.saturated"])
    assert not strict.passed and "log-sum-not-log1p" in _defects(strict)


@pytest.mark.parametrize(
    "module, name, library",
    [
        ("torch_softmax", "F.cross_entropy with label_smoothing", "torch"),
        ("torch_softmax", "F.cross_entropy with label_smoothing and probability targets", "torch"),
        (
            "tensorflow_softmax",
            "keras.losses.categorical_crossentropy(from_logits=True, label_smoothing)",
            "tensorflow",
        ),
    ],
)
def test_label_smoothing_passes_robust_and_keeps_only_the_log_sum_defect_under_strict(module, name, library):
    pytest.importorskip(library)
    fn = _fn(module, name)
    assert _run(fn, "robust", ["correctness.benign", "correctness.shapes"] + TAILS).passed
    strict = _run(fn, "strict", ["correctness.benign", "stability.saturated"])
    assert not strict.passed and _defects(strict) == {"log-sum-not-log1p"} and strict.unexplained() == []


def test_optax_smooth_labels_is_judged_like_the_other_libraries():
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    fn = _fn("jax_softmax", "optax.softmax_cross_entropy of optax.smooth_labels", "x64 on")
    assert _run(fn, "robust", ["correctness.benign", "correctness.labels"] + TAILS).passed
    strict = _run(fn, "strict", ["correctness.labels"])
    assert strict.unexplained() == []


def test_torch_softmax_passes_both_standards():
    pytest.importorskip("torch")
    for standard in ("robust", "strict"):
        assert _run(_fn("torch_softmax", "torch.softmax"), standard, ["correctness.benign"] + TAILS).passed


def test_jax_softmax_without_x64_computes_in_float32():
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    off = _run(_fn("jax_softmax", "jax.nn.softmax", "x64 off"), "robust", ["correctness.benign"])
    assert not off.passed and _defects(off) == {"float32-default"}
    assert _run(_fn("jax_softmax", "jax.nn.softmax", "x64 on"), "robust", ["correctness.benign"]).passed


def test_keras_categorical_crossentropy_from_probabilities_is_clipped():
    pytest.importorskip("tensorflow")
    row = _run(_fn("tensorflow_softmax", "keras.losses.categorical_crossentropy"), "robust", TAILS)
    assert not row.passed and "keras-bce-epsilon-clip" in _defects(row)


def test_sklearn_multinomial_loss_gradient_is_the_multinomial_gradient_and_refuses_one_class():
    pytest.importorskip("sklearn")
    fn = _fn("sklearn_softmax", "sklearn LinearModelLoss (multinomial) gradient")
    row = _run(fn, "robust", ["correctness.benign"])
    assert row.passed, row.result.failed()[0].message if row.result.failed() else ""
    shapes = _run(fn, "robust", ["correctness.shapes"])
    assert not shapes.passed and _defects(shapes) == {"sklearn-one-class"}
