"""Error envelopes: how far a candidate's output may be from the exact value.

The derivations are in docs/envelopes.md.  Two standards:

- ``strict``: mixed stability.  The output must be within a few units of roundoff of the exact value
  on inputs perturbed by a few units of roundoff: FEW * u * (|exact| + kappa), where kappa is the
  sum of |d out / d input| * |input| over the float inputs X, w, b, z and f (labels y and lambda are
  exact data and are not perturbed).  Sums get a pairwise-summation allowance of
  (1 + log2 m) * FEW * u * sum of |terms|, and the absolute floor is FEW smallest subnormals.
- ``robust``: strict plus what a stable evaluation of the textbook formulas adds: each subtraction
  the textbook formula performs may err by a few u times the magnitude of its operands (residual
  sigma(z) - y: u (sigma + |y|); loss softplus(z) - y z: u (softplus(z) + |y z|); 1 - sigma in
  sigma(1 - sigma): u sigma), recursive summation errs by up to gamma_m * sum of |terms| (Higham),
  the rounding of z = Xw + b by gamma_(n+1) * sum |x w| propagates through the derivative, and
  below the smallest normal number an absolute floor of a few tiny.

Every function takes the exact inputs as float64 arrays plus exact logits rounded to float64,
works in float64 (an envelope is a bound, not an exact value; quantities that underflow are far
below the absolute floor) and returns the allowed absolute error per output component.
"""

from __future__ import annotations

import math

import numpy as np

from verifier.spec.formats import Format

FEW = 4.0  # strict: "a few" units of roundoff
ROBUST_FEW = 8.0  # robust: the constant in front of each textbook-term allowance

STANDARDS = ("robust", "strict")

Envelope = dict[str, np.ndarray]


def check_standard(standard: str) -> str:
    if standard not in STANDARDS:
        raise ValueError(f"standard={standard!r} is not supported; use 'robust' or 'strict'")
    return standard


def gamma(k: int, fmt: Format) -> float:
    """Higham's gamma_k = k u / (1 - k u): the worst-case relative error of k accumulated roundings."""
    ku = k * fmt.u
    return ku / (1.0 - ku) if ku < 0.5 else math.inf


def pairwise(k: int, fmt: Format) -> float:
    """The strict allowance for a sum of k terms: FEW (1 + log2 k) u."""
    return FEW * (1.0 + math.log2(max(k, 1))) * fmt.u


# ----------------------------------------------------------------- stable float64 helpers
def _sigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _dsigmoid(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(-np.abs(z))
        return e / (1.0 + e) ** 2


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def _residual(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """sigma(z) - y without cancellation for 0/1 labels."""
    return (1.0 - y) * _sigmoid(z) - y * _sigmoid(-z)


def _abs(a) -> np.ndarray:
    return np.abs(np.asarray(a, dtype=np.float64))


# ----------------------------------------------------------------- pointwise targets
def sigmoid(z, exact, fmt: Format, standard: str) -> Envelope:
    z = np.asarray(z, dtype=np.float64)
    s = _abs(exact)
    env = FEW * fmt.u * (s + _abs(z) * _dsigmoid(z)) + FEW * fmt.eta
    if standard == "robust":
        env = env + ROBUST_FEW * fmt.u * s + ROBUST_FEW * fmt.tiny
    return {"value": env}


def sigmoid_derivative(z, exact, fmt: Format, standard: str) -> Envelope:
    z = np.asarray(z, dtype=np.float64)
    d = _abs(exact)
    s = _sigmoid(z)
    env = FEW * fmt.u * (d + _abs(z) * d * np.abs(1.0 - 2.0 * s)) + FEW * fmt.eta
    if standard == "robust":
        # sigma (1 - sigma): the subtraction 1 - sigma errs by u, times sigma.
        env = env + ROBUST_FEW * fmt.u * (d + s) + ROBUST_FEW * fmt.tiny
    return {"value": env}


def loss_from_logit(z, y, exact, fmt: Format, standard: str) -> Envelope:
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    L = _abs(exact)
    env = FEW * fmt.u * (L + _abs(z) * np.abs(_residual(z, y))) + FEW * fmt.eta
    if standard == "robust":
        env = env + ROBUST_FEW * fmt.u * (_softplus(z) + np.abs(y * z)) + ROBUST_FEW * fmt.tiny
    return {"value": env}


def loss(f, y, exact, fmt: Format, standard: str) -> Envelope:
    f = np.asarray(f, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    L = _abs(exact)
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = np.where(f < 1.0, f / (1.0 - f), np.inf)
        kappa = np.abs(y) * (f > 0) + np.abs(1.0 - y) * np.where(1.0 - y == 0, 0.0, odds)
    env = FEW * fmt.u * (L + kappa) + FEW * fmt.eta
    if standard == "robust":
        env = env + ROBUST_FEW * fmt.u * (L + np.abs(y) + np.abs(1.0 - y)) + ROBUST_FEW * fmt.tiny
    return {"value": np.where(np.isnan(env), np.inf, env)}


def loss_derivative(f, y, exact, fmt: Format, standard: str) -> Envelope:
    f = np.asarray(f, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    D = _abs(exact)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        first = np.abs(y) / f + np.abs(1.0 - y) / (1.0 - f)
        kappa = np.abs(y) / f + np.abs(1.0 - y) * f / (1.0 - f) ** 2
        # near f = 0 or 1 the derivative itself leaves the float range: the envelope is then inf,
        # and the judge compares the (rounded-to-inf) exact value for equality instead
        env = FEW * fmt.u * (D + kappa) + FEW * fmt.eta
        if standard == "robust":
            env = env + ROBUST_FEW * fmt.u * first + ROBUST_FEW * fmt.tiny
    return {"value": np.where(np.isnan(env), np.inf, env)}


# ----------------------------------------------------------------- problem targets
class ProblemTerms:
    """Float64 magnitudes of one problem (X, y, w, b, lambda) that every envelope is built from."""

    def __init__(self, X, y, w, b, lam: float, z_exact):
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(y, dtype=np.float64).reshape(-1)
        self.w = np.asarray(w, dtype=np.float64).reshape(-1)
        self.b = float(b)
        self.lam = float(lam)
        self.m, self.n = self.X.shape
        self.z = np.asarray(z_exact, dtype=np.float64).reshape(-1)
        self.absX = np.abs(self.X)
        # a_i: the magnitude of the terms added to form z_i
        self.a = self.absX @ np.abs(self.w) + abs(self.b)
        self.s = _sigmoid(self.z)
        self.d = _dsigmoid(self.z)
        self.r = _residual(self.z, self.y)

    def with_bias_column(self) -> np.ndarray:
        return np.hstack([self.absX, np.ones((self.m, 1))])


def _finish(env: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(env), np.inf, env)


def _gradient_envelope(
    t: ProblemTerms,
    exact_w,
    exact_b,
    fmt: Format,
    standard: str,
    residual: np.ndarray,
    slope: np.ndarray,
    rounding: np.ndarray,
) -> Envelope:
    """The envelope of (1/m) [X 1]^T rho + (lambda/m) [w; 0] for a residual rho(z, y):
    ``residual`` is |rho_i|, ``slope`` |d rho_i / d z_i| and ``rounding`` the magnitude of the terms
    the textbook residual subtracts (its rounding error is u times that)."""
    m, n = t.m, t.n
    u = fmt.u
    A = t.with_bias_column()  # (m, n+1): |x_ij| and 1 for the bias
    g = np.concatenate([_abs(exact_w).reshape(-1), [abs(float(exact_b))]])
    lam_w = np.concatenate([t.lam * np.abs(t.w), [0.0]]) / m
    terms = A.T @ residual / m  # sum of |x_ij rho_i| / m
    kappa = A.T @ (residual + slope * t.a) / m + lam_w
    env = FEW * u * (g + kappa) + pairwise(m, fmt) * terms + FEW * fmt.eta
    if standard == "robust":
        resid = A.T @ rounding / m
        zround = gamma(n + 1, fmt) * (A.T @ (slope * t.a)) / m
        env = (
            env
            + ROBUST_FEW * u * resid
            + ROBUST_FEW * zround
            + ROBUST_FEW * gamma(m, fmt) * (terms + u * resid)
            + ROBUST_FEW * u * lam_w * (n + 2)
            + ROBUST_FEW * fmt.tiny * (A.T @ np.ones(m) / m + 1.0)
        )
    env = _finish(env)
    return {"dj_dw": env[:n], "dj_db": env[n:].reshape(())}


def gradient(t: ProblemTerms, exact_w, exact_b, fmt: Format, standard: str) -> Envelope:
    """Residual sigma(z) - y: slope sigma'(z); the textbook subtraction has terms sigma and |y|."""
    return _gradient_envelope(t, exact_w, exact_b, fmt, standard, np.abs(t.r), t.d, t.s + np.abs(t.y))


def cost(t: ProblemTerms, exact_cost, fmt: Format, standard: str) -> Envelope:
    m, n = t.m, t.n
    u = fmt.u
    J = abs(float(exact_cost))
    losses = _softplus(t.z) - t.y * t.z  # approximate per-example losses (>= 0)
    losses = np.maximum(losses, 0.0)
    reg = t.lam * float(t.w @ t.w) / (2 * m)
    kappa = float(np.abs(t.r) @ (2.0 * t.a)) / m + 2.0 * reg
    env = FEW * u * (J + kappa) + pairwise(m, fmt) * (float(losses.sum()) / m + reg) + FEW * fmt.eta
    if standard == "robust":
        textbook = float((_softplus(t.z) + np.abs(t.y * t.z)).sum()) / m
        zround = gamma(n + 1, fmt) * float(np.abs(t.r) @ t.a) / m
        env = (
            env
            + ROBUST_FEW * u * textbook
            + ROBUST_FEW * zround
            + ROBUST_FEW * gamma(m, fmt) * (float(losses.sum()) / m + u * textbook)
            + ROBUST_FEW * gamma(n + 2, fmt) * reg
            + ROBUST_FEW * fmt.tiny
        )
    return {"cost": _finish(np.asarray(env))}


def hessian(t: ProblemTerms, exact_h, fmt: Format, standard: str) -> Envelope:
    m, n = t.m, t.n
    u = fmt.u
    A = t.with_bias_column()
    H = _abs(exact_h)
    curv = t.d * (2.0 + np.abs(1.0 - 2.0 * t.s) * t.a)  # sensitivity of x x d(z) to x, w, b
    kappa = (A.T * curv) @ A / m
    reg = np.zeros((n + 1, n + 1))
    reg[np.arange(n), np.arange(n)] = t.lam / m
    terms = (A.T * t.d) @ A / m
    env = FEW * u * (H + kappa + reg) + pairwise(m, fmt) * terms + FEW * fmt.eta
    if standard == "robust":
        textbook = (A.T * t.s) @ A / m  # sigma (1 - sigma): 1 - sigma errs by u
        zround = gamma(n + 1, fmt) * ((A.T * (t.d * t.a)) @ A) / m
        env = (
            env
            + ROBUST_FEW * u * textbook
            + ROBUST_FEW * zround
            + ROBUST_FEW * gamma(m, fmt) * (terms + u * textbook)
            + ROBUST_FEW * u * reg
            + ROBUST_FEW * fmt.tiny * ((A.T @ A) / m + 1.0)
        )
    return {"hessian": _finish(env)}


def linear_gradient(t: ProblemTerms, exact_w, exact_b, fmt: Format, standard: str) -> Envelope:
    """Residual z - y: slope 1; the textbook subtraction has terms |z| and |y|."""
    ones = np.ones(t.m)
    return _gradient_envelope(t, exact_w, exact_b, fmt, standard, np.abs(t.z - t.y), ones, np.abs(t.z) + np.abs(t.y))


def linear_cost(t: ProblemTerms, exact_cost, fmt: Format, standard: str) -> Envelope:
    m, n = t.m, t.n
    u = fmt.u
    J = abs(float(exact_cost))
    e = np.abs(t.z - t.y)
    reg = t.lam * float(t.w @ t.w) / (2 * m)
    kappa = float(e @ (2.0 * t.a)) / m + 2.0 * reg
    sq = float(e @ e) / (2 * m)
    env = FEW * u * (J + kappa) + pairwise(m, fmt) * (sq + reg) + FEW * fmt.eta
    if standard == "robust":
        resid = float(e @ (np.abs(t.z) + np.abs(t.y))) / m
        zround = gamma(n + 1, fmt) * float(e @ t.a) / m
        env = (
            env
            + ROBUST_FEW * u * resid
            + ROBUST_FEW * zround
            + ROBUST_FEW * gamma(m, fmt) * (sq + u * resid)
            + ROBUST_FEW * gamma(n + 2, fmt) * reg
            + ROBUST_FEW * fmt.tiny
        )
    return {"cost": _finish(np.asarray(env))}


def predict(t: ProblemTerms, fmt: Format, standard: str) -> Envelope:
    """Predictions are 0 or 1: strict wants the sign of the exact z (envelope 0).  Robust accepts either
    answer (envelope 1) where a stable float evaluation could go either way: z within the rounding of
    Xw + b (gamma_(n+1) sum |x w| + |b|), or so small that sigma(z) rounds to 1/2 (|z| of a few u)."""
    if standard != "robust":
        return {"p": np.zeros(t.m)}
    band = ROBUST_FEW * (gamma(t.n + 1, fmt) * t.a + fmt.u)
    return {"p": np.where(np.abs(t.z) <= band, 1.0, 0.0)}
