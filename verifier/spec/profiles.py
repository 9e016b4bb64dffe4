"""Run profiles: how hard each check searches."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """``examples``: Hypothesis examples per check; ``contract_cases``: cases per contract check;
    ``steer``: whether ``hypothesis.target`` steers the search toward the largest error."""

    name: str
    examples: int
    contract_cases: int
    steer: bool


PROFILES = {
    "quick": Profile("quick", 20, 3, False),
    "default": Profile("default", 50, 5, False),
    "thorough": Profile("thorough", 300, 10, True),
}


def get_profile(name: str | Profile) -> Profile:
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"profile={name!r} is not known; use one of: {', '.join(PROFILES)}") from None
