"""Run profiles: how hard each check searches."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """``examples``: cases drawn per check into the case bank (beside its deterministic hard cases);
    ``contract_cases``: cases per contract check; ``steer``: whether ``hypothesis.target`` steers the
    exploration toward the largest error; ``explore``: Hypothesis examples per check and submission on
    top of the bank (its own seed); ``check_seconds``: the time exploration may take per check."""

    name: str
    examples: int
    contract_cases: int
    steer: bool
    explore: int = 0
    check_seconds: float = 5.0


PROFILES = {
    "quick": Profile("quick", 20, 3, False, explore=0, check_seconds=2.0),
    "default": Profile("default", 50, 5, False, explore=2, check_seconds=3.0),
    "thorough": Profile("thorough", 300, 10, True, explore=100, check_seconds=5.0),
}


def get_profile(name: str | Profile) -> Profile:
    if isinstance(name, Profile):
        return name
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"profile={name!r} is not known; use one of: {', '.join(PROFILES)}") from None
