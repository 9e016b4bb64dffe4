"""Problem forms (mean or sum, the penalty's factor, the intercept penalized or not): the exact values
against an independent evaluation, and the envelopes that come with them."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.engine import strategies
from verifier.spec.case import Case
from verifier.spec.formats import FLOAT64
from verifier.spec.forms import DEFAULT_FORM, PENALTIES, REDUCTIONS, ProblemForm
from verifier.spec.targets import TARGETS

FORMS = st.builds(ProblemForm, st.sampled_from(REDUCTIONS), st.sampled_from(PENALTIES), st.booleans())


def _independent(case, form):
    """J and (dJ/dw, dJ/db) of the form, in mpmath at 400 bits straight from the definition."""
    with mpmath.workprec(400):
        X = [[mpmath.mpf(float(v)) for v in row] for row in np.asarray(case.X, dtype=np.float64)]
        w = [mpmath.mpf(float(v)) for v in np.asarray(case.w, dtype=np.float64)]
        b = mpmath.mpf(float(case.b))
        y = [mpmath.mpf(float(v)) for v in case.y]
        m, n = len(X), len(w)
        R = m if form.reduction == "sum" else 1
        c = {"lam/(2m)": mpmath.mpf(1) / (2 * m), "lam/2": mpmath.mpf(1) / 2, "lam": mpmath.mpf(1)}[form.penalty]
        c *= mpmath.mpf(case.lam)
        z = [mpmath.fsum(X[i][j] * w[j] for j in range(n)) + b for i in range(m)]
        loss = [mpmath.log1p(mpmath.exp(zi)) - yi * zi for zi, yi in zip(z, y)]
        r = [1 / (1 + mpmath.exp(-zi)) - yi for zi, yi in zip(z, y)]
        pen = mpmath.fsum(v * v for v in w) + (b * b if form.penalize_intercept else 0)
        J = R * mpmath.fsum(loss) / m + c * pen
        dw = [R * mpmath.fsum(X[i][j] * r[i] for i in range(m)) / m + 2 * c * w[j] for j in range(n)]
        db = R * mpmath.fsum(r) / m + (2 * c * b if form.penalize_intercept else 0)
        return J, dw, db


def _close(a, b, scale):
    with mpmath.workprec(400):
        return abs(mpmath.mpf(a) - b) <= mpmath.mpf(2) ** -100 * (abs(b) + scale)


@given(data=st.data(), form=FORMS, lam=st.sampled_from([0.0, 0.7, 3.0]))
@settings(max_examples=30)
def test_the_exact_values_of_every_form_match_an_independent_evaluation(data, form, lam):
    case = data.draw(strategies.problem_cases("benign", FLOAT64, lam=lam)).replace(form=form)
    J, dw, db = _independent(case, form)
    cost = TARGETS["cost"].exact(case)["cost"][()]
    grad = TARGETS["gradient"].exact(case)
    assert _close(cost, J, 1e-30)
    for got, want in zip(grad["dj_dw"], dw):
        assert _close(got, want, 1e-300)
    assert _close(grad["dj_db"][()], db, 1e-300)


def test_a_cancelling_gradient_component_is_computed_to_full_relative_accuracy():
    # the data term of dj_dw[0] and the penalty's term cancel to about 1e-17 of either: the data term
    # is recomputed at higher precision until the sum is known to 128 bits
    base = Case(X=np.array([[1.0], [-0.5]]), y=np.array([1.0, 0.0]), w=np.array([0.0]), b=0.0, lam=0.0)
    g0 = float(TARGETS["gradient"].exact(base)["dj_dw"][0])  # -0.5 at w = 0
    w = 2.0**-30
    case = base.replace(w=np.array([w]))
    g_data = TARGETS["gradient"].exact(case)["dj_dw"][0]
    lam = float(-g_data / w)  # the penalty term 2 (lam/2) w = lam w nearly cancels the data term
    form = ProblemForm("mean", "lam/2", False)
    got = TARGETS["gradient"].exact(case.replace(lam=lam, form=form))["dj_dw"][0]
    import reference

    precise = reference.gradient(case.X, case.y, case.w, case.b, prec=600).w[0]  # the data term to 600 bits
    with mpmath.workprec(600):
        truth = precise + mpmath.mpf(Fraction(lam).numerator) / Fraction(lam).denominator * w
    assert g0 < 0 and abs(truth) < 1e-15 * abs(g_data)
    assert abs(got - truth) <= abs(truth) * mpmath.mpf(2) ** -120


@given(data=st.data(), form=FORMS, lam=st.sampled_from([0.0, 0.7]))
@settings(max_examples=25)
def test_a_stable_float_evaluation_of_every_form_passes_the_robust_envelope(data, form, lam):
    from verifier.engine.judge import compare

    case = data.draw(strategies.problem_cases("benign", FLOAT64, lam=lam)).replace(form=form)
    X, y, w, b = (np.asarray(v, dtype=np.float64) for v in (case.X, case.y, case.w, case.b))
    m = len(y)
    z = X @ w + b
    R = m if form.reduction == "sum" else 1
    c = {"lam/(2m)": lam / (2 * m), "lam/2": lam / 2, "lam": lam}[form.penalty]
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    r = s - y
    bb = float(b) if form.penalize_intercept else 0.0
    got = {"dj_dw": R * (X.T @ r) / m + 2 * c * w, "dj_db": np.asarray(R * r.mean() + 2 * c * bb)}
    target = TARGETS["gradient"]
    assert compare(target, case, got, target.exact(case), FLOAT64, "robust").passed
    cost = R * np.mean(np.logaddexp(0, z) - y * z) + c * (w @ w + bb * bb)
    tc = TARGETS["cost"]
    assert compare(tc, case, {"cost": np.asarray(cost)}, tc.exact(case), FLOAT64, "robust").passed


def test_forms_say_what_values_they_take():
    assert DEFAULT_FORM.is_default and DEFAULT_FORM.scale(7) == 1
    assert ProblemForm("sum", "lam").scale(7) == 7
    assert ProblemForm("sum", "lam").equivalent_lambda(0.5, 10) == pytest.approx(1.0)
    for bad in ({"reduction": "average"}, {"penalty": "lam/m"}, {"penalize_intercept": "yes"}):
        with pytest.raises(ValueError):
            ProblemForm(**bad)
