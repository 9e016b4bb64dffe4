"""Seed-independence of detection over the test corpus (prints figures; not a test).

Runs ``verifier.check`` on every function of tests/corpus/manifest.toml under each of ``--seeds``
seeds (default 10: 0..9) at a profile (default ``quick``, the bundled assignments' profile) and
counts, per seed, the wrong and fragile functions that were caught (some check failed) and the
correct functions that passed.  Target: every wrong and fragile function caught under every seed,
every correct one passing under every seed.  Lists each function whose verdict depends on the seed.

    python benchmarks/seeds.py [--seeds 10] [--profile quick] [--jobs 2] [--corpus DIR]
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

from benchmarks.diagnosis import CORPUS, check_job, jobs  # noqa: E402


def verdict(job: dict, profile: str, seed: int) -> tuple[str, str, int, bool | str]:
    """(file, function, seed, passed) for one function under one seed (an error text if the verifier failed)."""
    try:
        return job["file"], job["function"], seed, check_job(job, profile, seed).passed
    except Exception as exc:  # a crash of the verifier is reported, not the end of the benchmark
        return job["file"], job["function"], seed, f"{type(exc).__name__}: {exc}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.toml")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    todo = [{**j, "corpus": str(corpus)} for j in jobs(tomllib.loads((corpus / "manifest.toml").read_text()))]
    kinds = {(j["file"], j["function"]): j["kind"] for j in todo}
    work = [(j, s) for s in range(args.seeds) for j in todo]  # one seed after another: its banks are reused
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(
            pool.map(verdict, [j for j, _ in work], [args.profile] * len(work), [s for _, s in work], chunksize=8)
        )
    print(
        f"{len(todo)} corpus functions x {args.seeds} seeds at profile {args.profile} "
        f"({time.perf_counter() - start:.0f} s)"
    )
    seed_dependent: dict[tuple[str, str], list[int]] = {}
    errors = []
    for seed in range(args.seeds):
        caught = faulty = passing = correct = 0
        for file, fn, s, passed in rows:
            if s != seed:
                continue
            if isinstance(passed, str):
                errors.append(f"{file}::{fn} seed {s}: {passed}")
                continue
            good = kinds[(file, fn)] == "correct"
            right = passed if good else not passed
            correct += good
            passing += good and passed
            faulty += not good
            caught += (not good) and (not passed)
            if not right:
                seed_dependent.setdefault((file, fn), []).append(seed)
        print(f"  seed {seed}: wrong and fragile caught {caught} / {faulty}, correct passing {passing} / {correct}")
    print(f"functions whose verdict is wrong under some seed: {len(seed_dependent)}")
    for (file, fn), seeds in sorted(seed_dependent.items()):
        print(f"  {file}::{fn} ({kinds[(file, fn)]}): wrong verdict under seeds {seeds}")
    for line in errors:
        print(f"  verifier error: {line}")
    return 0 if not seed_dependent and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
