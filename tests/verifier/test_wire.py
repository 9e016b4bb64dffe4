"""The wire format: exact round trips for allowed values, WireError for everything else."""

import io
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from verifier.sandbox import wire
from verifier.sandbox.wire import BadOutput, WireError, decode, encode, from_candidate

DTYPES = ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]


def same(a, b):
    """Equal in type, dtype, shape and bits (so NaN equals NaN and -0.0 differs from 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, float):
        return math.copysign(1, a) == math.copysign(1, b) and (a == b or (math.isnan(a) and math.isnan(b)))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


arrays = st.sampled_from(DTYPES).flatmap(
    lambda dt: hnp.arrays(np.dtype(dt), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
)
scalars = st.sampled_from(DTYPES).flatmap(lambda dt: hnp.from_dtype(np.dtype(dt)).map(np.dtype(dt).type))
leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | arrays | scalars
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(values)
def test_allowed_values_round_trip_exactly(value):
    assert same(decode(encode(value)), value)


@given(arrays)
def test_arrays_keep_dtype_and_come_back_writable(a):
    b = decode(encode(a))
    assert b.dtype == a.dtype and b.shape == a.shape and b.flags.writeable


@pytest.mark.parametrize("x", [float("inf"), float("-inf"), float("nan"), -0.0, 5e-324, 1.7976931348623157e308])
def test_special_floats_round_trip(x):
    assert same(decode(encode(x)), x)


def test_float32_scalar_stays_float32_and_byte_order_is_normalised():
    assert type(decode(encode(np.float32(0.1)))) is np.float32
    b = decode(encode(np.arange(3, dtype=">f8")))
    assert b.dtype == np.dtype("<f8") and b.tolist() == [0.0, 1.0, 2.0]


def test_non_contiguous_arrays_are_sent_as_their_values():
    a = np.arange(12.0).reshape(3, 4)[:, ::2].T
    assert np.array_equal(decode(encode(a)), a)


@pytest.mark.parametrize(
    "value",
    [
        np.array([1, "a"], dtype=object),
        np.zeros(2, dtype=[("a", "f8")]),
        np.zeros(2, dtype="V8"),
        np.zeros(2, dtype=complex),
        np.array(["ab"]),
        {1: 2},
        {1.5},
        object(),
        b"bytes",
        np.zeros(3).view(np.matrix),
        "x" * (wire.MAX_STR + 1),
    ],
    ids=lambda v: type(v).__name__,
)
def test_values_outside_the_format_are_refused(value):
    with pytest.raises(WireError):
        encode(value)


def test_nesting_is_capped():
    v = []
    for _ in range(wire.MAX_DEPTH + 5):
        v = [v]
    with pytest.raises(WireError):
        encode(v)


def test_header_cannot_smuggle_object_dtype():
    body = encode(np.zeros(2))
    forged = body.replace(b'"<f8"', b'"|O8"')
    with pytest.raises(WireError):
        decode(forged)


@pytest.mark.parametrize(
    "header",
    [
        b'{"t":"a","d":"<f8","s":[100],"o":0,"n":800}',  # buffer shorter than claimed
        b'{"t":"a","d":"<f8","s":[3],"o":0,"n":16}',  # shape disagrees with length
        b'{"t":"a","d":"<f8","s":[-1],"o":0,"n":0}',
        b'{"t":"s","d":"<f4","v":"00"}',
        b'{"t":"zz"}',
        b'{"t":"f","v":"1.0"}',
        b'{"t":"d","k":["a","a"],"v":[1,2]}',
        b"[1,2]",
        b"NaN",
        b'{"t":"l"',
    ],
)
def test_malformed_headers_raise_wire_error(header):
    body = wire.MAGIC + wire._HDR.pack(len(header)) + header
    with pytest.raises(WireError):
        decode(body)


@given(values, st.data())
def test_corrupted_frames_raise_only_wire_error(value, data):
    body = bytearray(encode(value))
    if data.draw(st.booleans(), label="truncate"):
        body = body[: data.draw(st.integers(0, len(body)))]
    else:
        i = data.draw(st.integers(0, len(body) - 1))
        body[i] = data.draw(st.integers(0, 255))
    try:
        decode(bytes(body))
    except WireError:
        pass


@given(st.binary(max_size=200))
def test_random_bytes_raise_only_wire_error(raw):
    try:
        decode(raw)
    except WireError:
        pass


def test_send_and_recv_over_a_stream():
    buf = io.BytesIO()
    wire.send(buf, {"a": np.ones((2, 2), dtype="f4")})
    wire.send(buf, None)
    buf.seek(0)
    first = wire.recv(buf)
    assert first["a"].dtype == np.float32
    assert wire.recv(buf) is None
    with pytest.raises(wire.WireClosed):
        wire.recv(buf)


def test_recv_refuses_oversized_and_truncated_frames():
    buf = io.BytesIO()
    wire.send(buf, np.zeros(1000))
    buf.seek(0)
    with pytest.raises(WireError, match="exceeds the limit"):
        wire.recv(buf, max_bytes=100)
    data = buf.getvalue()
    with pytest.raises(WireError, match="inside a frame"):
        wire.recv(io.BytesIO(data[:-5]))


class Sneaky:
    def __array__(self, dtype=None, copy=None):
        return np.zeros(3)

    def __eq__(self, other):
        return True

    def __float__(self):
        return 0.5


class SubArray(np.ndarray):
    pass


def _generator():
    yield 1


@pytest.mark.parametrize(
    "value, name",
    [
        (Sneaky(), "Sneaky"),
        (np.zeros(3).view(SubArray), "SubArray"),
        (np.ma.masked_array([1.0]), "MaskedArray"),
        (_generator(), "generator"),
        ([1.0, Sneaky()], "Sneaky"),
        ({"w": Sneaky()}, "Sneaky"),
        (np.array([Sneaky()], dtype=object), "dtype object"),
        (np.complex128(1j), "complex128"),
    ],
)
def test_from_candidate_rejects_impostors_by_type_name(value, name):
    with pytest.raises(BadOutput, match=name):
        from_candidate(value)


def test_from_candidate_calls_no_method_of_a_hostile_metaclass():
    class Meta(type):
        def __hash__(cls):
            raise AssertionError("hash called")

        def __eq__(cls, other):
            raise AssertionError("eq called")

        __name__ = property(lambda cls: "Lies")

    class Hostile(metaclass=Meta):
        pass

    with pytest.raises(BadOutput, match="type .*Hostile"):
        from_candidate(Hostile())


def test_from_candidate_accepts_plain_values_and_copies_on_request():
    a = np.arange(3.0)
    v = from_candidate((a, np.float32(1), 2, {"b": [True, None]}))
    assert v[0] is a and type(v[1]) is np.float32
    assert from_candidate(a, copy=True) is not a
