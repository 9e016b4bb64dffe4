"""Batched calls: ``call_many`` is one request with one outcome per call, judged as ``call`` judges it."""

import os
import textwrap
import time

import numpy as np
import pytest

from verifier.sandbox import STATUSES, InProcessExecutor, Limits, Worker, wire
from verifier.sandbox.wire import WireError

SOURCE = """
import os, time, warnings
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def shout(tag):
    print("call", tag)
    return tag

def warn(flag):
    if flag:
        warnings.warn("careful", UserWarning)
    return flag

def scale_in_place(a, b=None):
    a *= 2
    if b is not None:
        b[0] = -1
    return float(a.sum())

def nap(seconds):
    time.sleep(seconds)
    return seconds

def spin():
    while True:
        pass

def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return seconds

def die(code):
    os._exit(code)

def impostor(kind):
    if kind == "set":
        return {1, 2}
    return kind

def pid():
    return os.getpid()

def say(n):
    print("x" * n)
    return n

def forge(fields):
    # a well-formed frame with fields of the wrong types, on every descriptor that takes it
    from verifier.sandbox import wire
    body = wire.encode({"status": "ok", "index": 0, **fields})
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd > 2:
            try:
                os.write(fd, len(body).to_bytes(8, "little") + body)
            except OSError:
                pass
    return 1

def touch(a, how):
    if how == "negzero":
        a[0] = -0.0
    elif how == "nan":
        a.view(np.uint64)[0] = 0x7FF8000000000001  # another NaN: equal as a value, not as bits
    elif how == "same":
        a[0] = a[0]
    elif how == "shape":
        a.shape = (1, a.size)
    elif how == "dtype":
        a.dtype = np.int64
    elif how == "append":
        a.append(1)
    return how
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("batch") / "cand.py"
    path.write_text(textwrap.dedent(SOURCE))
    return str(path)


@pytest.fixture(scope="module")
def worker(source):
    with Worker(source, call_timeout=2.0) as w:
        assert w.load().ok
        yield w


def test_not_run_is_a_status():
    assert "not-run" in STATUSES


def test_one_outcome_per_call_in_order_with_the_values_of_separate_calls(worker):
    zs = [np.linspace(-3, 3, 7), np.float32(0.5), np.array([-1000.0]), 2.0]
    batch = worker.call_many("sigmoid", [((z,), {}) for z in zs])
    single = [worker.call("sigmoid", z) for z in zs]
    assert len(batch) == len(zs)
    for got, want in zip(batch, single):
        assert got.status == want.status == "ok"
        np.testing.assert_array_equal(got.value, want.value)
        assert type(got.value) is type(want.value) and np.asarray(got.value).dtype == np.asarray(want.value).dtype
        assert got.warnings == want.warnings


def test_a_batch_is_one_worker_and_keyword_arguments_cross(worker):
    starts = worker.starts
    pids = worker.call_many("pid", [((), {})] * 5)
    assert len({o.value for o in pids}) == 1 and worker.starts == starts
    out = worker.call_many("nap", [((), {"seconds": 0.0}), ((0.01,), {})])
    assert [o.value for o in out] == [0.0, 0.01]


def test_an_empty_batch_is_an_empty_list(worker):
    assert worker.call_many("sigmoid", []) == []


def test_stdout_warnings_and_mutation_are_reported_per_call(worker):
    out = worker.call_many("shout", [(("a",), {}), (("b",), {})])
    assert [o.stdout for o in out] == ["call a\n", "call b\n"]
    out = worker.call_many("warn", [((True,), {}), ((False,), {}), ((True,), {})])
    assert [len(o.warnings) for o in out] == [1, 0, 1]
    assert out[0].warnings[0].category == "UserWarning" and out[0].warnings[0].count == 1
    a = np.ones(3)
    out = worker.call_many("scale_in_place", [((a,), {}), ((a,), {"b": np.zeros(2)}), ((1.0,), {})])
    assert [o.mutated for o in out] == [(0,), (0, "b"), ()]
    assert [o.value for o in out[:2]] == [6.0, 6.0]  # each call got its own copy of `a`
    assert a.tolist() == [1.0, 1.0, 1.0]


def test_bad_output_and_raised_calls_do_not_stop_the_batch(worker):
    out = worker.call_many("impostor", [(("set",), {}), (("fine",), {})])
    assert out[0].status == "bad-output" and "set" in out[0].error.message
    assert out[1].status == "ok" and out[1].value == "fine"
    out = worker.call_many("sigmoid", [(("text",), {}), ((0.0,), {})])
    assert out[0].status == "raised" and out[1].value == 0.5


def test_a_hang_stops_the_batch_and_the_rest_is_not_run(source):
    with Worker(source, call_timeout=5.0) as w:
        assert w.load().ok
        calls = [((0.0,), {}), ((60.0,), {}), ((30.0,), {}), ((30.0,), {})]
        start = time.monotonic()
        out = w.call_many("nap", calls, timeout=0.5)
        took = time.monotonic() - start
        assert [o.status for o in out] == ["ok", "timeout", "not-run", "not-run"]
        assert "0.5 s" in out[1].error.message
        for o in out[2:]:
            assert o.error.type == "NotRun" and "call [1]" in o.error.message and "timeout" in o.error.message
        # the calls after the hang were never made: running them would take a minute
        assert took < 30
        assert w.call("nap", 0.0).status == "ok"  # a fresh worker serves the next call


def test_a_worker_that_dies_stops_the_batch(worker):
    out = worker.call_many("die", [((3,), {}), ((0,), {})])
    assert out[0].status == "exited" and "code 3" in out[0].error.message
    assert out[1].status == "not-run" and "call [0]" in out[1].error.message
    assert worker.call("sigmoid", 0.0).value == 0.5


def test_the_cpu_limit_is_per_call(source):
    # four calls of 0.6 s of CPU each: more than a batch-wide limit of 1 s (rounded up to 2) allows
    with Worker(source, call_timeout=10.0, limits=Limits(cpu_seconds=1)) as w:
        out = w.call_many("burn", [((0.6,), {})] * 4)
        assert [o.status for o in out] == ["ok"] * 4
        out = w.call_many("spin", [((), {}), ((), {})])
        assert out[0].status == "killed" and "CPU time limit" in out[0].error.message
        assert out[1].status == "not-run"


def test_arguments_that_cannot_cross_raise_before_anything_is_sent(source):
    with Worker(source) as w:
        with pytest.raises(WireError):
            w.call_many("sigmoid", [((0.0,), {}), ((object(),), {})])
        assert w.starts == 0  # nothing was started, let alone called
        with pytest.raises(TypeError, match="calls\\[0\\]"):
            w.call_many("sigmoid", [(0.0,)])
        with pytest.raises(ValueError, match="timeout"):
            w.call_many("sigmoid", [((0.0,), {})], timeout=0)


def test_a_failed_load_gives_its_outcome_to_every_call(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import os\nos._exit(4)\n")
    with Worker(str(path)) as w:
        out = w.call_many("f", [((), {})] * 3)
        assert [o.status for o in out] == ["exited"] * 3 and "code 4" in out[0].error.message


def test_in_process_call_many_judges_like_the_worker(worker):
    seen = []

    def scale_in_place(a, b=None):
        seen.append(a)
        print("scaling")
        a *= 2
        if b is not None:
            b[0] = -1
        return float(a.sum())

    ex = InProcessExecutor({"scale_in_place": scale_in_place})
    a = np.ones(3)
    calls = [((a,), {}), ((a,), {"b": np.zeros(2)})]
    local, remote = ex.call_many("scale_in_place", calls), worker.call_many("scale_in_place", calls)
    assert [(o.status, o.value, o.mutated) for o in local] == [(o.status, o.value, o.mutated) for o in remote]
    assert [o.stdout for o in local] == ["scaling\n", "scaling\n"]
    assert seen[0] is not a and seen[0] is not seen[1] and a.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(WireError):
        ex.call_many("scale_in_place", [((a,), {}), ((object(),), {})])
    assert len(seen) == 2  # the bad batch called nothing
    missing = ex.call_many("absent", [((), {}), ((), {})])
    assert [o.status for o in missing] == ["raised", "raised"]


def test_a_hang_after_fast_calls_is_timed_out_on_its_own(source):
    # the fast calls before it keep their outcomes, the hang gets "timeout" after its own limit
    # (counted from the reply before it, not from the start of the batch), the rest is not run
    with Worker(source, call_timeout=5.0) as w:
        assert w.load().ok
        calls = [((0.0,), {})] * 6 + [((60.0,), {})] + [((0.0,), {})] * 3
        start = time.monotonic()
        out = w.call_many("nap", calls, timeout=0.5)
        took = time.monotonic() - start
        assert [o.status for o in out] == ["ok"] * 6 + ["timeout"] + ["not-run"] * 3
        assert [o.value for o in out[:6]] == [0.0] * 6
        assert 0.5 <= out[6].elapsed < 1.5 and "0.5 s" in out[6].error.message
        assert all("call [6]" in o.error.message for o in out[7:])
        assert 0.5 <= took < 3.0, took  # close to the one limit: not the batch's sum, not more
        assert w.call("nap", 0.0).status == "ok" and w.starts == 2


def test_a_hang_in_the_middle_of_a_long_batch_still_waits_only_its_limit(source):
    with Worker(source, call_timeout=5.0) as w:
        assert w.load().ok
        calls = [((0.0,), {})] * 150 + [((60.0,), {})] + [((0.0,), {})] * 49
        start = time.monotonic()
        out = w.call_many("nap", calls, timeout=0.4)
        took = time.monotonic() - start
        assert [o.status for o in out].count("ok") == 150 and out[150].status == "timeout"
        assert {o.status for o in out[151:]} == {"not-run"}
        assert took < 3.0, took


def test_output_is_capped_per_call_in_a_batch(source):
    with Worker(source, limits=Limits(output_bytes=50)) as w:
        out = w.call_many("say", [((10,), {}), ((1000,), {}), ((10,), {}), ((0,), {})])
        assert [o.status for o in out] == ["ok"] * 4
        assert out[0].stdout == out[2].stdout == "x" * 10 + "\n"  # the cap is each call's own
        assert out[1].stdout.startswith("x" * 50) and "1001 characters written, first 50 kept" in out[1].stdout
        assert out[3].stdout == "\n"


def test_mutation_is_judged_per_call_and_to_the_bit(worker):
    calls = [
        ((np.zeros(2), "negzero"), {}),  # 0.0 -> -0.0: equal values, other bits
        ((np.array([np.nan, 1.0]), "nan"), {}),
        ((np.ones(2), "same"), {}),
        ((np.ones(2), "shape"), {}),
        ((np.ones(2), "dtype"), {}),
        (([1, 2], "append"), {}),
        ((np.ones(2), "none"), {}),
        ((), {"a": np.zeros(2), "how": "negzero"}),
        ((np.ones(3), "none"), {}),
    ]
    out = worker.call_many("touch", calls)
    assert [o.status for o in out] == ["ok"] * len(calls)
    assert [o.mutated for o in out] == [(0,), (0,), (), (0,), (0,), (0,), (), ("a",), ()]
    assert [o.mutated for o in out] == [worker.call("touch", *args, **kw).mutated for args, kw in calls]


def test_replies_are_read_in_chunks_and_frames_split_anywhere_come_whole():
    read, write = os.pipe()
    try:
        frames = [wire.encode({"i": i, "v": np.arange(i, dtype="f4")}) for i in range(50)]
        data = b"".join(len(f).to_bytes(8, "little") + f for f in frames)
        reader = wire.FrameReader(read, wire.MAX_REPLY_BYTES)
        got = []
        sent = 0
        for cut in (3, 700, len(data) - 5, len(data)):  # pieces that end inside a prefix, inside frames
            os.write(write, data[sent:cut])
            sent = cut
            reader.fill(time.monotonic() + 1.0)
            while (body := reader.frame()) is not None:
                got.append(wire.decode(body))
        assert [g["i"] for g in got] == list(range(50))
        assert all(g["v"].dtype == np.float32 and g["v"].tolist() == list(range(g["i"])) for g in got)
        with pytest.raises(wire.WireTimeout):
            reader.fill(time.monotonic() + 0.05)
        os.write(write, (1 << 40).to_bytes(8, "little"))
        reader.fill(time.monotonic() + 1.0)
        with pytest.raises(WireError, match="exceeds the limit"):
            reader.frame()
    finally:
        os.close(read)
        os.close(write)
    read, write = os.pipe()
    reader = wire.FrameReader(read)
    os.write(write, b"\x10\x00\x00")
    os.close(write)
    reader.fill()
    with pytest.raises(WireError, match="inside a frame"):
        reader.fill()
    os.close(read)


@pytest.mark.parametrize("fields", [{"mutated": 5}, {"elapsed": "soon"}, {"warnings": [{"lineno": "x"}]}])
def test_a_forged_reply_breaks_the_channel_and_not_the_verifier(source, fields):
    with Worker(source) as w:
        out = w.call_many("forge", [((fields,), {}), ((fields,), {})])
        assert [o.status for o in out] == ["exited", "not-run"] and "channel" in out[0].error.message
        assert w.call("nap", 0.0).status == "ok"
