"""What grading platforms hand over: where the submission is and who submitted it.

Gradescope runs the autograder with the submission in /autograder/submission and the submitters in
/autograder/submission_metadata.json (docs/gradescope.md).
"""

from __future__ import annotations

import json
from pathlib import Path


def submission_name(submission: Path) -> str:
    """A stable name for the submission (its seed derives from it): the submitters' e-mail addresses
    from Gradescope's submission_metadata.json when present, else the folder's name."""
    meta = submission.parent / "submission_metadata.json"
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        emails = sorted(str(u.get("email", "")) for u in data.get("users", []) if u.get("email"))
        if emails:
            return ",".join(emails)
    except (OSError, ValueError, AttributeError):
        pass
    return submission.name or "submission"
