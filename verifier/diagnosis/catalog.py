"""The catalog of mistakes the diagnosis module can name: stable ids, what each means, a hint.

Ids are stable: reports, grading rules and downstream tools refer to them (docs/diagnoses.md is the
documented form of this table).  ``family`` says how a mistake is detected:

- ``model``: the candidate's outputs equal a transformed correct answer (negated, times m, ...) on
  every probed case, within a tolerance far below the size of the transformation;
- ``numeric``: a failure with a numeric cause located by region (overflow past |z| = 709.78, log(0)
  once sigma rounds to 1, values pinned at a clip constant, cancellation, reduced precision);
- ``measured``: no exact model, but a measurement of how the error behaves names it: a constant ratio
  to the truth, the part that is wrong, an input the result ignores, a nonlinearity read back and fitted;
- ``contract``: the call itself misbehaves (wrong shape, mutated inputs, scalar-only code, raises);
- ``setup``: the submission does not load or lacks the function;
- ``unrecognized``: no model explains the evidence; the diagnosis states the facts instead.

Hints point toward the fix in words; they never contain the solution code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    """One catalog entry: ``id`` (stable), ``family``, a title, what it means, and a hint."""

    id: str
    family: str
    title: str
    meaning: str
    hint: str


_M = Mistake

CATALOG: tuple[Mistake, ...] = (
    # ------------------------------------------------------------------ setup
    _M(
        "syntax-error",
        "setup",
        "the submission does not parse",
        "Python could not parse the file (or a notebook cell), so nothing in it could be checked.",
        "Read the line the error names; an unclosed bracket usually shows up on the line after it.",
    ),
    _M(
        "load-error",
        "setup",
        "the submission (or what the function needs of it) cannot be loaded",
        "The submission could not be read or run at all (it ended the process while being imported, is not "
        "readable text or a valid notebook, or the graded file is a link), or a top-level statement the "
        "function depends on failed while loading: an import of a module that was not handed in, a data "
        "file that is not there (failing top-level statements are skipped with a note; only the functions "
        "that need what they define fail).",
        "Read the error: it names the statement and the line.  Hand in the helper modules your code imports, "
        "keep sys.exit() out of top-level code, and compute inside the function what it needs.",
    ),
    _M(
        "missing-function",
        "setup",
        "the function is not defined",
        "No function with the expected name exists in the submission.",
        "Check the spelling and that the function is defined at top level, not inside another function.",
    ),
    _M(
        "signature-mismatch",
        "setup",
        "the function does not take the assignment's arguments",
        "The function's parameters are not the ones the assignment calls it with (their number, or their "
        "order as their names tell), so its results cannot be judged.",
        "Compare your function's parameters with the call the assignment documents; the message shows both "
        "and, when the names tell, the signature that matches your order.",
    ),
    # ------------------------------------------------------------------ contract
    _M(
        "outputs-swapped",
        "contract",
        "outputs returned in the wrong order",
        "The values are right but come back in the wrong order (for example dj_dw where dj_db is expected).",
        "Compare the order of your return statement with the order the assignment documents.",
    ),
    _M(
        "wrong-shape",
        "contract",
        "result of the wrong shape (broadcasting)",
        "The result has the wrong shape, or the function fails for some shapes (one feature, one example): "
        "usually an array that broadcasts against another one in an unintended way.",
        "Print the shapes of X, y, w and of each intermediate array; a (m, 1) column combined with a (m,) "
        "vector broadcasts to (m, m).",
    ),
    _M(
        "mutates-input",
        "contract",
        "modifies its input arrays",
        "The function changes the caller's arrays in place (an in-place operator or a slice assignment).",
        "Work on new arrays: in-place operators such as +=, *= or **= on an argument change the caller's data.",
    ),
    _M(
        "rejects-arrays",
        "contract",
        "works only on Python scalars",
        "The function uses scalar-only operations (math.exp, if z > 0) and fails on numpy arrays.",
        "Use numpy's element-wise functions, and element-wise selection instead of an if on the whole array.",
    ),
    _M(
        "raises",
        "contract",
        "raises, hangs or ends the process on valid inputs",
        "The function raises an exception, does not return within the time limit, or ends the worker "
        "process, on inputs that are valid for the assignment.",
        "Run the function on the example shown and follow the traceback; for a hang, check loop conditions.",
    ),
    _M(
        "nondeterministic",
        "contract",
        "different results for the same inputs",
        "Two calls with identical inputs returned different results (random numbers, or state kept between calls).",
        "Remove randomness and global state from the computation.",
    ),
    # ------------------------------------------------------------------ mistake models
    _M(
        "sign-flipped",
        "model",
        "wrong sign",
        "The result is the negative of the right answer (the residual written as label minus prediction, or "
        "the derivative of the log-likelihood instead of the cost).",
        "The cost is the negative log-likelihood; its gradient uses prediction minus label.",
    ),
    _M(
        "not-averaged",
        "model",
        "sum instead of mean",
        "The result is m times the right answer: the sum over the examples is never divided by m.",
        "The cost and its gradient are averages over the m examples.",
    ),
    _M(
        "wrong-divisor",
        "model",
        "divided by the wrong count",
        "The sum over examples is divided by something other than m (n, m - 1, m instead of 2m, ...).",
        "Check which count the sum is divided by: the number of examples is the number of rows of X.",
    ),
    _M(
        "squared-error-gradient",
        "model",
        "gradient of the squared error",
        "The gradient carries an extra factor sigma(z)(1 - sigma(z)): it is the gradient of the squared "
        "error of sigma(z), not of the log-loss.",
        "For the log-loss the sigma'(z) factor cancels: the residual alone multiplies the features.",
    ),
    _M(
        "squared-error-cost",
        "model",
        "squared error instead of log-loss",
        "The cost is the mean squared error of sigma(z), not the cross-entropy (log-loss).",
        "Logistic regression's cost is the average of -y log(f) - (1 - y) log(1 - f).",
    ),
    _M(
        "missing-sigmoid",
        "model",
        "linear prediction used without the sigmoid",
        "The prediction Xw + b is used where sigma(Xw + b) belongs: the result is linear regression's.",
        "Pass the linear combination through the sigmoid before comparing it with the labels.",
    ),
    _M(
        "missing-bias",
        "model",
        "bias b ignored",
        "z is computed as X w without adding b.",
        "The logit of each example includes the bias term.",
    ),
    _M(
        "bias-regularized",
        "model",
        "bias term regularized",
        "The L2 penalty includes the bias b (or theta[0]), which is not regularized.",
        "Only the weights w (theta[1:]) enter the penalty and its gradient.",
    ),
    _M(
        "regularization-scale",
        "model",
        "penalty scaled wrongly",
        "The L2 penalty (or its gradient) has the wrong factor, e.g. lambda/m where lambda/(2m) belongs, "
        "or lambda/(2m) in the gradient where lambda/m belongs.",
        "The penalty is lambda/(2m) ||w||^2; differentiate it to get the factor of its gradient.",
    ),
    _M(
        "regularization-missing",
        "model",
        "penalty left out",
        "The result is the unregularized one: lambda is accepted but never used.",
        "Add the L2 penalty of the weights (and its gradient) to the unregularized result.",
    ),
    _M(
        "rows-dropped",
        "model",
        "some examples left out",
        "The result uses only some rows of X: the last row (a loop to m - 1), the first 32 (a mini-batch), "
        "or all but the remainder after chunks of 32.",
        "Check loop bounds and slices: every one of the m examples must contribute.",
    ),
    _M(
        "off-by-one",
        "model",
        "a feature left out",
        "One weight's gradient (the first or the last) is never computed: a loop over features stops one short.",
        "Check the range of the loop over the n features.",
    ),
    _M(
        "labels-swapped",
        "model",
        "labels swapped",
        "y and 1 - y are exchanged: the loss of label 1 is charged to label 0.",
        "The log of the predicted probability goes with y, the log of its complement with 1 - y.",
    ),
    _M(
        "wrong-axis",
        "model",
        "normalized over the wrong axis",
        "The maximum or the sum of the exponentials is taken down the examples (axis 0) instead of along "
        "each row of logits, so the columns, not the rows, are normalized.",
        "Each example's probabilities come from its own row: reduce along the last axis and keep its "
        "dimension so the result broadcasts against the row.",
    ),
    _M(
        "index-vs-onehot",
        "model",
        "class labels used as one-hot vectors (or the reverse)",
        "The label's number is used where its one-hot vector belongs: the loss weights every log p_k by "
        "the label, or the gradient subtracts the label from every class instead of 1 at the true class.",
        "A class label y selects one column: pick p[i, y[i]] for the loss and subtract 1 only there for the "
        "gradient (or build the one-hot matrix first).",
    ),
    _M(
        "label-off-by-one",
        "model",
        "class labels shifted by one",
        "The true class is read at y - 1 (classes counted from 1) or y + 1, so the loss and gradient use "
        "the neighbouring class.",
        "Class labels count from 0 in numpy: index the column y itself.",
    ),
    _M(
        "label-smoothing-misapplied",
        "model",
        "label smoothing applied in another way",
        "The smoothed targets are not (1 - eps) one_hot(y) + eps / K: the smoothing is ignored, eps is "
        "spread over the K - 1 other classes only, the uniform eps / K part is left out, or the loss is "
        "averaged over the classes instead of summed.",
        "Build the target row first: every class gets eps / K and the true class 1 - eps on top, so the row "
        "sums to 1; the loss is minus the sum over the classes of target times log-probability.",
    ),
    _M(
        "transposed",
        "model",
        "the weight gradient transposed",
        "dW is computed as (P - Y)^T X, one row per class, instead of X^T (P - Y), one column per class like W.",
        "dW must have the shape of W (n, K): put the features first in the product.",
    ),
    _M(
        "log-base",
        "model",
        "logarithm in another base",
        "The loss uses log10 or log2 where the natural logarithm belongs.",
        "The log-loss uses the natural logarithm.",
    ),
    _M(
        "chain-rule-denominator",
        "model",
        "chain rule stopped half-way",
        "The gradient multiplies by dL/df = (f - y)/(f(1 - f)) but leaves out df/dz = f(1 - f).",
        "Differentiate through the sigmoid as well: the two factors f(1 - f) cancel.",
    ),
    _M(
        "sigmoid-formula",
        "model",
        "sigmoid of -z",
        "The sigmoid is computed as 1/(1 + e^z), which is sigma(-z).",
        "sigma(z) tends to 1 for large positive z; check the sign in the exponent.",
    ),
    # ------------------------------------------------------------------ measured
    _M(
        "constant-output",
        "measured",
        "the same result for every input",
        "The function returns the same value (0.5, zeros, a fixed number) or one of its inputs unchanged "
        "whatever it is given: an unfinished stub.",
        "Compute the result from the inputs; a placeholder return value earns no points.",
    ),
    _M(
        "scaled",
        "measured",
        "off by a constant factor",
        "The result is exactly a constant times the right one on every probe, a constant that is no count "
        "of the problem (a learning rate: the step alpha * gradient returned instead of the gradient; a "
        "stray factor).",
        "Return the quantity itself; leave the step size and other factors to the caller.",
    ),
    _M(
        "regularization-sign",
        "measured",
        "penalty with the wrong sign",
        "The L2 penalty is subtracted instead of added (in the cost, its gradient, or both).",
        "The penalty lambda/(2m) ||w||^2 is added to the cost, and its gradient lambda/m w to dJ/dw.",
    ),
    _M(
        "loss-term-missing",
        "measured",
        "one term of the loss left out",
        "The examples of one class never change the result: the y log(f) or the (1 - y) log(1 - f) term is "
        "missing (or the labels are never used).",
        "The log-loss of an example has two terms, one for each label value; keep both.",
    ),
    _M(
        "order-dependent",
        "measured",
        "depends on the order of the examples",
        "Reordering the examples (rows of X with their labels) changes the result, which a sum over examples "
        "cannot do: something carries over from one example to the next.",
        "Compute each example's term from the inputs alone and add them up; do not update w or reuse a "
        "running value inside the loop.",
    ),
    _M(
        "wrong-nonlinearity",
        "measured",
        "another function in place of the sigmoid",
        "The logistic function is replaced by another S-shaped (or not) function: a base other than e, "
        "tanh, the normal CDF, a hard sigmoid, a softsign or arctan form; the message names it and its "
        "parameter, or the property of the logistic function that fails.",
        "sigma(z) = 1/(1 + e^(-z)); check the base, the sign and the scaling of z.",
    ),
    _M(
        "partly-wrong",
        "measured",
        "one part of the result wrong",
        "Some outputs (dj_db, one feature column of dj_dw, the penalty term) are wrong while the rest are "
        "right, and the wrong part is no simple multiple of the right one.",
        "Compare the wrong part's formula with the right ones beside it.",
    ),
    # ------------------------------------------------------------------ numeric causes
    _M(
        "overflow",
        "numeric",
        "exp overflows in the tails",
        "exp of a large argument overflows to inf beyond |z| = 709.78 (float64), and inf/inf or inf - inf "
        "gives NaN (or a wrong 0).",
        "Never exponentiate a large positive number: branch on the sign of z, subtract a row's maximum "
        "before exp (softmax, logsumexp), or use a library function written for this (logaddexp, expit, "
        "log_expit, logsumexp).",
    ),
    _M(
        "log-of-zero",
        "numeric",
        "log(0) once sigma rounds to 1",
        "sigma(z) rounds to exactly 1 beyond z = 36.7 (and to 0 far below), so log(1 - f) or log(f) is "
        "log(0) = -inf, and 0 * -inf is NaN; likewise the log of a softmax probability that underflows to 0 "
        "(log of softmax instead of log-softmax).",
        "Compute the loss from the logit z directly (log(1 + e^z) written without overflow; z - logsumexp(z) "
        "for a log-probability), not from the rounded probability.",
    ),
    _M(
        "clipping",
        "numeric",
        "values pinned at a clip constant",
        "The probability (or the log) is clipped at a constant such as 1e-15, 1e-7, machine epsilon or -100, "
        "so the result stops growing and stays pinned at the clip value in the tails.",
        "Clipping hides the log(0) problem but gives wrong values; compute the loss from the logit instead.",
    ),
    _M(
        "cutoff",
        "numeric",
        "sigma set to 0 or 1 beyond a threshold",
        "The code returns exactly 0 (or 1) once z passes a threshold it chose (if z < -20: return 0), "
        "where the true value is small but representable, so the loss there is 0 or log(0).",
        "Let the formula run for every z; a numerically stable form needs no threshold.",
    ),
    _M(
        "cancellation",
        "numeric",
        "cancellation in 1 - sigma or tanh forms",
        "The formula subtracts nearly equal numbers (1 - sigma(z), 1 + tanh(z/2) for negative z) and loses "
        "all accuracy, down to 0 where the true value is tiny but not zero.",
        "Use a form that never subtracts numbers close to 1, e.g. evaluate the branch that does not cancel "
        "for each sign of z.",
    ),
    _M(
        "reduced-precision",
        "numeric",
        "computed in float32 or float16",
        "The arithmetic is done in a narrower format (float32, float16) than the one asked for: about 7 "
        "(float32) or 3 (float16) correct digits.",
        "Keep the computation in the input's dtype; look for astype, dtype= or np.float32 conversions.",
    ),
    # ------------------------------------------------------------------ fallback
    _M(
        "unrecognized",
        "unrecognized",
        "failure not recognized",
        "No mistake in the catalog explains the evidence; the diagnosis lists the facts.",
        "Compare your result with the expected value on the example shown.",
    ),
)

MISTAKES: dict[str, Mistake] = {m.id: m for m in CATALOG}
ORDER: dict[str, int] = {m.id: i for i, m in enumerate(CATALOG)}


def get_mistake(mistake_id: str) -> Mistake:
    """The catalog entry ``mistake_id``; a ValueError listing the ids otherwise."""
    try:
        return MISTAKES[mistake_id]
    except KeyError:
        raise ValueError(f"mistake_id={mistake_id!r} is not in the catalog; known: {', '.join(MISTAKES)}") from None
