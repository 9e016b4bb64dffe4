"""The softmax corpus (tests/corpus_softmax/): how many correct functions pass and how many wrong and
fragile ones fail, and how many of those get the right first diagnosis (prints counts; not a test).

Runs ``verifier.check`` on every judged function of tests/corpus_softmax/manifest.toml with the
manifest's target, signature and penalty (``forms.penalty_named`` reads the manifest's spellings),
under one profile (default ``thorough``) and seed, and prints one line per function whose verdict
disagrees with its label, the counts per kind, the diagnosis figure (wrong and fragile functions whose
first diagnosis is the catalog id ``DIAGNOSIS_OF`` gives for the manifest's ``mistake``; correct
functions with any diagnosis) with each miss listed, and the time taken.

    python benchmarks/softmax_corpus.py [--profile thorough] [--seed 0] [--jobs 2] [NAME-SUBSTRING ...]
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's verifier, not an installed copy
CORPUS = ROOT / "tests" / "corpus_softmax"
LAMBDA = 0.7  # the strength the regularized functions are judged with
# my_softmax takes one example's logits (K,): the named signature calls it once per row
CONVENTIONS = {"my_softmax": "my_softmax"}
# The manifest's mistake names -> the catalog id the first diagnosis should carry
# (verifier/diagnosis/catalog.py, docs/diagnoses.md).
DIAGNOSIS_OF = {
    "no-max-shift": "overflow",
    "log-of-softmax": "log-of-zero",
    "clipped-probabilities": "clipping",
    "reduced-precision": "reduced-precision",
    "wrong-axis": "wrong-axis",
    "index-vs-onehot": "index-vs-onehot",
    "label-off-by-one": "label-off-by-one",
    "transposed-W": "transposed",
    "not-averaged": "not-averaged",
    "sign-flipped": "sign-flipped",
    "penalty-factor": "regularization-scale",
    "missing-penalty-gradient": "regularization-missing",
    "bias-regularized": "bias-regularized",
    "stub": "constant-output",
}


def jobs(corpus: Path = CORPUS) -> list[dict]:
    """One job per judged function: what to run and its label (correct, wrong or fragile)."""
    manifest = tomllib.loads((corpus / "manifest.toml").read_text())
    out = []
    for e in manifest["entry"]:
        for fn, target, signature in zip(e["functions"], e["targets"], e["signature"]):
            out.append(
                {
                    "file": str(corpus / e["file"]),
                    "function": fn,
                    "target": target,
                    "signature": None if fn in CONVENTIONS else signature,
                    "convention": CONVENTIONS.get(fn, "mls"),
                    "penalty": e["penalty"],
                    "kind": e["kind"] if fn in e["broken"] else "correct",
                    "diagnosis": DIAGNOSIS_OF[e["mistake"]] if fn in e["broken"] else "",
                }
            )
    return out


def check_job(job: dict, profile: str, seed: int):
    """``verifier.check`` on one job's function, with the manifest's signature and penalty."""
    import verifier
    from verifier.spec.forms import penalty_named

    regularized = job["penalty"] and any(name in (job["signature"] or "") for name in ("lam", "reg"))
    penalty = {"penalty": penalty_named(job["penalty"]), "lam": LAMBDA} if regularized else {}
    return verifier.check(
        f"{job['file']}::{job['function']}",
        target=job["target"],
        convention=job["convention"],
        signature=job["signature"],
        profile=profile,
        seed=seed,
        **penalty,
    )


def run(job: dict, profile: str, seed: int) -> tuple[dict, bool | str, float, str, str]:
    """(job, passed or the verifier's error, seconds, the failed checks, the first diagnosis id or "")."""
    start = time.perf_counter()
    try:
        result = check_job(job, profile, seed)
        failed = ", ".join(c.id for c in result.failed())
        first = result.diagnoses[0].id if result.diagnoses else ""
        return job, result.passed, time.perf_counter() - start, failed, first
    except Exception as exc:  # a crash of the verifier is reported, not the end of the benchmark
        return job, f"{type(exc).__name__}: {exc}", time.perf_counter() - start, "", ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="thorough")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("names", nargs="*", help="only the files whose name contains one of these")
    args = parser.parse_args(argv)
    todo = [j for j in jobs() if not args.names or any(n in j["file"] for n in args.names)]
    start = time.perf_counter()
    counts = {"correct": [0, 0], "wrong": [0, 0], "fragile": [0, 0]}  # [as labelled, total]
    named = [0, 0]  # wrong and fragile functions: [right first diagnosis, total]
    misses, diagnosed_correct = [], []
    with ProcessPoolExecutor(args.jobs) as pool:
        for job, passed, seconds, failed, first in pool.map(
            run, todo, [args.profile] * len(todo), [args.seed] * len(todo)
        ):
            label = f"{Path(job['file']).name}::{job['function']} ({job['kind']}, {job['target']})"
            if isinstance(passed, str):
                print(f"ERROR {label}: {passed}")
                counts[job["kind"]][1] += 1
                continue
            if job["kind"] == "correct" and first:
                diagnosed_correct.append(f"{label}: {first}")
            if job["kind"] != "correct":
                named[0] += first == job["diagnosis"]
                named[1] += 1
                if first != job["diagnosis"]:
                    misses.append(f"{label}: {first or 'no diagnosis'} (expected {job['diagnosis']})")
            agrees = passed == (job["kind"] == "correct")
            counts[job["kind"]][0] += agrees
            counts[job["kind"]][1] += 1
            if not agrees:
                print(f"MISMATCH {label}: {'passed' if passed else 'failed ' + failed} in {seconds:.1f}s")
    elapsed = time.perf_counter() - start
    print(f"profile {args.profile}, seed {args.seed}, {len(todo)} functions in {elapsed:.0f}s")
    print(f"correct passed: {counts['correct'][0]} / {counts['correct'][1]}")
    print(f"wrong failed:   {counts['wrong'][0]} / {counts['wrong'][1]}")
    print(f"fragile failed: {counts['fragile'][0]} / {counts['fragile'][1]}")
    print(f"right first diagnosis (wrong + fragile): {named[0]} / {named[1]}")
    for line in misses:
        print(f"  miss: {line}")
    print(f"correct functions with a diagnosis: {len(diagnosed_correct)}")
    for line in diagnosed_correct:
        print(f"  {line}")
    verdicts_ok = all(a == b for a, b in counts.values())
    return 0 if verdicts_ok and not diagnosed_correct and named[0] >= 0.9 * named[1] else 1


if __name__ == "__main__":
    sys.exit(main())
