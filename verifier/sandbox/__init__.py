"""The trust boundary: candidate code is imported and called only in a worker process.

``open_executor`` gives a ``Worker`` (a confined process for an untrusted path or module) or an
``InProcessExecutor`` (trusted callables, judged the same way).  Data crosses as plain arrays and
numbers in the ``wire`` format, never pickles.  This package imports nothing of the rest of the
verifier, so the worker process stays light (numpy and the standard library).
"""

from verifier.sandbox.executor import open_executor
from verifier.sandbox.inprocess import InProcessExecutor
from verifier.sandbox.outcomes import STATUSES, CallOutcome, CandidateError, CapturedWarning, Limits, LoadOutcome
from verifier.sandbox.process import Worker, active_layers

__all__ = [
    "CallOutcome",
    "CandidateError",
    "CapturedWarning",
    "InProcessExecutor",
    "Limits",
    "LoadOutcome",
    "STATUSES",
    "Worker",
    "active_layers",
    "open_executor",
]
