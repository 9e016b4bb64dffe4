"""The worker process: what a candidate does becomes an outcome, never a crash of the verifier."""

import os
import textwrap
import time

import numpy as np
import pytest

from verifier.sandbox import CallOutcome, InProcessExecutor, Limits, LoadOutcome, Worker, open_executor

WELL_BEHAVED = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def boom(x):
    y = x + 1
    raise ValueError(f"bad input {x}")

def spin():
    while True:
        pass

def leave(code):
    import sys
    sys.exit(code)

def hard_exit():
    import os
    os._exit(3)

def segfault():
    import ctypes
    ctypes.string_at(0)

def shout():
    print("x" * (10 * 1024 * 1024))
    return 1.0

def fd_flood():
    import os
    for _ in range(200):
        os.write(1, b"y" * 65536)
        os.write(2, b"z" * 65536)
    return 2.0

def scale_in_place(a, b=None):
    a *= 2
    if b is not None:
        b[0] = -1
    return a.sum()

def grab():
    return np.ones(8 << 30, dtype=np.uint8).sum()

def write_file():
    with open("big.bin", "wb") as f:
        f.write(b"0" * (32 << 20))

def echo(*args, **kwargs):
    return [list(args), kwargs]

class SubArray(np.ndarray):
    pass

class Sneaky:
    def __array__(self, dtype=None, copy=None):
        return np.zeros(3)

class Equal:
    def __eq__(self, other):
        return True

def ret_subclass():
    return np.zeros(3).view(SubArray)

def ret_sneaky():
    return Sneaky()

def ret_equal():
    return Equal()

def ret_generator():
    return (i for i in range(3))
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    src = write(tmp_path_factory.mktemp("cand"), "student.py", WELL_BEHAVED)
    with Worker(src, call_timeout=1.0) as w:
        assert w.load().ok
        yield w


def test_correct_sigmoid_returns_the_right_array(worker):
    z = np.linspace(-5, 5, 11)
    out = worker.call("sigmoid", z)
    assert out.status == "ok" and out.error is None
    np.testing.assert_allclose(out.value, 1 / (1 + np.exp(-z)), rtol=0)
    assert out.value.dtype == np.float64 and out.elapsed >= 0


def test_float32_stays_float32(worker):
    out = worker.call("sigmoid", np.array([0.0, 1.0], dtype=np.float32))
    assert out.value.dtype == np.float32
    assert type(worker.call("sigmoid", np.float32(0)).value) is np.float32


def test_args_and_kwargs_cross_intact(worker):
    out = worker.call("echo", 1, (2.5, None), w=np.zeros(2), flag=True)
    assert out.status == "ok"
    (args, kwargs) = out.value
    assert args == [1, (2.5, None)] and kwargs["flag"] is True and kwargs["w"].shape == (2,)


def test_raised_exception_gives_message_and_candidate_traceback(worker):
    out = worker.call("boom", 7)
    assert out.status == "raised" and out.value is None
    assert out.error.type == "ValueError" and out.error.message == "bad input 7"
    assert 'File "student.py", line 9, in boom' in out.error.traceback
    assert "raise ValueError" in out.error.traceback and "worker.py" not in out.error.traceback


def test_overflow_warning_is_recorded(worker):
    out = worker.call("sigmoid", np.array([-1000.0]))
    assert out.status == "ok"
    assert [(w.category, w.message) for w in out.warnings] == [("RuntimeWarning", "overflow encountered in exp")]


def test_mutating_an_argument_is_reported(worker):
    out = worker.call("scale_in_place", np.ones(3), b=np.zeros(2))
    assert out.status == "ok" and out.mutated == (0, "b")
    assert worker.call("sigmoid", np.ones(3)).mutated == ()


def test_printing_10_mb_is_capped_and_the_call_returns(worker):
    out = worker.call("shout")
    assert out.status == "ok" and out.value == 1.0
    assert len(out.stdout) < 70 * 1024 and "10485761 characters written" in out.stdout


def test_writes_to_fds_1_and_2_are_harmless(worker):
    out = worker.call("fd_flood")
    assert out.status == "ok" and out.value == 2.0 and out.stdout == ""


@pytest.mark.parametrize(
    "name, type_name",
    [("ret_subclass", "SubArray"), ("ret_sneaky", "Sneaky"), ("ret_equal", "Equal"), ("ret_generator", "generator")],
)
def test_impostor_return_values_are_bad_output(worker, name, type_name):
    out = worker.call(name)
    assert out.status == "bad-output" and out.value is None
    assert f"returned an object of type {type_name}, not a number or array" in out.error.message


def test_sys_exit_at_call_is_an_outcome_and_the_worker_survives(worker):
    starts = worker.starts
    out = worker.call("leave", 0)
    assert out.status == "exited" and "sys.exit(0)" in out.error.message
    assert worker.call("sigmoid", 0.0).value == 0.5 and worker.starts == starts


def test_missing_function(worker):
    assert worker.has_function("sigmoid") and not worker.has_function("compute_cost")
    assert "sigmoid" in worker.functions() and "np" not in worker.functions()
    out = worker.call("compute_cost")
    assert out.status == "raised" and "compute_cost" in out.error.message


def test_infinite_loop_is_killed_at_the_timeout_and_the_next_call_works(worker):
    starts = worker.starts
    t0 = time.monotonic()
    out = worker.call("spin")
    took = time.monotonic() - t0
    assert out.status == "timeout" and 1.0 <= took < 2.0
    assert worker.call("sigmoid", 0.0).value == 0.5
    assert worker.starts == starts + 1


def test_os_exit_at_call(worker):
    out = worker.call("hard_exit")
    assert out.status == "exited" and "code 3" in out.error.message
    assert worker.call("sigmoid", 0.0).status == "ok"


def test_segfault_is_exited_with_the_signal(worker):
    out = worker.call("segfault")
    assert out.status == "exited" and "SIGSEGV" in out.error.message
    assert worker.call("sigmoid", 0.0).status == "ok"


def test_memory_grab_is_contained(worker):
    out = worker.call("grab")
    assert out.status in ("killed", "raised")
    if out.status == "raised":
        assert out.error.type == "MemoryError"
    assert worker.call("sigmoid", 0.0).status == "ok"


def test_file_size_limit_fails_the_write(worker):
    out = worker.call("write_file")
    assert out.status == "raised" and out.error.type == "OSError" and "File too large" in out.error.message


def test_worker_runs_in_a_scrubbed_environment(tmp_path):
    src = write(
        tmp_path,
        "env.py",
        """
        import os, sys
        def env():
            return {"cwd": os.getcwd(), "listing": os.listdir("."), "threads": os.environ.get("OMP_NUM_THREADS"),
                    "secret": os.environ.get("VERIFIER_TEST_SECRET"), "hashseed": os.environ.get("PYTHONHASHSEED"),
                    "numpy_first": "numpy" in sys.modules}
    """,
    )
    os.environ["VERIFIER_TEST_SECRET"] = "s3cret"
    try:
        with Worker(src) as w:
            value = w.call("env").value
            cwd = value["cwd"]
            assert value["secret"] is None and value["threads"] == "1" and value["hashseed"] == "0"
            assert value["numpy_first"] and cwd != str(tmp_path)
            assert os.path.isdir(cwd)
        assert not os.path.exists(cwd)  # removed on close
    finally:
        del os.environ["VERIFIER_TEST_SECRET"]


def test_import_time_output_and_failures(tmp_path):
    with Worker(write(tmp_path, "chatty.py", "print('loading')\nx = 1\n")) as w:
        out = w.load()
        assert out.ok and out.stdout == "loading\n"
    # a top-level statement that raises is skipped; what comes after it still loads
    with Worker(
        write(tmp_path, "raises.py", "import numpy\nraise RuntimeError('at import')\ndef f():\n    return 1\n")
    ) as w:
        out = w.load()
        assert out.ok and w.has_function("f") and w.call("f").value == 1
        (skipped,) = out.skipped
        assert skipped.where == "line 2" and skipped.error == "RuntimeError: at import"
        assert skipped.statement == "raise RuntimeError('at import')"


@pytest.mark.parametrize(
    "body, status, text",
    [
        ("import sys\nsys.exit(0)\n", "exited", "sys.exit(0)"),
        ("import os\nos._exit(3)\n", "exited", "code 3"),
        ("while True:\n    pass\n", "timeout", "loading did not finish"),
    ],
)
def test_exits_and_hangs_at_import(tmp_path, body, status, text):
    with Worker(write(tmp_path, "bad_import.py", body), load_timeout=1.0) as w:
        out = w.load()
        assert not out.ok and out.status == status and text in out.error.message
        call = w.call("sigmoid", 0.0)
        assert call.status == status and w.starts == 1  # a failed load is not retried


def test_missing_file_and_syntax_error_in_a_notebook(tmp_path):
    import nbformat

    with Worker(tmp_path / "absent.py") as w:
        out = w.load()
        assert not out.ok and "no such file" in out.error.message
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np"),
        nbformat.v4.new_code_cell("!ls\nx = 1"),
        nbformat.v4.new_code_cell("def sigmoid(z)\n    return z"),
    ]
    nbformat.write(nb, str(tmp_path / "lab.ipynb"))
    with Worker(tmp_path / "lab.ipynb") as w:
        out = w.load()
        # the cell that does not parse is skipped (with the error); the other cells load
        assert out.ok and not w.has_function("sigmoid") and w.functions() == ()
        (skipped,) = out.skipped
        assert (
            skipped.where == "cell 3, line 1" and "SyntaxError" in skipped.error and "cell 3, line 1" in skipped.error
        )


def test_notebook_candidate_is_called(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np"),
        nbformat.v4.new_code_cell("def sigmoid(z):\n    return 1 / (1 + np.exp(-z))"),
    ]
    nbformat.write(nb, str(tmp_path / "lab.ipynb"))
    with open_executor(f"{tmp_path / 'lab.ipynb'}::sigmoid") as w:
        assert isinstance(w, Worker) and w.function_name == "sigmoid"
        assert w.call("sigmoid", 0.0).value == 0.5


def test_module_spec_runs_in_a_worker():
    with open_executor("json:dumps") as w:
        assert w.call("dumps", [1, 2]).value == "[1, 2]"


def test_in_process_executor_judges_like_a_worker():
    calls = []

    def sigmoid(z):
        calls.append(z)
        print("called")
        return 1 / (1 + np.exp(-z))

    def mutate(a):
        a[0] = 1.0
        return np.zeros(2).view(type("Sub", (np.ndarray,), {}))

    def bail():
        raise SystemExit(2)

    ex = open_executor({"sigmoid": sigmoid, "mutate": mutate, "bail": bail})
    assert isinstance(ex, InProcessExecutor) and ex.load().ok
    z = np.array([-1000.0, 0.0], dtype=np.float32)
    out = ex.call("sigmoid", z)
    assert out.status == "ok" and out.value.dtype == np.float32 and out.stdout == "called\n"
    assert out.warnings[0].category == "RuntimeWarning"
    assert calls[0] is not z  # the callable gets a copy
    arg = np.zeros(2)
    out = ex.call("mutate", arg)
    assert out.status == "bad-output" and "Sub" in out.error.message and out.mutated == (0,)
    assert arg[0] == 0.0
    assert ex.call("bail").status == "exited"
    assert ex.has_function("sigmoid") and not ex.has_function("cost")
    assert open_executor(np.tanh).functions() == ("tanh",)


def test_arguments_that_cannot_cross_raise_in_the_caller(worker):
    from verifier.sandbox.wire import WireError

    with pytest.raises(WireError):
        worker.call("sigmoid", object())


def test_limits_are_validated():
    with pytest.raises(ValueError, match="address_space"):
        Limits(address_space=-1)
    with pytest.raises(ValueError, match="call_timeout"):
        Worker("x.py", call_timeout=0)


def test_outcomes_are_frozen():
    out = CallOutcome("ok", 1.0, None, "", (), (), 0.0)
    with pytest.raises(AttributeError):
        out.status = "raised"
    assert LoadOutcome(True, None, "", 0.0).ok


def test_cpu_limit_kills_a_spinning_call(tmp_path):
    src = write(tmp_path, "cpu.py", "def spin():\n    while True:\n        pass\n")
    with Worker(src, call_timeout=20.0, limits=Limits(cpu_seconds=1)) as w:
        out = w.call("spin")
        # "killed" by the CPU limit, not "timeout": the 1 s CPU limit acted before the 20 s wall limit
        assert out.status == "killed" and "CPU time limit" in out.error.message


def test_garbage_on_the_reply_channel_is_an_outcome(tmp_path):
    src = write(
        tmp_path,
        "forge.py",
        """
        import os
        def forge():
            for fd in map(int, os.listdir("/proc/self/fd")):
                if fd > 2:
                    try:
                        os.write(fd, b"\\xff" * 64)
                    except OSError:
                        pass
            return 1.0
        def ok():
            return 2.0
    """,
    )
    with Worker(src) as w:
        out = w.call("forge")
        assert out.status == "exited" and "channel" in out.error.message
        assert w.call("ok").value == 2.0
