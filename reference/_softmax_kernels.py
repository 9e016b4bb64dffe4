"""Per-row kernels of the softmax family, at an explicit working precision q.

A row is given by its exact shifted logits d_k = z_k - max_l z_l = D_k 2**ez (Python ints D_k <= 0,
one exponent ez for all rows).  With e_k = e^(d_k) (exactly 1 at the largest logits) and
R = sum_k e_k - 1 = (number of maxima - 1) + sum_{d_k < 0} e_k >= 0, every quantity is arranged so
that no rounded value is subtracted from a nearly equal one except where the caller's bound says so:

- softmax p_k = e_k / (1 + R); log_softmax = -(|d_k| + log1p(R)), two non-positive terms;
- logsumexp = max + log1p(R): cancels only when max < 0 (the caller retries at a higher q);
- residual s p_k - y_k (s: the label row's exact sum): for the unique maximum (s - y_k) - s R / (1 + R)
  with s - y_k exact, otherwise s e_k / (1 + R) - y_k (there p_k <= 1/2: a one-hot label does not cancel);
- Hessian-vector term s p_k sum_l p_l (dz_k - dz_l), the differences dz_k - dz_l exact.

Two arithmetics run the same code through ``Arith``: MPFR (gmpy2) for rows whose |d_k| < 2**28,
so that a product of two such exponentials stays inside MPFR's default exponent range (see
``_batch``), and mpmath's libmp on raw tuples, whose exponents are unbounded, for the other rows
(d_k down to -3.6e308).  Every operation of either is within 2**(1 - q) relative (delta below);
the bound exponents the kernels return are derived from that in each kernel's doc.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, TypeVar, cast

import gmpy2
from mpmath import libmp

from ._batch import TAIL_SQUARED, _ctx, _threshold
from ._types import RawMpf

__all__ = [
    "NEG",
    "Arith",
    "Element",
    "by_row",
    "softmax_row",
    "log_softmax_row",
    "logsumexp_row",
    "log1p_row",
    "cross_entropy_row",
    "residual_row",
    "hvp_row",
]

NEG = -(1 << 200)
"""The bound exponent of an exactly computed value (and ``top`` of 0): below every real exponent."""

Value: TypeAlias = Any
"""A number of one arithmetic: a gmpy2 mpfr, or a raw mpf tuple."""

Element: TypeAlias = tuple[int, int, int]
"""(man, exp, k): the value man * 2**exp and the exponent k of a bound on its absolute error."""

_RND = libmp.round_nearest
_get_exp = gmpy2.get_exp
_mantissa_exp = gmpy2.mpfr.as_mantissa_exp
T = TypeVar("T")


class Arith:
    """Arithmetic at q bits, each operation within relative 2**(1 - q) (see the subclasses)."""

    q: int
    one: Value
    zero: Value

    def exp_shift(self, d: int, ez: int) -> Value:
        """e^(d 2**ez) for an integer d < 0."""
        raise NotImplementedError

    def dyadic(self, man: int, exp: int) -> Value:
        """man * 2**exp, rounded to q bits."""
        raise NotImplementedError

    def add(self, a: Value, b: Value) -> Value:
        raise NotImplementedError

    def sub(self, a: Value, b: Value) -> Value:
        raise NotImplementedError

    def mul(self, a: Value, b: Value) -> Value:
        raise NotImplementedError

    def mul_int(self, a: Value, n: int) -> Value:
        """a * n for a Python int n, one rounding."""
        raise NotImplementedError

    def div(self, a: Value, b: Value) -> Value:
        raise NotImplementedError

    def neg(self, a: Value) -> Value:
        raise NotImplementedError

    def log1p(self, a: Value) -> Value:
        """log(1 + a) for a >= 0."""
        raise NotImplementedError

    def fsum(self, values: Sequence[Value]) -> Value:
        """The sum, within 2**(1 - q) of its value plus 2**-(q + 16) of the sum of |values|."""
        raise NotImplementedError

    def top(self, a: Value) -> int:
        """An e with |a| < 2**e (NEG for 0)."""
        raise NotImplementedError

    def is_zero(self, a: Value) -> bool:
        return self.top(a) == NEG

    def man_exp(self, a: Value) -> tuple[int, int]:
        """(man, exp) with a = man * 2**exp exactly."""
        raise NotImplementedError

    def raw(self, a: Value) -> RawMpf:
        """The value as an exact raw mpf tuple."""
        man, exp = self.man_exp(a)
        return cast(RawMpf, libmp.from_man_exp(man, exp))


class Mpfr(Arith):
    """MPFR through a gmpy2 context: correctly rounded operations (within 2**-q relative); the
    argument of exp is formed at q + 64 bits (relative 2**-(q + 36) on e^d for |d| < 2**28)."""

    def __init__(self, q: int) -> None:
        c = _ctx(q)
        self.q = q
        self.one = gmpy2.mpfr(1)
        self.zero = gmpy2.mpfr(0)
        self._exp = c.exp
        self._arg = _ctx(q + 64).mul_2exp
        self.dyadic = c.mul_2exp  # type: ignore[method-assign]
        self.add = c.add  # type: ignore[method-assign]
        self.sub = c.sub  # type: ignore[method-assign]
        self.mul = c.mul  # type: ignore[method-assign]
        self.mul_int = c.mul  # type: ignore[method-assign]
        self.div = c.div  # type: ignore[method-assign]
        self.neg = c.minus  # type: ignore[method-assign]
        self.log1p = c.log1p  # type: ignore[method-assign]
        self.fsum = c.fsum  # type: ignore[method-assign]

    def exp_shift(self, d: int, ez: int) -> Value:
        return self._exp(self._arg(d, ez))

    def top(self, a: Value) -> int:
        return _get_exp(a) if a else NEG

    def man_exp(self, a: Value) -> tuple[int, int]:
        if not a:
            return 0, 0
        man, exp = _mantissa_exp(a)
        return int(man), int(exp)


class Libmp(Arith):
    """mpmath's libmp on raw tuples: unbounded exponents; exp and log within one ulp (2**(1 - q))."""

    def __init__(self, q: int) -> None:
        self.q = q
        self.one = libmp.fone
        self.zero = libmp.fzero

    def exp_shift(self, d: int, ez: int) -> Value:
        return libmp.mpf_exp(libmp.from_man_exp(d, ez), self.q, _RND)

    def dyadic(self, man: int, exp: int) -> Value:
        return libmp.from_man_exp(man, exp, self.q, _RND)

    def add(self, a: Value, b: Value) -> Value:
        return libmp.mpf_add(a, b, self.q, _RND)

    def sub(self, a: Value, b: Value) -> Value:
        return libmp.mpf_sub(a, b, self.q, _RND)

    def mul(self, a: Value, b: Value) -> Value:
        return libmp.mpf_mul(a, b, self.q, _RND)

    def mul_int(self, a: Value, n: int) -> Value:
        return libmp.mpf_mul(a, libmp.from_int(n), self.q, _RND)

    def div(self, a: Value, b: Value) -> Value:
        return libmp.mpf_div(a, b, self.q, _RND)

    def neg(self, a: Value) -> Value:
        return libmp.mpf_neg(a)

    def log1p(self, a: Value) -> Value:
        if a == libmp.fzero:
            return a
        t = self.top(a)
        if t < -self.q - 2:  # log1p(a) = a (1 - a/2 + ...): relative error below a < 2**-q
            return libmp.mpf_mul(a, libmp.mpf_sub(libmp.fone, libmp.mpf_shift(a, -1), self.q + 8), self.q, _RND)
        one_plus = libmp.mpf_add(libmp.fone, a, 0)  # exact
        extra = max(0, -t) + 16  # log near 1: absolute accuracy made relative
        return libmp.mpf_log(one_plus, self.q + extra, _RND)

    def fsum(self, values: Sequence[Value]) -> Value:
        # terms more than q + 16 + log2(len) bits below the largest are dropped (an error below
        # 2**-(q + 16) of the sum of |values|); the rest are added exactly, then rounded once
        live = [v for v in values if v[1]]
        if not live:
            return libmp.fzero
        floor = max(v[2] + v[3] for v in live) - self.q - 16 - len(live).bit_length()
        kept = [v for v in live if v[2] + v[3] >= floor]
        low = min(v[2] for v in kept)
        total = sum((-1 if v[0] else 1) * (int(v[1]) << (v[2] - low)) for v in kept)
        return libmp.from_man_exp(total, low, self.q, _RND)

    def top(self, a: Value) -> int:
        return cast(int, a[2] + a[3]) if a[1] else NEG

    def man_exp(self, a: Value) -> tuple[int, int]:
        sign, man, exp, _ = a
        return (-int(man) if sign else int(man)), int(exp)

    def raw(self, a: Value) -> RawMpf:
        return cast(RawMpf, a)


# ---------------------------------------------------------------------------- driving rows


def by_row(rows: Sequence[Sequence[int]], ez: int, q: int, kernel: Callable[..., T], *extra: Sequence[Any]) -> list[T]:
    """[kernel(arith, D_i, ez, *extra_i) for each row], each row on MPFR when its shifted logits
    stay above -2**28 and on libmp otherwise."""
    fast = Mpfr(q)
    slow: Libmp | None = None
    limit = _threshold(TAIL_SQUARED, ez)  # |D| >= limit  <=>  |d| >= 2**28
    out: list[T] = []
    for i, D in enumerate(rows):
        arith: Arith = fast
        if D and -min(D) >= limit:
            if slow is None:
                slow = Libmp(q)
            arith = slow
        out.append(kernel(arith, D, ez, *(x[i] for x in extra)))
    return out


def _base(A: Arith, D: Sequence[int], ez: int) -> tuple[list[Value], Value]:
    """e_k = e^(d_k) and R = sum_k e_k - 1 (relative error 2 delta: each e_k, then fsum)."""
    es: list[Value] = []
    small: list[Value] = []
    ties = -1
    one, exp_shift = A.one, A.exp_shift
    for d in D:
        if d:
            e = exp_shift(d, ez)
            es.append(e)
            small.append(e)
        else:
            es.append(one)
            ties += 1
    if ties > 0:
        small.append(A.dyadic(ties, 0))
    return es, (A.fsum(small) if small else A.zero)


# ---------------------------------------------------------------------------- elementwise


def softmax_row(A: Arith, D: Sequence[int], ez: int) -> list[Value]:
    """p_k = e_k / (1 + R): relative error 6 delta (e_k, R, 1 + R, the division)."""
    es, R = _base(A, D, ez)
    S = A.add(A.one, R)
    return [A.div(e, S) for e in es]


def log1p_row(A: Arith, D: Sequence[int], ez: int) -> Value:
    """log(sum_k e^(d_k)) = log1p(R): relative error 3 delta (R's error is damped by log1p)."""
    return A.log1p(_base(A, D, ez)[1])


def log_softmax_row(A: Arith, D: Sequence[int], ez: int) -> list[Value]:
    """-(|d_k| + log1p(R)): relative error 4 delta."""
    L = log1p_row(A, D, ez)
    return [A.neg(A.add(A.dyadic(-d, ez), L)) if d else A.neg(L) for d in D]


def logsumexp_row(A: Arith, D: Sequence[int], ez: int, top: int) -> tuple[Value, int]:
    """max + log1p(R) (``top``: the integer max, times 2**ez) and its bound exponent:
    |error| <= 3 delta L + delta |max| (unless max is exact at q bits) + delta |value|."""
    L = log1p_row(A, D, ez)
    if not top:
        return L, A.top(L) + 3 - A.q
    v = A.add(A.dyadic(top, ez), L)
    tops = [A.top(L) + 2, A.top(v)]
    if _significant_bits(top) > A.q:
        tops.append(top.bit_length() + ez)
    return v, max(tops) + 2 - A.q


def _significant_bits(n: int) -> int:
    n = abs(n)
    return n.bit_length() - ((n & -n).bit_length() - 1) if n else 0


def cross_entropy_row(A: Arith, D: Sequence[int], ez: int, Y: Sequence[int], ey: int, s: int) -> Value:
    """sum_k y_k (-log p_k) = sum_k y_k |d_k| + s log1p(R): two non-negative terms, the first exact
    (rounded once), relative error 6 delta; exactly 0 when every y_k > 0 sits at d_k = 0 and R = 0."""
    L = log1p_row(A, D, ez)
    a = sum(-y * d for y, d in zip(Y, D))
    B = L if A.is_zero(L) else A.mul(A.dyadic(s, ey), L)
    return A.add(A.dyadic(a, ey + ez), B) if a else B


# ---------------------------------------------------------------------------- problem terms


def residual_row(A: Arith, D: Sequence[int], ez: int, Y: Sequence[int], ey: int, s: int) -> list[Element]:
    """r_k = s p_k - y_k (Y, s: integers times 2**ey) with bound exponents.

    With b = s R / (1 + R) (unique maximum, r = (s - y_k) - b) or b = s e_k / (1 + R) (r = b - y_k),
    b has relative error 7 delta and the exact s - y_k or y_k is rounded once, so
    |error| <= 16 delta (b + |r|) <= 2**(max(top b, top r) + 6 - q).
    """
    es, R = _base(A, D, ez)
    S = A.add(A.one, R)
    unit = s == 1 << -ey if ey <= 0 else False
    sv = A.one if unit else A.dyadic(s, ey)
    q = A.q
    top, man_exp, sub, div, mul = A.top, A.man_exp, A.sub, A.div, A.mul
    lone_max = sum(1 for d in D if d == 0) == 1
    out: list[Element] = []
    for d, e, y in zip(D, es, Y):
        if d == 0 and lone_max:
            b = div(R if unit else mul(sv, R), S)
            a = s - y
            if A.is_zero(b):  # R = 0: a single class
                r = A.dyadic(a, ey)
                out.append((*man_exp(r), top(r) + 1 - q if _significant_bits(a) > q else NEG))
                continue
            r = sub(A.dyadic(a, ey), b) if a else A.neg(b)
        else:
            b = div(e if unit else mul(sv, e), S)
            if not y:
                out.append((*man_exp(b), top(b) + 6 - q))
                continue
            r = sub(b, A.dyadic(y, ey))
        tb, tr = top(b), top(r)
        out.append((*man_exp(r), (tb if tb > tr else tr) + 6 - q))
    return out


def hvp_row(A: Arith, D: Sequence[int], ez: int, dZ: Sequence[int], edz: int, s: int, ey: int) -> list[Element]:
    """h_k = s p_k sum_l p_l (dz_k - dz_l) (dz = dZ 2**edz, exact differences) with bound exponents.

    c_k = sum_l e_l (dz_k - dz_l) has |error| <= 4 delta B_k, B_k = sum_l e_l |dz_k - dz_l| (bounded from the
    terms' tops); the factor f = s e_k / (1 + R)**2 has relative error 12 delta, so |error of h_k| <= 17 delta
    f B_k, with f bounded from the computed h_k = f c_k when c_k is not 0, else by s e_k.
    Exactly 0 (bound NEG) when every dz_l equals dz_k.
    """
    es, R = _base(A, D, ez)
    S = A.add(A.one, R)
    S2 = A.mul(S, S)
    sv = A.dyadic(s, ey)
    q = A.q
    top, mul_int, man_exp = A.top, A.mul_int, A.man_exp
    tops = [top(e) for e in es]
    ts = top(sv)
    out: list[Element] = []
    for k, dk in enumerate(dZ):
        terms = []
        ttops = []
        for other, dl in enumerate(dZ):
            delta = dk - dl
            if delta:
                terms.append(mul_int(es[other], delta))
                ttops.append(tops[other] + delta.bit_length())
        if not terms:
            out.append((0, 0, NEG))
            continue
        big = max(ttops)
        tB = big + math.ceil(math.log2(sum(2.0 ** max(t - big, -60) for t in ttops)) + 1e-9)  # B_k < 2**tB
        c = A.fsum(terms)
        h = A.div(A.mul(A.mul(sv, es[k]), c), S2)
        man, exp = man_exp(h)
        tc = top(c)
        tf = top(h) - tc + 1 if tc != NEG and top(h) != NEG else ts + tops[k]  # f < 2**tf
        out.append((man, exp + edz, tf + tB + 6 + edz - q))
    return out
