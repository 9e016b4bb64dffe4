"""Grading in shards (--shard K/N) and merging them (--merge), and the batch-system recipes of docs/scale.md.

A shard is fixed by the submission's name alone, the shards split the class, 4 shards and a merge
write the grades.csv of one run, a merge refuses shards that do not belong together, and the
Kubernetes Indexed Job and the Slurm array of docs/scale.md, run as written, grade their shard and merge.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier.cli import main
from verifier.grading.assignment import load_assignment
from verifier.grading.batch import discover_class, grade_many
from verifier.grading.discovery import Submission, slugify
from verifier.grading.shards import SHARD_FILE, Shard, members, shard_of, take_shard
from verifier.report.views import CLASS_REPORTS

ROOT = Path(__file__).resolve().parents[2]
SCALE_DOC = ROOT / "docs" / "scale.md"
CORRECT = (ROOT / "tests" / "corpus" / "correct_stable_branch.py").read_text()
WRONG = CORRECT.replace("1.0 / (1.0 + np.exp(-z[pos]))", "1.0 / (1.0 + np.exp(z[pos]))")
ASSIGNMENT = """
[assignment]
name = "shards"
profile = "quick"
seed = 5
call_timeout = 2.0
submission_timeout = 120

[[task]]
name = "sigmoid"
target = "sigmoid"
points = 4
checks = ["correctness.benign"]

[[task]]
name = "gradient"
function = "compute_gradient_logistic"
target = "gradient"
points = 6
checks = ["correctness.benign"]
"""
COUNT = 4
TIMING = ("elapsed", "diagnosis_elapsed")


def _without_timing(data):
    if isinstance(data, dict):
        return {k: _without_timing(v) for k, v in data.items() if k not in TIMING}
    if isinstance(data, list):
        return [_without_timing(v) for v in data]
    return data


def _grades(out: Path) -> dict[str, dict]:
    return {p.parent.name: _without_timing(json.loads(p.read_text())) for p in out.glob("submissions/*/grade.json")}


def _make_class(base: Path) -> tuple[Path, Path]:
    subs = base / "subs"
    subs.mkdir()
    # one submission or two in each of the 4 shards (shard_of: correct 3, wrong 1, exits 1, folder 2, alice 4)
    (subs / "correct.py").write_text(CORRECT)
    (subs / "wrong.py").write_text(WRONG)
    (subs / "exits.py").write_text("import os\nos._exit(3)\n")
    (subs / "folder").mkdir()
    (subs / "folder" / "lab.py").write_text(CORRECT)
    (subs / "alice.py").write_text(CORRECT.replace("sigmoid(X @ w + b) - y ", "y - sigmoid(X @ w + b)"))
    toml = base / "week.toml"
    toml.write_text(ASSIGNMENT)
    return subs, toml


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One run over the whole class, and the class graded in 4 shards into results/shard-K, as the
    command line does (its own files are not watched: the recipes below run the command line itself)."""
    base = tmp_path_factory.mktemp("shards")
    subs, toml = _make_class(base)
    assignment = load_assignment(toml)

    def grade(found, out):
        grade_many(found, assignment, out, jobs=2, progress=None, views=CLASS_REPORTS, check_integrity=False)

    grade(discover_class(subs, assignment, base / "whole"), base / "whole")
    results = base / "results"
    for k in range(1, COUNT + 1):
        out = results / f"shard-{k}"
        grade(take_shard(discover_class(subs, assignment, out), Shard(k, COUNT), assignment, out), out)
    return base, subs, toml, results


# --------------------------------------------------------------------------- which submission goes where
def _subs(names: list[str]) -> list[Submission]:
    return [Submission(name, (Path(f"{name}.py"),), slugify(name)) for name in names]


names = st.lists(st.text(min_size=1, max_size=24), max_size=40, unique_by=slugify)


@given(names=names, count=st.integers(1, 12), seed=st.randoms(use_true_random=False))
def test_shards_are_disjoint_cover_the_class_and_do_not_depend_on_the_listing(names, count, seed):
    subs = _subs(names)
    parts = [members(subs, Shard(k, count)) for k in range(1, count + 1)]
    graded = [s.slug for part in parts for s in part]
    assert sorted(graded) == sorted(s.slug for s in subs)  # every submission once: disjoint and covering
    for part in parts:
        assert part == [s for s in subs if s in part]  # in class order
    shuffled = list(subs)
    seed.shuffle(shuffled)
    others = shuffled[: len(shuffled) // 2]  # another listing, and a class with fewer submissions
    for k in range(1, count + 1):
        assert {s.slug for s in members(shuffled, Shard(k, count))} == {s.slug for s in parts[k - 1]}
        assert {s.slug for s in members(others, Shard(k, count))} == {s.slug for s in parts[k - 1]} & {
            s.slug for s in others
        }


def test_a_shard_is_a_pure_function_of_the_name():
    # pinned: a change here would move submissions between shards of a run already under way
    assert [shard_of(slug, 4) for slug in ("correct", "wrong", "folder", "alice")] == [3, 1, 2, 4]
    assert all(shard_of(f"s{i}", 1) == 1 for i in range(50))
    spread = [shard_of(f"student{i:03d}", 4) for i in range(400)]
    assert all(60 < spread.count(k) < 140 for k in range(1, 5))


@pytest.mark.parametrize("text", ["1/1", "2/8", " 3 / 4 ", "10/10"])
def test_shard_text(text):
    k, n = (int(x) for x in text.split("/"))
    assert Shard.parse(text) == Shard(k, n) and str(Shard(k, n)) == f"{k}/{n}"


@pytest.mark.parametrize(
    "text, says",
    [
        ("two", "write K/N, shard K of N (for example --shard 2/8)"),
        ("3", "write K/N"),
        ("-1/4", "write K/N"),
        ("0/4", "K must be from 1 to 4"),
        ("5/4", "K must be from 1 to 4"),
        ("1/0", "N is the number of shards and must be at least 1"),
    ],
)
def test_bad_shard_text_is_one_error_line(tmp_path, capsys, text, says):
    (tmp_path / "subs").mkdir()
    (tmp_path / "a.toml").write_text(ASSIGNMENT)
    argv = ["grade", str(tmp_path / "subs"), "-a", str(tmp_path / "a.toml"), "-o", str(tmp_path / "o")]
    code = main([*argv, f"--shard={text}"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("verifier: error: --shard") and says in err
    assert not (tmp_path / "o").exists()  # refused before anything was written


# --------------------------------------------------------------------------- grading shards and merging them
def test_each_shard_grades_its_part_and_records_it(graded):
    base, subs, toml, results = graded
    whole = _grades(base / "whole")
    seen: set[str] = set()
    for k in range(1, COUNT + 1):
        out = results / f"shard-{k}"
        record = json.loads((out / SHARD_FILE).read_text())
        mine = {slug for slug in whole if shard_of(slug, COUNT) == k}
        assert mine, "every shard of the test class holds a submission"
        assert record["shard"] == [k, COUNT] and set(record["submissions"]) == mine
        rows = (base / "whole" / "grades.csv").read_text().splitlines()[1:]
        assert record["class"] == [row.split(",")[0] for row in rows]  # the class, in the order of one run
        assert set(_grades(out)) == mine and not seen & mine
        seen |= mine
        assert {s: whole[s] for s in mine} == _grades(out)  # the same grades as the whole run
    assert seen == set(whole)


def test_four_shards_and_a_merge_give_the_grades_csv_of_one_run(graded, tmp_path):
    base, subs, toml, results = graded
    merged = tmp_path / "merged"
    dirs = [str(results / f"shard-{k}") for k in (3, 1, 4, 2)]  # in any order
    assert main(["grade", "--merge", *dirs, "--assignment", str(toml), "--out", str(merged)]) == 0
    assert (merged / "grades.csv").read_text() == (base / "whole" / "grades.csv").read_text()
    assert _grades(merged) == _grades(base / "whole")
    for folder in (merged / "submissions").iterdir():
        assert (folder / "report.html").is_file() and (folder / "results.json").is_file()
    assert (merged / "index.html").is_file() and (merged / "junit.xml").is_file()
    assert not (merged / SHARD_FILE).exists()  # the merged store is the class, not a shard
    grades_csv = (base / "whole" / "grades.csv").read_text()
    assert "wrong" in grades_csv and "exits" in grades_csv


def _copies(results: Path, tmp: Path) -> list[Path]:
    shutil.copytree(results, tmp / "results")
    return [tmp / "results" / f"shard-{k}" for k in range(1, COUNT + 1)]


def _edit_record(folder: Path, **changes) -> None:
    record = json.loads((folder / SHARD_FILE).read_text())
    record.update(changes)
    (folder / SHARD_FILE).write_text(json.dumps(record))


def _merge(capsys, dirs, toml, out) -> tuple[int, str]:
    code = main(["grade", "--merge", *map(str, dirs), "--assignment", str(toml), "--out", str(out)])
    return code, capsys.readouterr().err


def test_merge_refuses_a_folder_that_is_not_a_shard(graded, tmp_path, capsys):
    base, subs, toml, results = graded
    dirs = _copies(results, tmp_path)
    code, err = _merge(capsys, [*dirs[:3], base / "whole"], toml, tmp_path / "m")
    assert code == 2 and f"--merge {base / 'whole'}: not the --out folder of a 'verifier grade --shard K/N' run" in err
    code, err = _merge(capsys, [*dirs, tmp_path / "nowhere"], toml, tmp_path / "m")
    assert code == 2 and "no such folder" in err
    (dirs[0] / SHARD_FILE).write_text("{not json")
    code, err = _merge(capsys, dirs, toml, tmp_path / "m")
    assert code == 2 and "cannot read shard.json" in err
    assert not (tmp_path / "m" / "grades.csv").exists()


def test_merge_refuses_shards_of_another_version_or_assignment(graded, tmp_path, capsys):
    base, subs, toml, results = graded
    dirs = _copies(results, tmp_path)
    other = tmp_path / "other.toml"
    other.write_text(ASSIGNMENT.replace("seed = 5", "seed = 6"))
    code, err = _merge(capsys, dirs, other, tmp_path / "m")
    assert code == 2 and "was graded with a different assignment" in err and "--profile" in err
    _edit_record(dirs[1], verifier="0.0.1")
    code, err = _merge(capsys, dirs, toml, tmp_path / "m")
    assert code == 2 and "shard 2/4 was graded by verifier 0.0.1" in err and str(dirs[1]) in err
    _edit_record(dirs[1], verifier=json.loads((dirs[0] / SHARD_FILE).read_text())["verifier"], assignment_hash="0" * 16)
    code, err = _merge(capsys, dirs, toml, tmp_path / "m")
    assert code == 2 and "shard 2/4 was graded with a different assignment" in err
    assert not (tmp_path / "m" / "grades.csv").exists()


def test_merge_refuses_other_splits_other_classes_and_missing_or_unfinished_shards(graded, tmp_path, capsys):
    base, subs, toml, results = graded
    dirs = _copies(results, tmp_path)
    code, err = _merge(capsys, dirs[:3], toml, tmp_path / "m")  # shard 4 not given
    assert code == 2 and "shard 4/4 missing" in err
    code, err = _merge(capsys, dirs, toml, dirs[2])
    assert code == 2 and "is one of the shard folders" in err
    (dirs[0] / "submissions" / "wrong" / "grade.json").unlink()
    code, err = _merge(capsys, dirs, toml, tmp_path / "m")
    assert code == 2 and "shard 1/4 did not finish (wrong has no grade)" in err
    shutil.copy(results / "shard-1" / "submissions" / "wrong" / "grade.json", dirs[0] / "submissions" / "wrong")
    _edit_record(dirs[3], shard=[4, 5])
    code, err = _merge(capsys, dirs, toml, tmp_path / "m")
    assert code == 2 and "is a shard of 4" in err and "one of 5" in err
    _edit_record(dirs[3], shard=[4, 4], **{"class": ["alice", "correct", "folder", "wrong"]})
    code, err = _merge(capsys, dirs, toml, tmp_path / "m")
    assert code == 2 and "were graded from different classes" in err
    assert not (tmp_path / "m" / "grades.csv").exists()


def test_merge_refuses_a_submission_graded_differently_twice_and_accepts_it_graded_alike(graded, tmp_path, capsys):
    base, subs, toml, results = graded
    dirs = _copies(results, tmp_path)
    twice = tmp_path / "again-1"
    shutil.copytree(dirs[0], twice)
    code, _ = _merge(capsys, [*dirs, twice], toml, tmp_path / "alike")
    assert code == 0 and (tmp_path / "alike" / "grades.csv").read_text() == (base / "whole" / "grades.csv").read_text()
    path = twice / "submissions" / "exits" / "grade.json"
    data = json.loads(path.read_text())
    data["score"] = 10.0
    path.write_text(json.dumps(data))
    code, err = _merge(capsys, [*dirs, twice], toml, tmp_path / "m")
    assert code == 2 and "'exits' is graded differently in" in err


@pytest.mark.parametrize(
    "args, says",
    [
        (["--merge", "a", "SUBS"], "it takes no SUBMISSIONS"),
        (["--merge", "a", "--shard", "1/2"], "it takes no --shard"),
        (["--merge", "a", "--scheduler", "local"], "it takes no --scheduler"),
        ([], "pass SUBMISSIONS"),
    ],
)
def test_merge_and_grading_options_do_not_mix(tmp_path, capsys, args, says):
    (tmp_path / "a.toml").write_text(ASSIGNMENT)
    argv = ["grade", *args, "-a", str(tmp_path / "a.toml"), "-o", str(tmp_path / "o")]
    if "SUBS" in argv:
        argv.remove("SUBS")
        argv.insert(1, str(tmp_path))
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and says in err and err.count("\n") == 1


def test_a_whole_run_into_a_shard_folder_makes_it_the_class(graded, tmp_path):
    base, subs, toml, results = graded
    out = tmp_path / "s"
    shutil.copytree(results / "shard-3", out)  # shard 3 is 'correct' alone
    (tmp_path / "one").mkdir()
    shutil.copy(subs / "correct.py", tmp_path / "one")
    assert main(["grade", str(tmp_path / "one"), "--assignment", str(toml), "--out", str(out), "-q"]) == 0
    assert not (out / SHARD_FILE).exists()  # no longer a shard: --merge would refuse it


# --------------------------------------------------------------------------- the recipes of docs/scale.md
def recipe(name: str) -> str:
    """The fenced block that follows ``<!-- tested: NAME`` in docs/scale.md."""
    text = SCALE_DOC.read_text()
    match = re.search(rf"<!-- tested: {re.escape(name)}\b[^>]*-->\n```[a-z]*\n(.*?)\n```", text, re.S)
    assert match, f"docs/scale.md has no block marked 'tested: {name}'"
    return match.group(1)


def _shim(tmp: Path) -> dict[str, str]:
    """An environment whose ``verifier`` is this checkout's (the installed one may be another)."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "verifier"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m verifier "$@"\n')
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}


def _pod(manifest: dict) -> tuple[list[str], dict[str, str]]:
    """A Job's container command line (the script included) and its environment."""
    (container,) = manifest["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: str(e["value"]) for e in container.get("env", [])}
    return container["command"] + container["args"], env


def test_the_kubernetes_indexed_job_grades_the_shard_of_its_index(graded, tmp_path):
    yaml = pytest.importorskip("yaml")
    base, subs, toml, results = graded
    job = yaml.safe_load(recipe("kubernetes-job"))
    assert job["kind"] == "Job" and job["spec"]["completionMode"] == "Indexed"
    command, env = _pod(job)
    count = job["spec"]["completions"]
    assert env["SHARDS"] == str(count) == str(COUNT) and job["spec"]["parallelism"] <= count
    assert {"SUBMISSIONS", "ASSIGNMENT", "RESULTS"} <= set(env)
    index = 1  # the pod of index 1 grades shard 2/4
    env.update(SUBMISSIONS=str(subs), ASSIGNMENT=str(toml), RESULTS=str(tmp_path / "results"))
    run = subprocess.run(
        command,
        env={**_shim(tmp_path), **env, "JOB_COMPLETION_INDEX": str(index)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    out = tmp_path / "results" / f"shard-{index + 1}"
    assert json.loads((out / SHARD_FILE).read_text())["shard"] == [index + 1, COUNT]
    assert _grades(out) == _grades(results / f"shard-{index + 1}") and set(_grades(out)) == {"folder"}
    assert [p.name for p in (tmp_path / "results").iterdir()] == [f"shard-{index + 1}"]


def test_the_kubernetes_merge_job_merges_every_shard(graded, tmp_path):
    yaml = pytest.importorskip("yaml")
    base, subs, toml, results = graded
    shutil.copytree(results, tmp_path / "results")
    command, env = _pod(yaml.safe_load(recipe("kubernetes-merge")))
    env.update(ASSIGNMENT=str(toml), RESULTS=str(tmp_path / "results"))
    run = subprocess.run(command, env={**_shim(tmp_path), **env}, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    merged = tmp_path / "results" / "class" / "grades.csv"
    assert merged.read_text() == (base / "whole" / "grades.csv").read_text()


def _sbatch(script: str, option: str) -> str:
    match = re.search(rf"^#SBATCH --{option}=(\S+)", script, re.M)
    assert match, f"the script has no #SBATCH --{option}"
    return match.group(1)


def test_the_slurm_array_task_grades_the_shard_of_its_id(graded, tmp_path):
    base, subs, toml, results = graded
    script = recipe("slurm-array")
    first, last = (int(x) for x in _sbatch(script, "array").split("-"))
    assert (first, last) == (1, COUNT) and re.search(rf"^SHARDS={last}\b", script, re.M)
    env = {
        **_shim(tmp_path),
        "SUBMISSIONS": str(subs),
        "ASSIGNMENT": str(toml),
        "RESULTS": str(tmp_path / "results"),
        "SLURM_ARRAY_TASK_ID": "3",
        "SLURM_ARRAY_TASK_COUNT": "1",  # as when task 3 alone is submitted again (sbatch --array=3)
        "SLURM_CPUS_PER_TASK": _sbatch(script, "cpus-per-task"),
    }
    run = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "results" / "shard-3"
    assert json.loads((out / SHARD_FILE).read_text())["shard"] == [3, COUNT]
    assert _grades(out) == _grades(results / "shard-3") and set(_grades(out)) == {"correct"}


def test_the_slurm_merge_merges_every_shard(graded, tmp_path):
    base, subs, toml, results = graded
    shutil.copytree(results, tmp_path / "results")
    env = {**_shim(tmp_path), "ASSIGNMENT": str(toml), "RESULTS": str(tmp_path / "results")}
    run = subprocess.run(["bash", "-c", recipe("slurm-merge")], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    merged = tmp_path / "results" / "class" / "grades.csv"
    assert merged.read_text() == (base / "whole" / "grades.csv").read_text()
