"""What is judged: formats, targets, envelopes, identities, the check catalog, profiles, calling
conventions, the ``Case`` type and the result types.

Pure data and mathematics over the oracle (``reference``); nothing here calls a candidate.
"""
