"""The only format that crosses between the grader and a sandboxed worker.

A message is a length-prefixed JSON document. Numpy arrays travel as
{"__array__": [dtype, shape, base64 bytes]} with numeric dtypes only, so the
grader never unpickles or evaluates anything the student's process wrote.
Objects that are not plain data stay in the worker and travel as handles.
"""
import base64
import json
import struct

import numpy as np

MAX_MESSAGE_BYTES = 512 * 1024 * 1024
PLAIN_DTYPES = {
    np.dtype(name).str
    for name in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                 "uint32", "uint64", "float16", "float32", "float64")
}


class WireError(Exception):
    """A message that is not well-formed plain data."""


class Handle:
    """An object that lives in the worker, named by its number."""

    def __init__(self, number, type_name):
        self.number = number
        self.type_name = type_name


def encode(value):
    """Plain data -> JSON-able structure. Non-plain values raise TypeError."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return _encode_float(value) if isinstance(value, float) else value
    if isinstance(value, np.generic) and np.dtype(type(value)).str in PLAIN_DTYPES:
        return encode(value.item())
    if isinstance(value, np.ndarray) and type(value) is np.ndarray:
        if value.dtype.str not in PLAIN_DTYPES:
            raise TypeError(f"an array of dtype {value.dtype}")
        data = base64.b64encode(np.ascontiguousarray(value).tobytes()).decode()
        return {"__array__": [value.dtype.str, list(value.shape), data]}
    if isinstance(value, Handle):
        return {"__handle__": [value.number, value.type_name]}
    if type(value) in (list, tuple):
        return {"__tuple__": [encode(v) for v in value]} if type(value) is tuple else [encode(v) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: encode(v) for k, v in value.items()}}
    raise TypeError(f"a {type(value).__name__} object")


def _encode_float(x):
    if x != x or x in (float("inf"), float("-inf")):
        return {"__float__": repr(x)}
    return x


def decode(data):
    """JSON-able structure -> plain Python and numpy values (and Handles)."""
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode(v) for v in data]
    if type(data) is not dict or len(data) != 1:
        raise WireError("unexpected structure")
    (tag, body), = data.items()
    if tag == "__array__":
        return _decode_array(body)
    if tag == "__tuple__" and type(body) is list:
        return tuple(decode(v) for v in body)
    if tag == "__dict__" and type(body) is dict:
        return {str(k): decode(v) for k, v in body.items()}
    if tag == "__float__" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "__handle__" and type(body) is list and len(body) == 2:
        return Handle(int(body[0]), str(body[1]))
    raise WireError(f"unknown tag {tag!r}")


def _decode_array(body):
    dtype, shape, data = body
    if dtype not in PLAIN_DTYPES or type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
        raise WireError("bad array header")
    raw = base64.b64decode(data, validate=True)
    dt = np.dtype(dtype)
    if len(raw) != dt.itemsize * int(np.prod(shape, dtype=np.int64)):
        raise WireError("array size does not match its shape")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def write_message(stream, message):
    payload = json.dumps(message, allow_nan=False).encode()
    stream.write(struct.pack("<Q", len(payload)) + payload)
    stream.flush()


def read_exactly(read, n):
    """Bytes from read(k) until n arrive; EOFError if the pipe closes first."""
    chunks, remaining = [], n
    while remaining:
        chunk = read(remaining)
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def parse_payload(payload):
    try:
        return json.loads(payload)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"not JSON: {exc}") from None


def header_length(header):
    (length,) = struct.unpack("<Q", header)
    if length > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {length} bytes is over the limit")
    return length
