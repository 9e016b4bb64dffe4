"""Assignment files: the bundled examples load, points split as documented, mistakes are named."""

from pathlib import Path

import pytest

from verifier.cli import main
from verifier.errors import UsageError
from verifier.grading.assignment import Task, load_assignment, parse_assignment

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "assignments"

MINIMAL = """
[assignment]
seed = 3
[[task]]
target = "sigmoid"
"""


def write(tmp_path, text, name="a.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize("name", ["mls.toml", "theta.toml", "cs231n_softmax.toml", "mls_softmax.toml"])
def test_bundled_assignments_load_and_their_points_add_up(name):
    a = load_assignment(EXAMPLES / name)
    for task in a.tasks:
        assert sum(task.points_for().values()) == pytest.approx(task.points)
    assert a.max_score == sum(t.points for t in a.tasks)


def test_mls_assignment_names_the_lab_functions():
    a = load_assignment(EXAMPLES / "mls.toml")
    assert [t.function for t in a.tasks] == [
        "sigmoid",
        "compute_cost_logistic",
        "compute_gradient_logistic",
        "compute_cost_logistic_reg",
        "compute_gradient_logistic_reg",
        "predict",
    ]
    assert a.tasks[3].lam > 0 and a.tasks[3].convention == "mls"


def test_softmax_assignments_name_the_course_functions():
    cs = load_assignment(EXAMPLES / "cs231n_softmax.toml")
    assert [(t.function, t.target, t.convention) for t in cs.tasks] == [
        ("softmax_loss_naive", "softmax-cost-and-gradient", "cs231n"),
        ("softmax_loss_vectorized", "softmax-cost-and-gradient", "cs231n"),
    ]
    assert all(t.lam > 0 and t.penalty == "lam" for t in cs.tasks)  # reg * sum(W * W)
    (t,) = load_assignment(EXAMPLES / "mls_softmax.toml").tasks
    assert (t.function, t.target, t.convention) == ("my_softmax", "softmax", "my_softmax")


SOFTMAX_TASK = """
[assignment]
seed = 1
[[task]]
function = "softmax_loss_vectorized"
target = "softmax-cost-and-gradient"
convention = "cs231n"
lambda = 0.5
"""


@pytest.mark.parametrize(
    "written, factor",
    [
        ("lam", "lam"),
        ("lam/2", "lam/2"),
        ("reg*sum(W^2)", "lam"),
        ("reg * sum(W*W)", "lam"),
        ("0.5*reg*sum(W^2)", "lam/2"),
    ],
)
def test_penalty_takes_the_course_spellings_the_cli_takes(tmp_path, written, factor):
    (t,) = load_assignment(write(tmp_path, SOFTMAX_TASK + f'penalty = "{written}"\n')).tasks
    assert t.penalty == factor


def test_a_penalty_spelled_differently_is_the_same_task(tmp_path):
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
    a = load_assignment(write(tmp_path / "a", SOFTMAX_TASK + 'penalty = "lam"\n'))
    b = load_assignment(write(tmp_path / "b", SOFTMAX_TASK + 'penalty = "reg*sum(W^2)"\n'))
    assert a.digest() == b.digest()


@pytest.mark.parametrize("written", ['"reg*sum(|W|)"', '"lam/m"', "0.5"])
def test_an_unknown_penalty_is_one_clear_error(tmp_path, written):
    path = write(tmp_path, SOFTMAX_TASK + f"penalty = {written}\n")
    with pytest.raises(UsageError) as info:
        load_assignment(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "penalty" in message
    assert "\n" not in message and "lam/(2m)" in message


def test_defaults_of_a_minimal_assignment(tmp_path):
    a = load_assignment(write(tmp_path, MINIMAL))
    (t,) = a.tasks
    assert (t.name, t.convention, t.precision, t.points) == ("sigmoid", "mls", "float64", 10.0)
    assert a.profile == "default" and a.seed == 3 and a.visibility == "visible"
    by_tier = {}
    for cid, pts in t.points_for().items():
        tier = cid.split(".")[0]
        by_tier[tier] = by_tier.get(tier, 0) + pts
    assert by_tier == pytest.approx({"correctness": 6, "stability": 3, "contract": 1})


def test_a_check_named_in_split_keeps_its_points_and_the_tier_shares_the_rest():
    t = Task(
        "g",
        "gradient",
        points=10,
        checks=("correctness.benign", "correctness.shapes", "contract.pure"),
        split={"correctness.benign": 5, "correctness": 3, "contract": 2},
    )
    assert t.points_for() == {"correctness.benign": 5, "correctness.shapes": 3, "contract.pure": 2}


def test_visibility_by_check_then_tier_then_default():
    t = Task("g", "gradient", visibility={"stability": "after_due_date", "stability.overflow": "hidden"})
    assert t.visibility_of("stability.overflow", "visible") == "hidden"
    assert t.visibility_of("stability.saturated", "visible") == "after_due_date"
    assert t.visibility_of("correctness.benign", "visible") == "visible"


def test_the_hash_ignores_comments_and_location(tmp_path):
    for d in ("x", "y", "z"):
        (tmp_path / d).mkdir()
    a = load_assignment(write(tmp_path / "x", MINIMAL))
    b = load_assignment(write(tmp_path / "y", "# a comment\n" + MINIMAL))
    c = load_assignment(write(tmp_path / "z", MINIMAL.replace("seed = 3", "seed = 4")))
    assert a.digest() == b.digest() != c.digest()


@pytest.mark.parametrize(
    "text, expected",
    [
        (MINIMAL.replace("seed = 3", "sed = 3"), ["[assignment].sed", "did you mean 'seed'"]),
        (MINIMAL.replace('"sigmoid"', '"sigmod"'), ["target", "'sigmod'", "did you mean 'sigmoid'"]),
        (MINIMAL + 'convention = "matlab"\n', ["convention", "mls"]),
        (MINIMAL + "points = -1\n", ["points", ">= 0"]),
        (MINIMAL + 'points = "ten"\n', ["points", "not a number"]),
        (MINIMAL + "split = { correctness = 1 }\n", ["split", "gives 1 points", "points = 10"]),
        (MINIMAL + "split = { speed = 10 }\n", ["split.speed", "not a tier or a check"]),
        (MINIMAL + 'visibility = { stability = "secret" }\n', ["visibility.stability", "after_due_date"]),
        (MINIMAL + 'checks = ["correctness.labels"]\n', ["checks", "correctness.labels"]),
        (MINIMAL + "lambda = 1.0\n", ["lambda", "takes no lambda"]),
        ("[assignment]\nseed = 1\n", ["no tasks", "[[task]]"]),
        ("[assignment\n", ["not valid TOML"]),
        (MINIMAL.replace("seed = 3", "seed = -3"), ["seed", "non-negative integer"]),
        (MINIMAL.replace("seed = 3", 'profile = "fast"'), ["profile", "quick"]),
        (MINIMAL + '[[task]]\ntarget = "sigmoid"\n', ["'sigmoid' is used by two tasks"]),
    ],
)
def test_mistakes_name_the_file_the_key_and_what_to_write(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as info:
        load_assignment(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message


def test_a_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such assignment file"):
        load_assignment(tmp_path / "nope.toml")


def test_parse_assignment_takes_plain_data():
    a = parse_assignment({"task": [{"target": "cost", "name": "J", "points": 4}]}, "inline")
    assert a.tasks[0].name == "J" and a.max_score == 4


def test_cli_reports_a_bad_assignment_in_one_line_and_exits_2(tmp_path, capsys):
    bad = write(tmp_path, MINIMAL.replace("seed = 3", "sed = 3"))
    (tmp_path / "subs").mkdir()
    code = main(["grade", str(tmp_path / "subs"), "--assignment", str(bad), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "did you mean 'seed'" in err and "Traceback" not in err
