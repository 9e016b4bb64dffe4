"""Signatures of softmax code: weights as W or WT, class labels as yidx or one-hot Y, cs231n's reg,
rows of logits or one example's logits (zrow), and the named signatures cs231n and my_softmax."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import verifier
from verifier.checking import bank_request
from verifier.spec.case import Case
from verifier.spec.conventions import get_convention, judged_components
from verifier.spec.formats import FLOAT64
from verifier.spec.forms import penalty_named
from verifier.spec.signatures import SignatureError, UnreadableOutput, parse
from verifier.spec.targets import TARGETS


def _problem(encoding: str = "float") -> Case:
    X = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 2.0]])
    W = np.array([[0.1, 0.2, -0.3], [0.5, 0.1, 0.0]])
    return Case(X=X, yidx=np.array([0, 2, 1]), W=W, b=np.array([0.1, 0.0, -0.2]), lam=0.5, y_encoding=encoding)


@pytest.mark.parametrize(
    "text, components",
    [
        ("z -> p", ("value",)),
        ("z, yidx -> loss", ("value",)),
        ("p, yidx -> loss", ("value",)),
        ("X, Y, W, b, lam -> dW, db", ("dj_dw", "dj_db")),
        ("W, X, yidx, reg -> J, dW", ("cost", "dj_dw")),
        ("WT, b, X, yidx -> {dW, db}, J", ("dj_dw", "dj_db", "cost")),
    ],
)
def test_softmax_signatures_say_what_they_return(text, components):
    assert parse(text).produces() == components


def test_arguments_are_built_in_each_declared_layout():
    case = _problem()
    W, Y, b = parse("W, Y, b, X -> J").make_args(case, FLOAT64)[:3]
    WT, yidx = parse("WT, yidx, b, X -> J").make_args(case, FLOAT64)[:2]
    assert W.shape == (2, 3) and WT.shape == (3, 2) and np.array_equal(WT, W.T)
    assert Y.dtype == np.float64 and np.array_equal(Y.argmax(axis=1), case.yidx) and np.all(Y.sum(axis=1) == 1)
    assert yidx.dtype == np.int64 and np.array_equal(yidx, case.yidx)
    assert b.shape == (3,)
    Y_int = parse("Y, W, X -> J").make_args(_problem("int"), FLOAT64)[0]
    yidx_int = parse("yidx, W, X -> J").make_args(_problem("int"), FLOAT64)[0]
    assert Y_int.dtype == np.int64 and yidx_int.dtype == np.int32


def test_a_gradient_is_read_in_the_layout_of_the_weights():
    case = _problem()
    dW = np.arange(6.0).reshape(2, 3)
    got = parse("X, yidx, WT, b -> dW, db").read(case, (dW.T, np.zeros(3)))
    assert np.array_equal(got["dj_dw"], dW)
    with pytest.raises(UnreadableOutput):  # (K, n) where (n, K) was asked: dW transposed is not dW
        parse("X, yidx, W, b -> dW, db").read(case, (dW.T, np.zeros(3)))


@pytest.mark.parametrize(
    "target, text, words",
    [
        ("softmax-cost", "X, y, W, b -> J", "class labels"),
        ("cost", "X, yidx, w, b -> J", "0/1 labels"),
        ("softmax-cost", "X, yidx, w, b -> J", "weight matrix"),
        ("softmax-gradient", "X, W, b -> dW, db", "class labels"),
        ("softmax-loss", "z -> loss", r"takes \(z, yidx\)"),
        ("softmax-loss-smoothed", "z, yidx -> loss", r"takes \(z, yidx, smoothing\)"),
        ("softmax-loss", "z, yidx, smoothing -> loss", r"takes \(z, yidx\)"),
    ],
)
def test_a_signature_that_cannot_express_the_target_says_why(target, text, words):
    with pytest.raises(SignatureError, match=words):
        judged_components(TARGETS[target], parse(text))


def test_the_smoothing_weight_is_passed_as_a_python_float_in_any_order():
    from verifier.spec.formats import FLOAT32

    case = Case(z=np.zeros((2, 3)), yidx=np.array([0, 2]), smoothing=0.1)
    target = TARGETS["softmax-loss-smoothed"]
    sig = parse("smoothing, Y, z -> loss")
    assert judged_components(target, sig) == ("value",)
    eps, Y, z = sig.make_args(case, FLOAT32)
    assert type(eps) is float and eps == 0.1
    assert Y.dtype == np.float32 and Y.tolist() == [[1, 0, 0], [0, 0, 1]] and z.dtype == np.float32
    assert get_convention("mls").signature(target, 0.0).text == "z, yidx, smoothing -> loss"
    with pytest.raises(SignatureError, match="did you mean 'smoothing'"):
        parse("z, yidx, label_smoothing -> loss")


def test_zrow_goes_alone():
    with pytest.raises(SignatureError, match="goes alone"):
        parse("zrow, yidx -> loss")


def test_the_named_signatures():
    cs231n, mls_softmax = get_convention("cs231n"), get_convention("my_softmax")
    target = TARGETS["softmax-cost-and-gradient"]
    assert cs231n.functions(target, 0.7) == ["softmax_loss_vectorized"]
    assert cs231n.signature(target, 0.7).text == "W, X, yidx, reg -> J, dW"
    assert mls_softmax.functions(TARGETS["softmax"], 0.0) == ["my_softmax"]
    assert mls_softmax.signature(TARGETS["softmax"], 0.0).per_row


def test_reg_means_the_cs231n_penalty_and_no_bias():
    cfg, _ = bank_request("softmax-cost-and-gradient", convention="cs231n", lam=0.7)
    assert cfg.form.penalty == "lam" and not cfg.bias
    assert cfg.target.components == ("cost", "dj_dw")
    cfg, _ = bank_request("softmax-cost", signature="X, yidx, W, b, lam -> J", lam=0.7)
    assert cfg.form.penalty == "lam/(2m)" and cfg.bias


def test_the_manifest_spellings_of_the_penalty():
    assert penalty_named("reg*sum(W^2)") == "lam"
    assert penalty_named("lam/(2m) * ||W||^2") == "lam/(2m)"
    with pytest.raises(ValueError, match="is not known"):
        penalty_named("reg*sum(|W|)")


def test_my_softmax_is_called_once_per_row_with_a_vector():
    shapes = []

    def my_softmax(z):
        shapes.append(np.shape(z))
        e = np.exp(z - np.max(z))
        return e / e.sum()

    result = verifier.check(my_softmax, target="softmax", convention="my_softmax", profile="quick", seed=5)
    assert result.passed, [c.message for c in result.failed()]
    assert shapes and all(len(s) == 1 for s in shapes)


def test_cs231n_code_with_the_old_half_penalty_is_wrong_under_reg():
    def softmax_loss_vectorized(W, X, y, reg):
        Z = X @ W
        Z = Z - Z.max(axis=1, keepdims=True)
        P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        m = X.shape[0]
        loss = -np.mean(np.log(P[np.arange(m), y])) + 0.5 * reg * np.sum(W * W)
        P[np.arange(m), y] -= 1
        return loss, X.T @ P / m + reg * W

    result = verifier.check(
        softmax_loss_vectorized, target="softmax-cost-and-gradient", convention="cs231n", lam=0.7, profile="quick"
    )
    assert "correctness.benign" in [c.id for c in result.failed()]


def test_the_cli_reads_a_course_spelling_of_the_penalty(capsys):
    from verifier.cli import main

    path = Path(__file__).resolve().parent.parent / "corpus_softmax" / "correct_vectorized_cs231n.py"
    argv = ["check", f"{path}::softmax_loss_vectorized", "--target", "softmax-cost-and-gradient"]
    argv += ["--signature", "W, X, yidx, reg -> J, dW", "--lambda", "0.7", "--profile", "quick"]
    assert main([*argv, "--penalty", "reg*sum(W^2)", "--only", "correctness.benign"]) == 0
    assert main([*argv, "--penalty", "lam/2", "--only", "correctness.benign"]) != 0  # not its penalty
    with pytest.raises(SystemExit):
        main([*argv, "--penalty", "reg*sum(|W|)"])
    assert "is not known" in capsys.readouterr().err
