"""Error envelopes of the softmax family: how far a candidate's output may be from the exact value.

The derivations are in docs/envelopes.md ("The softmax family").  For a row of K logits z with
M = max z, p = softmax(z), lse = logsumexp(z):

- ``strict``: FEW u (|exact| + kappa) + a sum allowance + FEW eta, kappa the condition number with
  respect to the float inputs: sum_k p_k |z_k| for lse; kappa_j = |z_j| (1 - p_j) + sum_(k != j) p_k |z_k|
  for log p_j (and, relative, for p_j).  The shifted sum S = sum_k e^(z_k - M) = 1 + R may err by the
  pairwise allowance relative, which moves log S by that times R / S = 1 - p_max.
- ``robust``: strict plus what the stable textbook evaluations make: the max-shifted formulas
  e^(z_j - M) / S and (z_j - M) - log S, exp(z_j - lse) and z_j - lse with lse from a shifted
  log-sum-exp or from K - 1 logaddexp steps.  Per row that is
  ``rowterm = u (|z_j| + |lse| + K + 3) + gamma_(K+2) (|lse| + 1)`` (absolute for a logarithm, relative
  for a probability) plus u times the output itself, and an absolute floor of ROBUST_FEW tiny.

Problems (Z = X W + b) add, as the logistic envelopes do, the rounding of the scores
(gamma_(n+1) a_ij, a_ij = sum_l |X_il W_lj| + |b_j|) propagated through the derivative, Higham's
recursive-summation bound over the m examples, and the rounding of the penalty.  Every function works
in float64 from the exact inputs and the exact outputs, and returns the allowed absolute error.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from verifier.spec.envelopes import FEW, ROBUST_FEW, gamma, pairwise
from verifier.spec.formats import Format

Envelope = dict[str, np.ndarray]


class RowTerms:
    """Float64 magnitudes of rows of logits z (m, K) that the envelopes are built from."""

    def __init__(self, z, fmt: Format):
        z = np.asarray(z, dtype=np.float64)
        self.z = z.reshape(-1, z.shape[-1]) if z.ndim else z.reshape(1, 1)
        self.shape = z.shape
        self.m, self.K = self.z.shape
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            M = np.max(self.z, axis=1, keepdims=True)
            d = self.z - M
            e = np.exp(d)
            S = np.sum(e, axis=1, keepdims=True)
            self.p = e / S
            self.lse = (M + np.log(S)).reshape(-1)
            self.logp = d - np.log(S)
        az = np.abs(self.z)
        self.az = az
        # kappa_j = |z_j| (1 - p_j) + sum_(k != j) p_k |z_k|
        spz = np.sum(self.p * az, axis=1, keepdims=True)
        self.kappa = np.maximum(az * (1.0 - self.p) + spz - self.p * az, 0.0)
        self.kappa_lse = spz.reshape(-1)
        self.rest = 1.0 - np.max(self.p, axis=1)  # R / S: how much of the sum is not the max term
        u = fmt.u
        alse = np.abs(self.lse)[:, None]
        self.rowterm = u * (az + alse + self.K + 3) + gamma(self.K + 2, fmt) * (alse + 1.0)
        self.lse_rowterm = u * (np.abs(self.lse) + self.K + 3) + gamma(self.K + 2, fmt) * (np.abs(self.lse) + 1.0)


def _finish(env: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(env), np.inf, env)


def _floats(exact) -> np.ndarray:
    return np.array([float(v) for v in np.asarray(exact).reshape(-1)], dtype=np.float64)


def softmax(z, exact, fmt: Format, standard: str) -> Envelope:
    """p_j: relative FEW u (1 + kappa_j) + the pairwise allowance of S; robust adds p_j (rowterm + u |log p_j|)."""
    t = RowTerms(z, fmt)
    p = np.abs(_floats(exact)).reshape(t.z.shape)
    # the relative factor first: u p would underflow to 0 for a subnormal p and lose the kappa term
    env = (FEW * fmt.u * (1.0 + t.kappa)) * p + pairwise(t.K, fmt) * p + FEW * fmt.eta
    if standard == "robust":
        env = env + (ROBUST_FEW * (t.rowterm + fmt.u * np.abs(t.logp))) * p + ROBUST_FEW * fmt.tiny
    return {"value": _finish(env).reshape(t.shape)}


def log_softmax(z, exact, fmt: Format, standard: str) -> Envelope:
    """log p_j: FEW u (|log p_j| + kappa_j) + pairwise(K) (1 - p_max); robust adds rowterm + u |log p_j|."""
    t = RowTerms(z, fmt)
    L = np.abs(_floats(exact)).reshape(t.z.shape)
    env = FEW * fmt.u * (L + t.kappa) + pairwise(t.K, fmt) * t.rest[:, None] + FEW * fmt.eta
    if standard == "robust":
        env = env + ROBUST_FEW * (t.rowterm + fmt.u * L) + ROBUST_FEW * fmt.tiny
    return {"value": _finish(env).reshape(t.shape)}


def logsumexp(z, exact, fmt: Format, standard: str) -> Envelope:
    """lse: FEW u (|lse| + sum_k p_k |z_k|) + pairwise(K) (1 - p_max); robust adds the row's lse terms."""
    t = RowTerms(z, fmt)
    v = np.abs(_floats(exact))
    env = FEW * fmt.u * (v + t.kappa_lse) + pairwise(t.K, fmt) * t.rest + FEW * fmt.eta
    if standard == "robust":
        env = env + ROBUST_FEW * (t.lse_rowterm + fmt.u * t.kappa_lse) + ROBUST_FEW * fmt.tiny
    return {"value": _finish(env).reshape(t.shape[:-1])}


def _labelled(a: np.ndarray, yidx) -> np.ndarray:
    y = np.asarray(yidx, dtype=np.int64).reshape(-1)
    return a[np.arange(a.shape[0]), y]


def softmax_loss(z, yidx, exact, fmt: Format, standard: str) -> Envelope:
    """-log p_y from logits: the log-softmax envelope of the labelled class."""
    t = RowTerms(z, fmt)
    L = np.abs(_floats(exact))
    env = FEW * fmt.u * (L + _labelled(t.kappa, yidx)) + pairwise(t.K, fmt) * t.rest + FEW * fmt.eta
    if standard == "robust":
        env = env + ROBUST_FEW * (_labelled(t.rowterm, yidx) + fmt.u * L) + ROBUST_FEW * fmt.tiny
    return {"value": _finish(env)}


def smoothing_targets(yidx, eps: float, K: int) -> np.ndarray:
    """The label-smoothed target rows q = (1 - eps) one_hot(y) + eps / K, in float64."""
    y = np.asarray(yidx, dtype=np.int64).reshape(-1)
    q = np.full((y.size, K), float(eps) / K)
    q[np.arange(y.size), y] += 1.0 - float(eps)
    return q


def smoothed_loss(z, yidx, eps, exact, fmt: Format, standard: str) -> Envelope:
    """-sum_k q_k log p_k against smoothed labels q: K non-negative terms, so the log-softmax envelope
    of each class weighted by q_k, the condition number sum_j |z_j| |p_j - q_j|, and u and the
    pairwise allowance relative for rounding the q_k and summing."""
    t = RowTerms(z, fmt)
    q = smoothing_targets(yidx, eps, t.K)
    L = np.abs(_floats(exact))
    kappa = np.sum(t.az * np.abs(t.p - q), axis=1)
    env = (FEW * fmt.u + pairwise(t.K, fmt)) * L + FEW * fmt.u * kappa + pairwise(t.K, fmt) * t.rest + FEW * fmt.eta
    if standard == "robust":
        env = env + ROBUST_FEW * (np.sum(q * t.rowterm, axis=1) + fmt.u * L) + ROBUST_FEW * fmt.tiny
    return {"value": _finish(env)}


def loss_from_probs(f, yidx, exact, fmt: Format, standard: str) -> Envelope:
    """-log p_y from probabilities: relative perturbations of p_y move it by u, so FEW u (L + 1)."""
    L = np.abs(_floats(exact))
    env = FEW * fmt.u * (L + 1.0) + FEW * fmt.eta
    if standard == "robust":
        env = env + ROBUST_FEW * fmt.u * (L + 1.0) + ROBUST_FEW * fmt.tiny
    return {"value": _finish(env)}


class ProblemTerms:
    """Float64 magnitudes of one softmax problem (X, yidx, W, b) and its form (R, c)."""

    def __init__(self, X, yidx, W, b, scores, fmt: Format, scale: int, coefficient: Fraction):
        self.X = np.asarray(X, dtype=np.float64)
        self.W = np.asarray(W, dtype=np.float64)
        self.b = np.asarray(b, dtype=np.float64).reshape(-1)
        self.m, self.n = self.X.shape
        self.rows = RowTerms(scores, fmt)
        self.K = self.rows.K
        self.Y = np.zeros((self.m, self.K))
        self.Y[np.arange(self.m), np.asarray(yidx, dtype=np.int64).reshape(-1)] = 1.0
        self.a = np.abs(self.X) @ np.abs(self.W) + np.abs(self.b)  # magnitude of the terms of each score
        self.r = np.abs(self.rows.p - self.Y)  # |residual|
        self.R = float(scale)
        self.c = float(coefficient)
        self.pen = self.c * float(np.sum(self.W * self.W))
        self.losses = np.maximum(-_labelled(self.rows.logp, yidx), 0.0)
        self.loss_rowterm = _labelled(self.rows.rowterm, yidx)
        # |d r_ij / d z_ik| summed against the score magnitudes: p_ij (a_ij + sum_k p_ik a_ik)
        p = self.rows.p
        self.slope = p * (self.a + np.sum(p * self.a, axis=1, keepdims=True))
        # the textbook residual's own error: the probability's, and the subtraction of the label
        self.resid = p * (self.rows.rowterm + fmt.u * np.abs(self.rows.logp)) + fmt.u * (p + self.Y)

    def with_bias_column(self) -> np.ndarray:
        return np.hstack([np.abs(self.X), np.ones((self.m, 1))])


def cost(t: ProblemTerms, exact_cost, fmt: Format, standard: str) -> Envelope:
    """J = R mean CE + c ||W||^2 (see docs/envelopes.md)."""
    u, m, n = fmt.u, t.m, t.n
    J = abs(float(exact_cost))
    data = t.R * float(t.losses.sum()) / m
    kappa = t.R * float(np.sum(t.r * 2.0 * t.a)) / m + 2.0 * t.pen
    logs = pairwise(t.K, fmt) * t.R * float(np.sum(t.rows.rest)) / m  # each row's shifted sum
    env = FEW * u * (J + kappa) + pairwise(m, fmt) * (data + t.pen) + logs + FEW * fmt.eta
    if standard == "robust":
        textbook = t.R * float(np.sum(t.loss_rowterm + u * t.losses)) / m
        zround = gamma(n + 1, fmt) * t.R * float(np.sum(t.r * t.a)) / m
        env = (
            env
            + ROBUST_FEW * textbook
            + ROBUST_FEW * zround
            + ROBUST_FEW * gamma(m + t.K, fmt) * (data + textbook)
            + ROBUST_FEW * gamma(n * t.K + 2, fmt) * t.pen
            + ROBUST_FEW * fmt.tiny
        )
    return {"cost": _finish(np.asarray(env))}


def gradient(t: ProblemTerms, exact_w, exact_b, fmt: Format, standard: str) -> Envelope:
    """dW = R X^T (P - Y) / m + 2 c W and db = R sum_i (P_i - Y_i) / m, bias as a column of ones."""
    u, m, n = fmt.u, t.m, t.n
    A = t.with_bias_column()  # (m, n + 1)
    g = np.vstack([np.abs(_floats(exact_w)).reshape(n, t.K), np.abs(_floats(exact_b)).reshape(1, t.K)])
    pen = np.vstack([2.0 * t.c * np.abs(t.W), np.zeros((1, t.K))])
    k = t.R / m
    terms = k * (A.T @ t.r)
    kappa = k * (A.T @ (t.r + t.slope)) + pen
    env = FEW * u * (g + kappa) + pairwise(m, fmt) * terms + FEW * fmt.eta
    if standard == "robust":
        resid = k * (A.T @ t.resid)
        zround = gamma(n + 1, fmt) * k * (A.T @ t.slope)
        env = (
            env
            + ROBUST_FEW * resid
            + ROBUST_FEW * zround
            + ROBUST_FEW * gamma(m, fmt) * (terms + resid)
            + ROBUST_FEW * u * pen * (n + 2)
            + ROBUST_FEW * fmt.tiny * (k * (A.T @ np.ones((m, t.K))) + 1.0)
        )
    env = _finish(env)
    return {"dj_dw": env[:n], "dj_db": env[n]}
