"""The floating-point formats a candidate can be judged in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Format:
    """A binary floating-point format and the constants the envelopes are built from.

    - ``u``: unit roundoff (half the machine epsilon), 2^-53 for float64 and 2^-24 for float32
    - ``tiny``: the smallest normal number; ``eta``: the smallest subnormal
    """

    name: str
    dtype: np.dtype
    u: float
    tiny: float
    eta: float
    max: float

    @property
    def bits(self) -> int:
        return int(np.finfo(self.dtype).nmant) + 1


def _make(name: str) -> Format:
    info = np.finfo(np.dtype(name))
    return Format(
        name=name,
        dtype=np.dtype(name),
        u=float(info.eps) / 2,
        tiny=float(info.tiny),
        eta=float(info.smallest_subnormal),
        max=float(info.max),
    )


FLOAT64 = _make("float64")
FLOAT32 = _make("float32")
FORMATS = {"float64": FLOAT64, "float32": FLOAT32}


def get_format(name: str | Format) -> Format:
    """The Format called ``name`` ("float64" or "float32")."""
    if isinstance(name, Format):
        return name
    try:
        return FORMATS[str(name)]
    except KeyError:
        raise ValueError(f"precision={name!r} is not supported; use 'float64' or 'float32'") from None
