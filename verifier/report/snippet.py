"""A copy-paste Python snippet that reproduces a failing call: import the function, call it on the
counterexample's inputs (written exactly: repr of floats round-trips), print what came back."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from verifier.spec.case import Case
from verifier.spec.conventions import get_convention
from verifier.spec.formats import get_format
from verifier.spec.results import Counterexample, Result
from verifier.spec.targets import get_target

_ARG_NAMES = {
    "mls": ("X", "y", "w", "b", "lambda_"),
    "wb": ("X", "y", "w", "b", "lambda_"),
    "theta": ("theta", "X", "y", "lambda_"),
    "dlai": ("w", "b", "X", "Y"),
}


def _float_text(x: float) -> str:
    if math.isnan(x):
        return "np.nan"
    if math.isinf(x):
        return "np.inf" if x > 0 else "-np.inf"
    return repr(float(x))


def _literal(value: Any) -> str:
    if isinstance(value, np.ndarray):
        dtype = {"float64": "np.float64", "float32": "np.float32", "int64": "np.int64", "bool": "bool"}.get(
            str(value.dtype), f"np.{value.dtype}"
        )
        if value.dtype.kind == "b":
            body = repr(value.tolist())
        elif value.dtype.kind in "iu":
            body = repr(value.tolist())
        else:
            body = _nested(value.tolist())
        return f"np.array({body}, dtype={dtype})"
    if isinstance(value, (float, np.floating)):
        text = _float_text(float(value))
        return f"np.float32({text})" if isinstance(value, np.float32) else text
    return repr(value)


def _nested(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_nested(v) for v in value) + "]"
    return _float_text(float(value))


def module_name(source: str) -> str:
    """The import name of a submission file (a notebook gets a note instead)."""
    stem = Path(source).stem if source else "submission"
    return stem if stem.isidentifier() else "submission"


def reproduce(result: Result, ce: Counterexample, source: str) -> str:
    """The snippet, or "" when the counterexample cannot be turned back into a call."""
    try:
        target = get_target(result.target)
        conv = get_convention(result.convention)
        fmt = get_format(result.precision)
        case = Case.from_plain(ce.inputs, fmt.dtype)
        args = conv.make_args(target, case, fmt)
    except (ValueError, TypeError, KeyError, AttributeError):  # inputs that do not make a call: no snippet
        return ""
    names = list(_ARG_NAMES.get(result.convention, ()))
    if target.pointwise:
        names = list(target.inputs)
    names = (names + [f"arg{i}" for i in range(len(names), len(args))])[: len(args)]
    fn = result.function
    mod = module_name(source)
    lines = ["import numpy as np", ""]
    if source.endswith(".ipynb"):
        lines.append(f"# Run in your notebook ({Path(source).name}), after the cell that defines {fn}:")
    else:
        lines.append(f"from {mod} import {fn}  # run next to {Path(source).name or 'your file'}")
    lines.append("")
    for name, arg in zip(names, args):
        lines.append(f"{name} = {_literal(arg)}")
    lines.append(f"print({fn}({', '.join(names)}))")
    if ce.expected:
        exp = ", ".join(f"{k}={v}" for k, v in ce.expected.items())
        lines.append(f"# expected (correctly rounded): {exp}")
    return "\n".join(lines)
