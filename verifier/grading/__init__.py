"""Grading a class: assignment files, discovering submissions, scoring, the resumable store, the
batch of isolated grading processes, the integrity manifest and what grading platforms hand over.
Views of grades are written by ``verifier.report``; the batch takes them as ``Views``.
"""
