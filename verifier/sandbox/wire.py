"""The only data format that crosses between the verifier and a candidate's worker process.

No pickle, ever: unpickling bytes written by a child runs the child's code in the parent.  A frame is
an 8-byte little-endian length, then a body:

    b"LRW1" | uint32 header length | JSON header | raw array buffers

The header is a tree of plain JSON values (None, bool, int, finite float, str) and tagged objects
``{"t": tag, ...}`` for everything JSON cannot say exactly: non-finite floats, tuples, lists, dicts,
numpy scalars (with their dtype, so float32 stays float32) and arrays (dtype, shape, and the offset
of their bytes in the buffer region).  Only numeric and bool dtypes travel; object, structured, void,
string and complex dtypes are refused.  Decoding is defensive: any malformed frame raises
``WireError``; it never runs code, never trusts a length, and copies array bytes out of the frame.

``from_candidate`` is the strict gate for values returned by candidate code: exact types only, no
method of the candidate's object is called.  It raises ``BadOutput`` naming what was returned.
"""

from __future__ import annotations

import json
import math
import os
import select
import struct
import time
from typing import Any, BinaryIO

import numpy as np

__all__ = [
    "ALLOWED_DTYPES",
    "BadOutput",
    "FrameReader",
    "WireClosed",
    "WireError",
    "WireTimeout",
    "decode",
    "encode",
    "from_candidate",
    "recv",
    "send",
    "type_name",
]

MAGIC = b"LRW1"
MAX_DEPTH = 64
MAX_NODES = 1_000_000
MAX_STR = 1 << 20  # characters in one string
MAX_NDIM = 32
DEFAULT_MAX_BYTES = 1 << 30
MAX_REPLY_BYTES = 256 << 20  # the largest message a worker and the verifier exchange

_LEN = struct.Struct("<Q")
_HDR = struct.Struct("<I")

# dtype.str of every dtype allowed on the wire (native little-endian spelling).
ALLOWED_DTYPES = frozenset(
    np.dtype(t).str for t in ("f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1")
)
_DTYPES = {code: np.dtype(code) for code in ALLOWED_DTYPES}
_SCALAR_TYPES = {
    id(t): t
    for t in (
        np.float16,
        np.float32,
        np.float64,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
        np.bool_,
    )
}


class WireError(ValueError):
    """A frame or value that the wire format cannot carry, or a malformed frame."""


class WireClosed(WireError):
    """The other end closed the channel before a frame began."""


class WireTimeout(WireError):
    """No complete frame arrived before the deadline."""


class BadOutput(ValueError):
    """Candidate code returned something that is not a plain number, array or container of them."""


# --------------------------------------------------------------------------------------------- encode


def encode(value: Any) -> bytes:
    """Encode a wire value (see module docstring) as a frame body; raise WireError if not allowed."""
    buffers: list[bytes] = []
    state = [0, 0]  # nodes seen, bytes of buffers
    tree = _enc(value, buffers, state, 0)
    try:
        header = _dumps(tree).encode()
    except (ValueError, TypeError) as exc:  # e.g. an int too large for str()
        raise WireError(f"cannot encode value: {exc}") from None
    return b"".join([MAGIC, _HDR.pack(len(header)), header, *buffers])


def _json_dumps(tree: Any) -> str:
    return json.dumps(tree, allow_nan=False, separators=(",", ":"))


def _make_dumps() -> Any:
    """``json.dumps(tree, allow_nan=False, separators=(",", ":"))``, with the C encoder made once
    instead of once per call (the same bytes: it is the encoder json.dumps itself uses)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _json_dumps

    def refuse(o: Any) -> Any:
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    try:
        encoder = make(None, refuse, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, False)
    except TypeError:  # another signature in another Python
        return _json_dumps

    def dumps(tree: Any) -> str:
        return "".join(encoder(tree, 0))

    return dumps


_dumps = _make_dumps()


def _enc(x: Any, buffers: list[bytes], state: list[int], depth: int) -> Any:
    state[0] += 1
    if state[0] > MAX_NODES:
        raise WireError(f"value has more than {MAX_NODES} nodes")
    if depth > MAX_DEPTH:
        raise WireError(f"value is nested deeper than {MAX_DEPTH}")
    t = type(x)
    if x is None or t is bool or t is int:
        return x
    if t is float:
        if math.isfinite(x):
            return x
        return {"t": "f", "v": ("-" if math.copysign(1.0, x) < 0 else "") + ("nan" if x != x else "inf")}
    if t is str:
        if len(x) > MAX_STR:
            raise WireError(f"string of {len(x)} characters exceeds the cap of {MAX_STR}")
        return x
    if t is np.ndarray:
        dt = x.dtype
        if dt.str in ALLOWED_DTYPES:  # native already: its bytes in C order as they are
            data = x.tobytes()
        else:
            dt = _wire_dtype(dt)
            data = np.ascontiguousarray(x, dtype=dt).tobytes()
        offset = state[1]
        state[1] += len(data)
        buffers.append(data)
        return {"t": "a", "d": dt.str, "s": list(x.shape), "o": offset, "n": len(data)}
    if id(t) in _SCALAR_TYPES and _SCALAR_TYPES[id(t)] is t:
        dt = _wire_dtype(x.dtype)
        return {"t": "s", "d": dt.str, "v": np.asarray(x, dtype=dt).tobytes().hex()}
    if t is list or t is tuple:
        return {"t": "l" if t is list else "u", "v": _enc_items(x, buffers, state, depth + 1)}
    if t is dict:
        keys = list(x)
        for k in keys:
            if type(k) is not str:
                raise WireError(f"dict key of type {type_name(k)} is not a str")
        return {"t": "d", "k": keys, "v": _enc_items([x[k] for k in keys], buffers, state, depth + 1)}
    raise WireError(f"a value of type {type_name(x)} cannot cross the wire")


def _enc_items(items: Any, buffers: list[bytes], state: list[int], depth: int) -> list[Any]:
    """`_enc` of each item; the plain ones (None, bool, int, finite float, short str) are counted and
    kept here, without a call each."""
    out = []
    for v in items:
        t = type(v)
        if v is None or t is int or t is bool or (t is float and math.isfinite(v)) or (t is str and len(v) <= MAX_STR):
            state[0] += 1
            if state[0] > MAX_NODES:
                raise WireError(f"value has more than {MAX_NODES} nodes")
            if depth > MAX_DEPTH:
                raise WireError(f"value is nested deeper than {MAX_DEPTH}")
            out.append(v)
        else:
            out.append(_enc(v, buffers, state, depth))
    return out


def _wire_dtype(dt: np.dtype) -> np.dtype:
    native = dt.newbyteorder("=") if dt.byteorder not in ("=", "|") else dt
    if native.str not in ALLOWED_DTYPES:
        raise WireError(f"arrays of dtype {dt} cannot cross the wire (numeric and bool dtypes only)")
    return native


# --------------------------------------------------------------------------------------------- decode


def decode(body: bytes | bytearray | memoryview) -> Any:
    """Decode a frame body made by `encode`; raise WireError on anything malformed."""
    mv = memoryview(body)
    if len(mv) < 8 or bytes(mv[:4]) != MAGIC:
        raise WireError("frame does not start with the wire magic")
    (hlen,) = _HDR.unpack(mv[4:8])
    if hlen > len(mv) - 8:
        raise WireError("header length runs past the end of the frame")
    try:
        tree = _DECODER.decode(str(mv[8 : 8 + hlen], "utf-8"))
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise WireError(f"header is not valid JSON: {exc}") from None
    data = mv[8 + hlen :]
    try:
        return _dec(tree, data, [0], 0)
    except WireError:
        raise
    except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as exc:
        raise WireError(f"malformed value in frame: {type(exc).__name__}: {exc}") from None


def _refuse_constant(name: str) -> Any:
    raise WireError(f"bare {name} in header")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)  # made once: json.loads makes one per call
_PLAIN = (type(None), bool, int, float)
_SEQUENCE_KEYS = frozenset(("t", "v"))
_DICT_KEYS = frozenset(("t", "k", "v"))
_ARRAY_KEYS = frozenset(("t", "d", "s", "o", "n"))
_SCALAR_KEYS = frozenset(("t", "d", "v"))


def _dec(node: Any, data: memoryview, count: list[int], depth: int) -> Any:
    count[0] += 1
    if count[0] > MAX_NODES or depth > MAX_DEPTH:
        raise WireError("value is too large or too deeply nested")
    t = type(node)
    if t in _PLAIN:
        return node
    if t is str:
        if len(node) > MAX_STR:
            raise WireError("string exceeds the cap")
        return node
    if t is not dict:
        raise WireError(f"unexpected JSON {t.__name__} in header")
    tag = node.get("t")
    if tag == "a":
        _keys(node, _ARRAY_KEYS)
        dt = _decode_dtype(node["d"])
        shape, off, n = node["s"], node["o"], node["n"]
        if type(shape) is not list or len(shape) > MAX_NDIM or type(off) is not int or type(n) is not int:
            raise WireError("array node with inconsistent shape, offset or length")
        size = 1
        for d in shape:
            if type(d) is not int or d < 0:
                raise WireError("array node with inconsistent shape, offset or length")
            size *= d
        if off < 0 or n < 0 or off + n > len(data) or size * dt.itemsize != n:
            raise WireError("array node with inconsistent shape, offset or length")
        array = np.frombuffer(data, dtype=dt, count=size, offset=off).copy()
        array.shape = tuple(shape)
        return array
    if tag == "d":
        _keys(node, _DICT_KEYS)
        keys, vals = node["k"], node["v"]
        if type(keys) is not list or type(vals) is not list or len(keys) != len(vals):
            raise WireError("dict node with mismatched keys and values")
        for k in keys:
            if type(k) is not str:
                raise WireError("dict node with non-str or repeated keys")
        if len(set(keys)) != len(keys):
            raise WireError("dict node with non-str or repeated keys")
        return dict(zip(keys, _dec_items(vals, data, count, depth + 1)))
    if tag == "l" or tag == "u":
        _keys(node, _SEQUENCE_KEYS)
        items = node["v"]
        if type(items) is not list:
            raise WireError("sequence node without a list of items")
        out = _dec_items(items, data, count, depth + 1)
        return out if tag == "l" else tuple(out)
    if tag == "f":
        _keys(node, _SEQUENCE_KEYS)
        if node["v"] not in ("inf", "-inf", "nan", "-nan"):
            raise WireError(f"bad non-finite float {node['v']!r}")
        return float(node["v"])
    if tag == "s":
        _keys(node, _SCALAR_KEYS)
        dt = _decode_dtype(node["d"])
        raw = bytes.fromhex(node["v"]) if type(node["v"]) is str else None
        if raw is None or len(raw) != dt.itemsize:
            raise WireError("scalar node with the wrong number of bytes")
        return np.frombuffer(raw, dtype=dt)[0]
    raise WireError(f"unknown node tag {tag!r}")


def _dec_items(items: list[Any], data: memoryview, count: list[int], depth: int) -> list[Any]:
    """`_dec` of each item; the plain ones (None, bool, int, float, short str) are counted and kept
    here, without a call each."""
    out = []
    for v in items:
        t = type(v)
        if t in _PLAIN or (t is str and len(v) <= MAX_STR):
            count[0] += 1
            if count[0] > MAX_NODES or depth > MAX_DEPTH:
                raise WireError("value is too large or too deeply nested")
            out.append(v)
        else:
            out.append(_dec(v, data, count, depth))
    return out


def _keys(node: dict[str, Any], expected: frozenset[str]) -> None:
    if node.keys() != expected:
        raise WireError(f"node has keys {sorted(node)}, expected {sorted(expected)}")


def _decode_dtype(code: Any) -> np.dtype:
    dt = _DTYPES.get(code) if type(code) is str else None
    if dt is None:
        raise WireError(f"dtype {code!r} is not allowed on the wire")
    return dt


# ------------------------------------------------------------------------------------------- channel


def send(fileobj: BinaryIO, msg: Any) -> None:
    """Write one frame holding `msg` to a binary file object (raw or buffered) and flush it."""
    body = encode(msg)
    _write_all(fileobj, _LEN.pack(len(body)) + body)


def send_body(fileobj: BinaryIO, body: bytes) -> None:
    """Write one frame whose body was already made by `encode`."""
    _write_all(fileobj, _LEN.pack(len(body)) + body)


def _write_all(fileobj: BinaryIO, data: bytes) -> None:
    mv = memoryview(data)
    while mv:
        n = fileobj.write(mv)
        if n is None:  # non-blocking raw file with a full pipe
            select.select([], [fileobj], [])
            continue
        mv = mv[n:]
    fileobj.flush()


def recv(fileobj: BinaryIO, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float | None = None) -> Any:
    """Read and decode one frame.

    - `max_bytes`: frames announcing a larger body raise WireError without reading it.
    - `timeout`: seconds for the whole frame; needs an unbuffered file (``open(fd, "rb", 0)``),
      raises WireTimeout when it passes.  None blocks.
    End of file before the first byte raises WireClosed; inside a frame, WireError.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    prefix = _read_exact(fileobj, _LEN.size, deadline, first=True)
    (size,) = _LEN.unpack(prefix)
    if size > max_bytes:
        raise WireError(f"frame of {size} bytes exceeds the limit of {max_bytes}")
    return decode(_read_exact(fileobj, size, deadline, first=False))


def _read_exact(fileobj: BinaryIO, n: int, deadline: float | None, first: bool) -> bytearray:
    buf = bytearray()
    fd = fileobj.fileno() if deadline is not None else -1
    while len(buf) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(left, 0.0))[0] if left > 0 else []
            if not ready:
                raise WireTimeout("no complete frame before the deadline")
            chunk = os.read(fd, min(n - len(buf), 1 << 20))
        else:
            chunk = fileobj.read(n - len(buf))
        if not chunk:
            if first and not buf:
                raise WireClosed("channel closed")
            raise WireError(f"channel closed inside a frame ({len(buf)} of {n} bytes)")
        buf += chunk
    return buf


class FrameReader:
    """The frames arriving on file descriptor `fd` (a pipe), read in large chunks: one read takes
    every frame that has arrived so far, where `recv` reads twice per frame (its length, its body).

    - `frame()`: the body of the next complete frame read so far, or None; WireError when a frame
      announces more than `max_bytes`.
    - `fill(deadline)`: read what has arrived, waiting until `deadline` (``time.monotonic()``; None
      blocks); WireTimeout when nothing came by then, WireClosed at end of file between frames,
      WireError at end of file inside one.
    - `recv(timeout)`: `recv`'s contract: the next frame, decoded.
    """

    def __init__(self, fd: int, max_bytes: int = DEFAULT_MAX_BYTES):
        self.fd = fd
        self.max_bytes = max_bytes
        self._buf = bytearray()
        self._start = 0  # where the frames not yet taken begin in _buf

    def _needed(self) -> int:
        """Bytes still missing for the next frame (at least its length prefix)."""
        have = len(self._buf) - self._start
        if have < _LEN.size:
            return _LEN.size - have
        size: int = _LEN.unpack_from(self._buf, self._start)[0]
        return max(_LEN.size + size - have, 0)

    def frame(self) -> bytearray | memoryview | None:
        buf, start = self._buf, self._start
        if len(buf) - start < _LEN.size:
            return None
        (size,) = _LEN.unpack_from(buf, start)
        if size > self.max_bytes:
            raise WireError(f"frame of {size} bytes exceeds the limit of {self.max_bytes}")
        end = start + _LEN.size + size
        if len(buf) < end:
            return None
        if start == 0 and end == len(buf):  # the whole buffer: hand it over without a copy
            self._buf = bytearray()
            return memoryview(buf)[_LEN.size :]
        body = buf[start + _LEN.size : end]
        if end == len(buf):
            buf.clear()
            end = 0
        elif end > 1 << 20:  # forget what was taken, now and then
            del buf[:end]
            end = 0
        self._start = end
        return body

    def fill(self, deadline: float | None = None) -> None:
        want = min(max(self._needed(), 1 << 16), 1 << 20)
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise WireTimeout("no complete frame before the deadline")
        chunk = os.read(self.fd, want)
        if not chunk:
            if len(self._buf) == self._start:
                raise WireClosed("channel closed")
            raise WireError(f"channel closed inside a frame ({len(self._buf) - self._start} bytes)")
        self._buf += chunk

    def recv(self, timeout: float | None = None) -> Any:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            body = self.frame()
            if body is not None:
                return decode(body)
            self.fill(deadline)


# -------------------------------------------------------------------------------- candidate values


def type_name(x: Any) -> str:
    """The name of type(x), read without running any code the type may define."""
    return str(type.__dict__["__qualname__"].__get__(type(x), type))


def from_candidate(x: Any, *, copy: bool = False) -> Any:
    """Check a value returned by candidate code and return it as a wire value.

    Exact types only: None, bool, int, float, str, np.ndarray of a numeric or bool dtype, numpy
    numeric scalars, and list/tuple/dict-with-str-keys of those.  Subclasses, objects with
    ``__array__`` or ``__float__``, generators and anything else raise BadOutput naming the type.
    No method of the value is called.  `copy=True` copies arrays, so later changes by the candidate
    to its own objects do not reach the result.
    """
    state = [0]
    return _strict(x, "", copy, state, 0)


def _strict(x: Any, where: str, copy: bool, state: list[int], depth: int) -> Any:
    state[0] += 1
    if state[0] > MAX_NODES or depth > MAX_DEPTH:
        raise BadOutput(f"returned a value that is too large or too deeply nested{_at(where)}")
    t = type(x)
    if x is None or t is bool or t is int or t is float:
        return x
    if t is str:
        return x if len(x) <= MAX_STR else x[:MAX_STR]
    if t is np.ndarray:
        dt = x.dtype
        if dt.str not in ALLOWED_DTYPES and dt.newbyteorder("=").str not in ALLOWED_DTYPES:
            raise BadOutput(f"returned an array of dtype {dt}{_at(where)}, not a numeric array")
        return x.copy() if copy else x
    if id(t) in _SCALAR_TYPES and _SCALAR_TYPES[id(t)] is t:
        return x
    if t is list or t is tuple:
        out = [_strict(v, f"{where}[{i}]", copy, state, depth + 1) for i, v in enumerate(x)]
        return out if t is list else tuple(out)
    if t is dict:
        mapping: dict[str, Any] = {}
        for k, v in dict.items(x):
            if type(k) is not str:
                raise BadOutput(f"returned a dict with a key of type {type_name(k)}{_at(where)}")
            mapping[k] = _strict(v, f"{where}[{k!r}]", copy, state, depth + 1)
        return mapping
    if issubclass(t, np.generic):  # a numpy scalar type that is not numeric (complex, str, object)
        raise BadOutput(f"returned a numpy {type_name(x)} scalar{_at(where)}, not a real number")
    raise BadOutput(f"returned an object of type {type_name(x)}{_at(where)}, not a number or array")


def _at(where: str) -> str:
    return f" at {where}" if where else ""
