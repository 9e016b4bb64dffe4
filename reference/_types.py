"""Type aliases of the oracle, for readability and for mypy.

mpmath and gmpy2 ship no type information, so their values are ``Any`` to mypy; the aliases below
name what a value is even where mypy cannot check it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, TypeAlias

import gmpy2
import mpmath
import numpy as np
from numpy.typing import ArrayLike

Exact: TypeAlias = mpmath.mpf
"""An mpmath mpf (of the global context or of a private ``MPContext``)."""

Mpfr: TypeAlias = gmpy2.mpfr
"""A gmpy2 (MPFR) floating-point value."""

MpfrContext: TypeAlias = gmpy2.context
"""A gmpy2 context: precision and exponent range of the arithmetic done through its methods."""

RawMpf: TypeAlias = tuple[int, Any, int, int]
"""mpmath's raw mpf tuple ``(sign, mantissa, exponent, bitcount)``; the mantissa is mpmath's MPZ
(a Python int, or a ``gmpy2.mpz`` when mpmath runs on its gmpy backend)."""

RealScalar: TypeAlias = float | np.floating[Any] | np.integer[Any] | np.bool_ | Fraction | Exact
"""A real scalar input taken as the exact rational it is (int and bool are accepted as float is)."""

RealInput: TypeAlias = RealScalar | ArrayLike
"""A real scalar, or an array (or nested list) of them: the scalar maths map over arrays elementwise."""
