"""Library audits: adapters present library functions (scipy, scikit-learn, PyTorch, JAX, ...) in a
calling convention; ``run.audit`` judges each under both standards; ``known`` names documented defects.
"""
