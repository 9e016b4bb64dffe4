"""The verifier's one exception hierarchy and the exit codes every command uses.

A leaf module: every part of the verifier may import it.  ``VerifierError`` and its subclasses are
about the verifier's own work (a bad argument, an unwritable folder, a changed installation), never
about the code being judged: what a candidate does wrong is a failed check in a Result instead.
Each error carries the exit code a command ends with when the error reaches ``verifier.cli.main``.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of every ``verifier`` command."""

    OK = 0  # every check passed, or the command did what was asked
    FAILED = 1  # a check failed (including a submission that does not load)
    USAGE = 2  # the verifier could not do what was asked: bad argument, missing file, unwritable folder
    INTEGRITY = 3  # the verifier's own files changed during a batch
    OUTPUT = 75  # EX_TEMPFAIL: a grading process could not write its results (read by the batch parent)
    INTERRUPTED = 130  # Ctrl-C


class VerifierError(Exception):
    """Base of the verifier's own errors; ``exit_code`` is what a command exits with."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(VerifierError, ValueError):
    """The verifier cannot do what was asked (bad argument, missing file): not a finding about code."""


class OutputError(UsageError):
    """An output folder cannot be written (read-only, full disk): the command stops, finished results stay."""


class IntegrityError(VerifierError):
    """The verifier's own files changed while a batch ran (see verifier.grading.integrity).

    ``changes`` lists the changed paths; ``last`` names the submission that ran just before."""

    exit_code = ExitCode.INTEGRITY

    def __init__(self, message: str, changes: tuple[str, ...] = (), last: str | None = None):
        super().__init__(message)
        self.changes = changes
        self.last = last
