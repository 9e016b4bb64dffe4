"""The verifier's version and the versions of what decides its verdicts (recorded in every result)."""

from __future__ import annotations

import platform

__version__ = "0.1.0"


def versions() -> dict[str, str]:
    """Versions of the verifier, Python and the libraries a result depends on."""
    import hypothesis
    import mpmath
    import numpy

    return {
        "verifier": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "mpmath": mpmath.__version__,
        "hypothesis": hypothesis.__version__,
    }
