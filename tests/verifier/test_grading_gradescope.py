"""verifier gradescope: the run_autograder entry point."""

import json

from test_grading import CORRECT, WRONG

from verifier.cli import main

TOML = """
[assignment]
profile = "quick"
seed = 8
call_timeout = 1.0
[[task]]
name = "sigmoid"
target = "sigmoid"
checks = ["correctness.benign"]
points = 2
[[task]]
name = "gradient"
target = "gradient"
checks = ["correctness.benign", "contract.pure"]
points = 4
split = { correctness = 3, contract = 1 }
visibility = { contract = "hidden" }
"""


def autograder(tmp_path, files: dict[str, str], metadata: dict | None = None):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "source").mkdir()
    (root / "source" / "assignment.toml").write_text(TOML)
    for name, text in files.items():
        (root / "submission" / name).write_text(text)
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    return root


def run(root, toml=None):
    return main(
        [
            "gradescope",
            "--assignment",
            str(toml or root / "source" / "assignment.toml"),
            "--submission",
            str(root / "submission"),
            "--results",
            str(root / "results"),
        ]
    )


def test_a_correct_submission_gets_full_marks(tmp_path):
    root = autograder(tmp_path, {"lab.py": CORRECT}, {"users": [{"email": "a@example.org"}]})
    assert run(root) == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 6.0
    assert [t["status"] for t in data["tests"]] == ["passed"] * 3
    assert data["tests"][2]["visibility"] == "hidden"
    assert (root / "results" / "report.html").is_file()


def test_the_seed_derives_from_the_submitters(tmp_path):
    from verifier.grading.scoring import derive_seed

    root = autograder(tmp_path, {"lab.py": WRONG}, {"users": [{"email": "b@x.org"}, {"email": "a@x.org"}]})
    run(root)
    data = json.loads((root / "results" / "results.json").read_text())
    assert f"Seed {derive_seed(8, 'a@x.org,b@x.org')}" in data["output"]
    # sigmoid 2; the gradient's sign is wrong, so it agrees nowhere and its passing purity check earns nothing
    assert data["score"] == 2.0
    failed = [t for t in data["tests"] if t["status"] == "failed"]
    assert len(failed) == 1 and "Smallest failing input" in failed[0]["output"]


def test_an_empty_submission_still_gets_a_results_file(tmp_path):
    root = autograder(tmp_path, {"README.txt": "nothing here"})
    assert run(root) == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0.0 and all(t["status"] == "failed" for t in data["tests"])
    assert "no .py or .ipynb file" in data["tests"][0]["output"]


def test_a_misconfigured_assignment_is_reported_on_gradescope_and_exits_2(tmp_path, capsys):
    root = autograder(tmp_path, {"lab.py": CORRECT})
    bad = tmp_path / "bad.toml"
    bad.write_text(TOML.replace("points = 2", "pionts = 2"))
    assert run(root, bad) == 2
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0.0 and "misconfigured" in data["output"] and "pionts" in data["output"]
    assert "did you mean 'points'" in capsys.readouterr().err


def test_results_json_feedback_is_markdown_with_the_counterexample_table_and_ids(tmp_path):
    from test_report_formats import md_tables, md_text

    root = autograder(tmp_path, {"lab.py": WRONG}, {"users": [{"email": "c@x.org"}]})
    assert run(root) == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["output_format"] == "md" and all(t["output_format"] == "md" for t in data["tests"])
    failed = next(t for t in data["tests"] if t["status"] == "failed")
    assert failed["extra_data"]["check"] == "correctness.benign" and failed["extra_data"]["task"] == "gradient"
    assert failed["extra_data"]["assessment"] == "wrong" and "sign-flipped" in failed["extra_data"]["diagnoses"]
    (_, inputs), (_, outputs) = md_tables(failed["output"])[:2]
    assert {name for name, _ in inputs} >= {"X", "y", "w", "b"}
    assert json.loads(dict(inputs)["w"])  # the counterexample's values, readable back
    assert {row[0] for row in outputs} >= {"dj_dw", "dj_db"}
    paragraphs = [md_text(p) for p in failed["output"].split("\n\n")]
    assert any(p.startswith("Likely mistake (sign-flipped)") for p in paragraphs)
    assert any(p.startswith("Hint: ") for p in paragraphs)
    tasks = {t["task"]: t for t in data["extra_data"]["tasks"]}
    assert tasks["sigmoid"]["assessment"] == "correct" and tasks["gradient"]["assessment"] == "wrong"
    assert "sign-flipped" in tasks["gradient"]["diagnoses"]
