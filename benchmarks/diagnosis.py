"""Diagnosis accuracy over the test corpus: is the first diagnosis the manifest's mistake?

Runs ``verifier.check`` on every function of tests/corpus/manifest.toml (profile and seed fixed) and
compares the first diagnosis id with the entry's ``mistake`` (for the functions listed in ``broken``);
correct functions must get no diagnosis.  Prints the accuracy per kind, the share of wrong and fragile
functions left ``unrecognized``, the diagnosis time per failing function, and lists the mismatches.

    python benchmarks/diagnosis.py [--profile quick|default|thorough] [--seed 7] [--jobs 2]
    python benchmarks/diagnosis.py --corpus tests/sealed/diagnosis   # the sealed evaluation set
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's verifier, not an installed copy
CORPUS = ROOT / "tests" / "corpus"
POINTWISE = ("sigmoid", "sigmoid-derivative", "loss", "loss-from-logit", "loss-derivative")


def jobs(manifest: dict) -> list[dict]:
    """One job per (file, function): what to run and what the first diagnosis should be."""
    out = []
    for e in manifest["entry"]:
        for fn, target in zip(e["functions"], e["targets"]):
            broken = fn in e.get("broken", [])
            kind = e["kind"] if broken else "correct"
            if e["kind"] == "broken-syntax" and not broken:
                continue  # a notebook's other cells: judged on their own, or failing through the broken one
            out.append(
                {
                    "file": e["file"],
                    "function": fn,
                    "target": target,
                    "convention": e["convention"],
                    "lam": 0.0 if target in POINTWISE else e.get("lam", 0.0),
                    "kind": kind,
                    "expected": e["mistake"] if broken else "",
                }
            )
    return out


def check_job(job: dict, profile: str, seed: int):
    """``verifier.check`` on one job's function."""
    import verifier

    return verifier.check(
        f"{job['corpus']}/{job['file']}::{job['function']}",
        target=job["target"],
        convention=job["convention"],
        lam=job["lam"],
        profile=profile,
        seed=seed,
    )


def run(job: dict, profile: str, seed: int) -> dict:
    start = time.perf_counter()
    try:
        r = check_job(job, profile, seed)
        ids = [d.id for d in r.diagnoses]
        failing = [c.id for c in r.failed()]
        diagnosing = r.diagnosis_elapsed
    except Exception as exc:  # a crash of the verifier is a mismatch, not the end of the benchmark
        ids, failing, diagnosing = [f"ERROR {type(exc).__name__}: {exc}"], [], 0.0
    return {**job, "got": ids, "failing": failing, "seconds": time.perf_counter() - start, "diagnosing": diagnosing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="", help="run only files whose name contains this text")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.toml")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    manifest = tomllib.loads((corpus / "manifest.toml").read_text())
    todo = [{**j, "corpus": str(corpus)} for j in jobs(manifest) if args.only in j["file"]]
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(run, todo, [args.profile] * len(todo), [args.seed] * len(todo)))
    per_kind: dict[str, list[int]] = {}
    mismatches = []
    for r in rows:
        first = r["got"][0] if r["got"] else ""
        ok = first == r["expected"]
        tally = per_kind.setdefault(r["kind"], [0, 0])
        tally[0] += ok
        tally[1] += 1
        if not ok:
            mismatches.append(r)
    total_ok = sum(t[0] for t in per_kind.values())
    print(
        f"diagnosis accuracy over {len(rows)} corpus functions (profile {args.profile}, seed {args.seed}, "
        f"{time.perf_counter() - start:.0f}s)"
    )
    for kind, (ok, n) in sorted(per_kind.items()):
        print(f"  {kind:<14} {ok:>3} / {n:<3} ({100 * ok / n:.0f}%)")
    print(f"  {'total':<14} {total_ok:>3} / {len(rows):<3} ({100 * total_ok / len(rows):.0f}%)")
    print(f"correct functions with a diagnosis: {sum(1 for r in rows if r['kind'] == 'correct' and r['got'])}")
    faulty = [r for r in rows if r["kind"] in ("wrong", "fragile")]
    if faulty:
        right = sum(1 for r in faulty if r["got"][:1] == [r["expected"]])
        unrec = sum(1 for r in faulty if r["got"][:1] == ["unrecognized"] and r["expected"] != "unrecognized")
        print(
            f"wrong and fragile functions: first diagnosis as expected {right} / {len(faulty)} "
            f"({100 * right / len(faulty):.0f}%), unrecognized {unrec} ({100 * unrec / len(faulty):.0f}%)"
        )
    times = sorted(r["diagnosing"] for r in rows if r["failing"])
    if times:
        print(
            f"diagnosis time per failing function: median {statistics.median(times):.2f} s, 90th percentile "
            f"{times[int(0.9 * (len(times) - 1))]:.2f} s, max {times[-1]:.2f} s ({len(times)} functions)"
        )
    if mismatches:
        print("mismatches:")
        for r in mismatches:
            print(
                f"  {r['file']}::{r['function']} ({r['target']}): expected {r['expected'] or 'none'!r}, "
                f"got {r['got'] or 'none'} (failing: {', '.join(r['failing']) or 'none'})"
            )
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
