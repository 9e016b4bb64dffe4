"""Why a check failed: the catalog of named mistakes, the evidence gathered by calling the candidate
again, mistake models computed with the oracle, numeric causes located by region, contract causes.

``attach(result, probe, cfg)`` returns the Result with its diagnoses (docs/diagnoses.md).
"""

from verifier.diagnosis.explain import attach, diagnose

__all__ = ["attach", "diagnose"]
