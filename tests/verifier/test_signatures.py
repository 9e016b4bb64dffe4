"""Signatures: parsing, calling and reading back, for every spelling of the vocabulary."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.engine import strategies
from verifier.spec.case import Case
from verifier.spec.conventions import CONVENTIONS, judged_components
from verifier.spec.formats import FLOAT64
from verifier.spec.signatures import SignatureError, UnreadableOutput, parse, suggest
from verifier.spec.targets import TARGETS

EXAMPLES = {
    "theta, X1, y, lam -> J, grad": ("cost-and-gradient", ("cost", "dj_dw", "dj_db")),
    "lam, theta, X1, y -> J, grad": ("cost-and-gradient", ("cost", "dj_dw", "dj_db")),
    "X1, y, theta -> J": ("cost", ("cost",)),
    "theta, X1, y -> grad": ("gradient", ("dj_dw", "dj_db")),
    "theta, X1, ycol -> J, grad": ("cost-and-gradient", ("cost", "dj_dw", "dj_db")),
    "wcol, b, XT, yrow -> {dw, db}, J": ("cost-and-gradient", ("cost", "dj_dw", "dj_db")),
    "X, y, w, b -> dj_db, dj_dw": ("gradient", ("dj_dw", "dj_db")),
    "X, w, b -> p": ("predict", ("p",)),
    "theta, X1 -> p": ("predict", ("p",)),
    "X, y, w -> dj_dw": ("gradient", ("dj_dw",)),
    "y, X1, theta, lam -> J, grad": ("cost-and-gradient", ("cost", "dj_dw", "dj_db")),
}


def _exact_outputs(target, case):
    return {
        k: np.array([float(x) for x in np.asarray(v).reshape(-1)]).reshape(np.shape(v))
        for k, v in target.exact(case).items()
    }


def _emulate(sig, case):
    """What a correct function with ``sig`` returns for ``case``, built from the oracle."""
    cost = float(TARGETS["cost"].exact(case)["cost"][()])
    g = _exact_outputs(TARGETS["gradient"], case)
    dw, db = g["dj_dw"], float(g["dj_db"])
    p = np.array([1.0 if z >= 0 else 0.0 for z in case.exact_logits])
    out = []
    for o in sig.outputs:
        if o.name == "J":
            out.append(cost)
        elif o.name == "grad":
            out.append(np.concatenate([[db], dw]) if sig.intercept else dw)
        elif o.name == "dj_dw":
            out.append(dw.reshape(-1, 1) if sig.weights == "wcol" else dw)
        elif o.name == "dj_db":
            out.append(db)
        elif o.name == "p":
            out.append(p.reshape(1, -1) if sig.features == "XT" else p)
        elif o.name == "dict":
            out.append({"dw": dw.reshape(-1, 1) if sig.weights == "wcol" else dw, "db": db})
    return out[0] if len(out) == 1 else tuple(out)


@pytest.mark.parametrize("text", list(EXAMPLES))
@given(data=st.data())
def test_every_example_signature_calls_with_its_shapes_and_reads_back_the_truth(text, data):
    target_name, judged = EXAMPLES[text]
    sig = parse(text)
    target = TARGETS[target_name]
    assert judged_components(target, sig) == tuple(c for c in target.components if c in judged)
    case = data.draw(strategies.problem_cases("benign", FLOAT64, lam=0.5 if sig.takes_lambda else 0.0))
    if not sig.bias:
        case = case.without_bias()
    args = sig.make_args(case, FLOAT64)
    assert len(args) == len(sig.inputs)
    m, n = case.m, case.n
    shapes = {
        "X": (m, n),
        "X1": (m, n + 1),
        "XT": (n, m),
        "y": (m,),
        "ycol": (m, 1),
        "yrow": (1, m),
        "w": (n,),
        "wcol": (n, 1),
        "theta": (n + 1,),
        "thetacol": (n + 1, 1),
    }
    for name, arg in zip(sig.inputs, args):
        if name in shapes:
            assert np.shape(arg) == shapes[name], name
    if "X1" in sig.inputs:
        assert np.all(args[sig.inputs.index("X1")][:, 0] == 1.0)
    if "theta" in sig.inputs:
        assert args[sig.inputs.index("theta")][0] == case.b
    read = sig.read(case, _emulate(sig, case))
    expected = _exact_outputs(target, case)
    for comp in judged:
        np.testing.assert_allclose(read[comp], expected[comp], rtol=1e-12, atol=1e-300)
    assert sig.shape_problems(case, _emulate(sig, case)) == []


def test_a_model_without_bias_is_called_with_the_same_logits():
    case = Case(X=np.array([[1.0, 2.0], [3.0, -1.0]]), y=np.array([0.0, 1.0]), w=np.array([0.5, 0.25]), b=0.75)
    flat = case.without_bias()
    assert flat.b == 0.0 and flat.n == 3
    assert [float(z) for z in flat.exact_logits] == [float(z) for z in case.exact_logits]


@pytest.mark.parametrize(
    "text, words",
    [
        ("theta, X -> J", "theta comes with X1"),
        ("X1, y, w, b -> J", "use theta or thetacol"),
        ("X, y, w, b -> grad", "write dj_dw, dj_db"),
        ("X, y, w -> dj_db", "no dj_db"),
        ("X, y, w, b -> J, cost", "did you mean"),
        ("X, y, wieghts, b -> J", "not known"),
        ("X, y, w, b", "'->'"),
        ("X, X1, w -> J", "twice"),
        ("X, y, w, b -> {dw, dx}", "dict key"),
        ("X, y -> J", "no parameters"),
        ("theta, X1, y, b -> J", "drop b"),
        ("z, y, w -> value", "need features"),
    ],
)
def test_bad_signatures_say_what_to_write(text, words):
    with pytest.raises(SignatureError, match=words):
        parse(text)


def test_a_signature_that_cannot_express_the_target_is_refused():
    with pytest.raises(SignatureError, match="needs the labels"):
        judged_components(TARGETS["cost"], parse("X, w, b -> J"))
    with pytest.raises(SignatureError, match="returns none"):
        judged_components(TARGETS["cost"], parse("X, y, w, b -> dj_dw, dj_db"))
    with pytest.raises(SignatureError, match="does not take labels"):
        judged_components(TARGETS["predict"], parse("X, y, w, b -> p"))


def test_outputs_that_do_not_fit_are_unreadable_with_the_reason():
    sig = parse("X, y, w, b -> dj_db, dj_dw")
    case = Case(X=np.ones((3, 2)), y=np.array([0.0, 1.0, 1.0]), w=np.zeros(2), b=0.0)
    with pytest.raises(UnreadableOutput, match="expected 2 values"):
        sig.read(case, 1.0)
    with pytest.raises(UnreadableOutput, match="shape"):
        sig.read(case, (0.0, np.zeros((3, 3))))
    with pytest.raises(UnreadableOutput, match="None"):
        sig.read(case, (None, np.zeros(2)))
    dlai = parse("wcol, b, XT, yrow -> {dw, db}, J")
    with pytest.raises(UnreadableOutput, match='"dw", "db"'):
        dlai.read(case, ({"dw": np.zeros(2)}, 0.5))


def test_a_function_order_is_read_from_its_parameter_names():
    sig = parse("theta, X1, y, lam -> J, grad")
    assert suggest(("lambda_", "theta", "X", "y"), sig) == "lam, theta, X1, y -> J, grad"
    assert suggest(("theta", "X", "y", "Lambda"), sig) == "theta, X1, y, lam -> J, grad"
    assert suggest(("mylambda", "thea", "x", "y"), sig) == "lam, theta, X1, y -> J, grad"
    assert suggest(("a", "b", "c", "d"), sig) == ""
    assert suggest(("theta", "X", "y"), sig) == ""  # a different number of parameters
    assert suggest(("*args",), sig) == ""


def test_every_convention_is_a_table_of_named_signatures_that_fit_its_targets():
    for conv in CONVENTIONS.values():
        for name, target in TARGETS.items():
            try:
                conv.functions(target, 0.0)
            except ValueError:
                continue  # the convention has no function for this target (dlai: Hessian, linear)
            for lam in (0.0, 1.0) if conv.supports_lambda and target.regularizable else (0.0,):
                sig = conv.signature(target, lam)
                assert sig.takes_lambda == bool(lam)
                assert judged_components(target, sig), (conv.name, name)
