"""``open_executor``: a Worker for untrusted code named by a path or module, an InProcessExecutor for
trusted callables.  Both return frozen ``LoadOutcome`` / ``CallOutcome`` values (verifier/sandbox/
outcomes.py): nothing a candidate does raises in the verifier.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from verifier.sandbox.inprocess import InProcessExecutor
from verifier.sandbox.process import Worker


def open_executor(candidate: Any, **kw: Any) -> Worker | InProcessExecutor:
    """A Worker for a path / ``"path::name"`` / ``"module:attr"`` string; an InProcessExecutor for a
    callable (named by its ``__name__``) or a dict of name -> callable.  `kw` goes to the constructor."""
    if isinstance(candidate, (str, os.PathLike)):
        return Worker(candidate, **kw)
    if isinstance(candidate, Mapping):
        return InProcessExecutor(candidate, **kw)
    if callable(candidate):
        return InProcessExecutor({getattr(candidate, "__name__", "function"): candidate}, **kw)
    raise TypeError(f"candidate={candidate!r}: pass a path, 'module:attr', a callable or a dict of callables")
