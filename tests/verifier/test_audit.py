"""verifier audit on the numpy and scipy adapters: the verdicts the oracle must reach, the JSON
records, the HTML and markdown tables and the command line.  Profile quick, a few checks each."""

import dataclasses
import json

import pytest

from verifier import cli
from verifier.audit.adapters import scipy_softmax, scipy_special
from verifier.audit.run import audit, run_function, to_markdown
from verifier.report import audit_html

pytest.importorskip("scipy")


def _function(module, name):
    return next(f for f in module.functions() if f.function == name)


def test_scipy_expit_passes_robust():
    row = run_function(_function(scipy_special, "scipy.special.expit"), "x", "float64", "robust", "quick", 0)
    assert row.passed, [c.message for c in row.result.failed()]
    assert row.worst_ulps >= 0


def test_scipy_log_expit_loss_passes_both_standards():
    fn = _function(scipy_special, "scipy.special.log_expit")
    for standard in ("robust", "strict"):
        row = run_function(
            fn,
            "x",
            "float64",
            standard,
            "quick",
            0,
            only=["correctness.benign", "stability.saturated", "stability.cancellation"],
        )
        assert row.passed, (standard, [c.message for c in row.result.failed()])


def test_numpy_textbook_cost_fails_stability_with_log_of_zero():
    result = audit(
        ["numpy"],
        precisions=("float64",),
        standards=("robust",),
        functions=["compute_cost"],
        only=["correctness.benign", "stability.overflow", "stability.finite"],
    )
    (row,) = result.rows
    assert row.result.tier_passed("correctness")
    assert {c.id for c in row.result.failed()} == {"stability.overflow", "stability.finite"}
    assert {d for d, _, _ in row.defects} == {"nonfinite"}
    assert row.unexplained() == []


def test_the_residual_sigmoid_minus_y_passes_robust_and_fails_strict_in_the_saturated_tail():
    fn = _function(scipy_special, "expit(z) - y gradient")
    robust = run_function(fn, "x", "float64", "robust", "quick", 0, only=["stability.saturated"])
    strict = run_function(fn, "x", "float64", "strict", "quick", 0, only=["stability.saturated"])
    assert robust.passed
    assert not strict.passed
    assert [d for d, _, _ in strict.defects] == ["residual-cancellation"]


def test_scipy_softmax_and_logsumexp_pass_both_standards():
    for name in ("scipy.special.softmax", "scipy.special.logsumexp"):
        for standard in ("robust", "strict"):
            row = run_function(_function(scipy_softmax, name), "x", "float64", standard, "quick", 0)
            assert row.passed, (name, standard, [c.message for c in row.result.failed()])


def test_scipy_log_softmax_passes_robust_and_fails_strict_with_log_instead_of_log1p():
    fn = _function(scipy_softmax, "scipy.special.log_softmax")
    only = ["correctness.benign", "stability.saturated"]
    assert run_function(fn, "x", "float64", "robust", "quick", 0, only=only).passed
    strict = run_function(fn, "x", "float64", "strict", "quick", 0, only=["stability.saturated"])
    assert not strict.passed
    assert "log-sum-not-log1p" in {d for d, _, _ in strict.defects}
    assert strict.unexplained() == []


def test_the_softmax_residual_passes_robust_and_its_cancellation_is_named_under_strict():
    fn = _function(scipy_softmax, "softmax(z) - Y gradient")
    assert run_function(fn, "x", "float64", "robust", "quick", 0, only=["stability.saturated"]).passed
    strict = run_function(fn, "x", "float64", "strict", "quick", 0, only=["stability.saturated"])
    assert not strict.passed
    assert "softmax-residual-cancellation" in {d for d, _, _ in strict.defects}


def test_the_log_sum_matcher_reproduces_the_value_before_it_names_the_defect():
    """A failure that the shifted log(sum) formula does not reproduce is not put on its account."""
    from verifier.audit import known
    from verifier.spec.results import CheckResult, Counterexample

    fn = _function(scipy_softmax, "scipy.special.log_softmax")

    def failed(actual: float) -> CheckResult:
        ce = Counterexample(
            inputs={"z": [[0.0, -40.0]]},
            expected={"value": [["-4.248354255291589e-18", "-40.0"]]},
            actual={"value": [[actual, -40.0]]},
        )
        return CheckResult("stability.saturated", "stability", "t", False, "m", 1, ce)

    assert known._log_sum_not_log1p(fn, "float64", failed(0.0))  # what log(1 + e^-40) gives
    assert known._log_sum_not_log1p(fn, "float64", failed(-1e-17)) is None  # wrong, but not that way


def test_the_log_sum_matcher_allows_a_library_its_own_last_bit():
    """float32 log_softmax of [-3.5, 3.5]: the formula gives -0.0009114164277 and torch's exp/log
    -0.0009114163695 (one float32 ulp apart); the truth is -0.00091146645: 860 ulps away from both."""
    from verifier.audit import known
    from verifier.spec.results import CheckResult, Counterexample

    fn = _function(scipy_softmax, "scipy.special.log_softmax")
    ce = Counterexample(
        inputs={"z": [[-3.5, 3.5]]},
        expected={"value": [["-7.0009114664537742", "-9.1146645377424469e-4"]]},
        actual={"value": [[-7.000911235809326, -0.0009114163694903255]]},
    )
    check = CheckResult("correctness.benign", "correctness", "t", False, "m", 1, ce)
    assert known._log_sum_not_log1p(fn, "float32", check)


def test_the_log_sum_matcher_allows_another_order_of_summation():
    """optax's smoothed cross-entropy (x64, float64) at eight classes: JAX adds the terms of the shifted
    sum in another order than numpy, so the loss is 146 ulps from the truth and 3 ulps from numpy's
    formula; with two classes there is one addition and no such slack (the test above)."""
    from verifier.audit import known
    from verifier.spec.results import CheckResult, Counterexample

    z = [3.8964815653802063, -3.1059935771417564, -3.1059935771417564, -3.1059935771417564]
    z += [-2.703257974485831e-19, -3.14901811510091, -3.1059935771417564, -3.1059935771417564]
    fn = _function(scipy_softmax, "scipy.special.log_softmax")
    fn = dataclasses.replace(fn, target="softmax-loss-smoothed")
    ce = Counterexample(
        inputs={"z": [z], "yidx": [0], "smoothing": 0.0},
        expected={"value": ["0.025407202762302472"]},
        actual={"value": [0.025407202762302978]},
    )
    check = CheckResult("correctness.labels", "correctness", "t", False, "m", 1, ce)
    assert known._log_sum_not_log1p(fn, "float64", check)
    far = Counterexample(ce.inputs, ce.expected, {"value": [0.025407202762312]})  # 1e-14 off: not that way
    assert (
        known._log_sum_not_log1p(
            fn, "float64", CheckResult("correctness.labels", "correctness", "t", False, "m", 1, far)
        )
        is None
    )


def test_the_logaddexp_rule_is_named_only_when_it_reproduces_jax_s_gradient():
    """jax.grad of optax's sigmoid cross-entropy (x64) at z = -32.24, y = 1: the residual is
    -exp(x - logaddexp(x, 0)) with the logaddexp rounded, 26 ulps from the truth."""
    from verifier.audit import known
    from verifier.spec.results import CheckResult, Counterexample

    fn = dataclasses.replace(_function(scipy_softmax, "scipy.special.log_softmax"), library="jax", target="gradient")
    inputs = {"X": [[0.25, 0.5], [0.25, 0.5]], "y": [1.0, 1.0], "w": [0.5, -0.25], "b": -32.23619130191663}
    expected = {"dj_dw": ["-0.2499999999999975", "-0.499999999999995"], "dj_db": ["-0.99999999999999"]}

    def failed(dw0: float) -> CheckResult:
        actual = {"dj_dw": [dw0, 2 * dw0], "dj_db": [4 * dw0]}
        ce = Counterexample(inputs=inputs, expected=expected, actual=actual)
        return CheckResult("stability.saturated", "stability", "t", False, "m", 1, ce)

    assert known._logaddexp_jvp(fn, "float64", failed(-0.24999999999999822))
    assert known._logaddexp_jvp(fn, "float64", failed(-0.2499999999999)) is None  # wrong another way
    other = dataclasses.replace(fn, library="torch")
    assert known._logaddexp_jvp(other, "float64", failed(-0.24999999999999822)) is None


@pytest.fixture(scope="module")
def small_audit():
    return audit(
        ["scipy"],
        precisions=("float64", "float32"),
        functions=["special.expit", "xlogy"],
        only=["correctness.benign", "stability.overflow"],
    )


def test_json_records_have_the_documented_fields(small_audit):
    records = json.loads(small_audit.dumps())
    assert len(records) == 2 * 2 * 2  # functions x precisions x standards
    rec = records[0]
    for key in ("library", "version", "function", "target", "precision", "standard", "passed", "regions", "diagnoses"):
        assert key in rec
    region = rec["regions"]["correctness.benign"]
    assert {"passed", "worst_ulps", "worst_bits", "counterexample"} <= set(region)
    strict_expit = next(
        r
        for r in records
        if r["function"] == "scipy.special.expit" and r["standard"] == "strict" and r["precision"] == "float64"
    )
    assert strict_expit["passed"] is False
    ce = strict_expit["regions"]["stability.overflow"]["counterexample"]
    assert ce["actual"]["value"] == [0.0]
    assert [d["id"] for d in strict_expit["known_defects"]] == ["subnormal-flush"]


def test_rows_pair_up_robust_and_strict(small_audit):
    pairs = small_audit.pairs()
    assert len(pairs) == 2 * 2
    assert all(r.standard == "robust" and s.standard == "strict" for r, s in pairs)


def test_html_and_markdown_tables(small_audit):
    html = audit_html.render(small_audit)
    assert html.count("<tr>") >= 4 and "scipy.special.expit" in html and "subnormal-flush" in html
    md = to_markdown(small_audit)
    assert "| scipy | `scipy.special.expit` | sigmoid | float64 | pass" in md
    assert "(library-defects.md#subnormal-flush)" in md


def test_cli_writes_html_json_and_markdown(tmp_path, capsys):
    code = cli.main(
        [
            "audit",
            "scipy",
            "--function",
            "log_expit",
            "--precision",
            "float64",
            "--only",
            "correctness.benign",
            "--out",
            str(tmp_path / "html"),
            "--json",
            str(tmp_path / "a.json"),
            "--markdown",
            str(tmp_path / "a.md"),
            "-q",
        ]
    )
    assert code == 0
    assert (tmp_path / "html" / "audit.html").exists()
    records = json.loads((tmp_path / "a.json").read_text())
    assert {r["standard"] for r in records} == {"robust", "strict"}
    assert "# Accuracy of library implementations" in (tmp_path / "a.md").read_text()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["audit", "matlab"], "has no adapter"),
        (["audit", "scipy", "--only", "no.such"], "unknown check id"),
        (["audit", "scipy", "--function", "nothing-matches"], "nothing to audit"),
    ],
)
def test_cli_usage_errors_exit_2(argv, message, capsys, tmp_path):
    assert cli.main(argv + ["--out", str(tmp_path), "-q"]) == 2
    assert message in capsys.readouterr().err
