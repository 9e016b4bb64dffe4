"""Regenerate docs/accuracy.md (and the JSON and HTML of the audit) and report how long it took.

    python benchmarks/audit.py [--profile quick] [LIBRARY ...]

Equivalent to ``verifier audit --markdown docs/accuracy.md --json reports/audit/audit.json
--out reports/audit`` followed by a per-library timing; the table uses profile quick and seed 0
unless told otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from verifier.audit.run import audit, to_markdown
    from verifier.report import audit_html

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("libraries", nargs="*")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", default=str(ROOT / "docs" / "accuracy.md"))
    parser.add_argument("--out", default=str(ROOT / "reports" / "audit"))
    args = parser.parse_args(argv)

    start = time.perf_counter()
    result = audit(
        args.libraries or None,
        profile=args.profile,
        seed=args.seed,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    for note in result.skipped:
        print(f"note: {note}", file=sys.stderr)
    command = "python benchmarks/audit.py" + (f" --profile {args.profile}" if args.profile != "quick" else "")
    Path(args.markdown).write_text(to_markdown(result, command))
    audit_html.write(result, args.out)
    (Path(args.out) / "audit.json").write_text(result.dumps())
    per_library: dict[str, float] = defaultdict(float)
    for row in result.rows:
        per_library[row.library] += row.result.elapsed
    print(f"{len(result.rows)} rows in {time.perf_counter() - start:.0f}s (profile {args.profile})")
    for library, seconds in per_library.items():
        print(f"  {library:<12} {seconds:6.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
