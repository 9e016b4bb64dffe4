"""How a candidate is exercised: Hypothesis strategies per region, seeded searches, the judge that
compares an observation with the oracle under an envelope, the runner and the contract checks.
The candidate itself is reached only through an executor of ``verifier.sandbox``.
"""
