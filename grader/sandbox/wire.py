"""The only format that crosses between the grader and a sandboxed worker.

A message is a length-prefixed JSON document. Numpy arrays travel as
{"__array__": [dtype, shape, base64 bytes]} with numeric dtypes only, so the
grader never unpickles or evaluates anything the student's process wrote.
Objects that are not plain data stay in the worker and travel as handles.

Torch (for assignments in PyTorch): a torch.Tensor the worker returns travels
as a plain numpy array; an argument the grader wraps as Tensor(array) travels
as {"__tensor__": <array>} and reaches the student's code as a torch tensor.
This module never imports torch: it only looks for a torch already imported.

What a message may cost its reader is bounded, not only its bytes: json.loads turns
64 MB of "[[],[],..." into GBs of Python lists. A payload holding more than
MAX_ELEMENTS values (numbers, strings, lists, dicts; a numpy array is one, however
large) is refused before it is parsed, and a structure nested deeper than MAX_DEPTH
is refused while it is decoded (MessageTooLarge, a WireError).
"""
import base64
import json
import math
import os
import re
import select
import struct
import sys
import time

import numpy as np

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_ELEMENTS = 1_000_000  # values in one message: about 150 MB of Python objects at the worst
MAX_DEPTH = 64            # nesting of lists, tuples and dicts (a tuple or dict takes two levels)
PLAIN_DTYPES = {
    np.dtype(name).str
    for name in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                 "uint32", "uint64", "float16", "float32", "float64")
}


READY = {"ready": True}  # a worker's first message when it imports libraries before it serves


class WireError(Exception):
    """A message that is not well-formed plain data."""


class MessageTooLarge(WireError):
    """A well-formed message that would cost its reader too much to decode."""


class Handle:
    """An object that lives in the worker, named by its number."""

    def __init__(self, number, type_name):
        self.number = number
        self.type_name = type_name


class Tensor:
    """An array that the worker hands to student code as torch.from_numpy(array)."""

    def __init__(self, array):
        self.array = array


def encode(value):
    """Plain data -> JSON-able structure. Non-plain values raise TypeError."""
    if isinstance(value, Tensor):
        return {"__tensor__": encode(value.array)}
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
    array = _tensor_as_array(value)
    if array is not None:
        return encode(array)
    raise TypeError(f"a {type(value).__name__} object")


def is_tensor(value):
    """Whether `value` is a torch.Tensor, without importing torch: no tensor exists before torch is
    imported, nor while an import of it, in another thread, has not yet made the class."""
    tensor = getattr(sys.modules.get("torch"), "Tensor", None)
    return isinstance(tensor, type) and isinstance(value, tensor)


def _tensor_as_array(value):
    """A torch.Tensor's values as a numpy array (detached, on the CPU), or None.

    Only where torch is already imported: a numpy-only worker never loads it.
    Dtypes numpy lacks (bfloat16, ...) give None, and the tensor stays behind a handle.
    """
    if not is_tensor(value):
        return None
    try:
        return value.detach().cpu().resolve_conj().resolve_neg().numpy()
    except (TypeError, RuntimeError, AttributeError):
        return None


def _encode_float(x):
    if x != x or x in (float("inf"), float("-inf")):
        return {"__float__": repr(x)}
    return x


def decode(data, tensors=False, depth=0):
    """JSON-able structure -> plain Python and numpy values (and Handles).

    `tensors`: accept {"__tensor__": ...} as a Tensor; only the worker does, the
    grader never takes tensors from a worker (they come as plain arrays).
    """
    if data is None or type(data) in (bool, int, float, str):
        return data
    if depth >= MAX_DEPTH:
        raise MessageTooLarge(f"values nested more than {MAX_DEPTH} levels deep (the limit)")
    if type(data) is list:
        return [decode(v, tensors, depth + 1) for v in data]
    if type(data) is not dict or len(data) != 1:
        raise WireError("unexpected structure")
    (tag, body), = data.items()
    if tag == "__array__":
        return _decode_array(body)
    if tag == "__tuple__" and type(body) is list:
        return tuple(decode(v, tensors, depth + 2) for v in body)
    if tag == "__dict__" and type(body) is dict:
        return {str(k): decode(v, tensors, depth + 2) for k, v in body.items()}
    if tag == "__tensor__" and tensors and type(body) is dict and "__array__" in body:
        return Tensor(decode(body))
    if tag == "__float__" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag == "__handle__" and type(body) is list and len(body) == 2 \
            and type(body[0]) is int and type(body[1]) is str:
        return Handle(body[0], body[1])
    raise WireError(f"unknown tag {tag!r}"[:200])


def _decode_array(body):
    # Whatever the worker wrote, a malformed array is a WireError, never another exception.
    if type(body) is not list or len(body) != 3:
        raise WireError("bad array header")
    dtype, shape, data = body
    if type(dtype) is not str or dtype not in PLAIN_DTYPES or type(shape) is not list or len(shape) > 32 \
            or not all(type(n) is int and n >= 0 for n in shape) or type(data) is not str:
        raise WireError("bad array header")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        raise WireError("array data is not base64") from None
    dt = np.dtype(dtype)
    if len(raw) != dt.itemsize * math.prod(shape):  # Python ints: no overflow to a size that fits
        raise WireError("array size does not match its shape")
    try:
        return np.frombuffer(raw, dtype=dt).reshape(shape).copy()
    except ValueError as exc:
        raise WireError(f"bad array shape: {exc}") from None


def pack_message(message):
    """The bytes of one message: its length, then its JSON."""
    payload = json.dumps(message, allow_nan=False).encode()
    return struct.pack("<Q", len(payload)) + payload


def write_message(stream, message):
    stream.write(pack_message(message))
    stream.flush()


# How long a side polls for the other's next message before it sleeps in the kernel. A sleeping
# process on another CPU takes 50 to 80 us to wake on a VM (an interrupt to a halted virtual
# CPU); polling takes 4 us, and most answers and requests come within this. With one CPU the
# other side needs it: no polling.
POLL_SECONDS = 3e-4 if len(os.sched_getaffinity(0)) > 1 else 0.0


def readable_soon(fd, seconds=POLL_SECONDS):
    """Whether `fd` has bytes to read within `seconds`, found by polling without sleeping."""
    if seconds <= 0:
        return False
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    end = time.perf_counter() + seconds
    while not poller.poll(0):
        if time.perf_counter() > end:
            return False
    return True


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


# A JSON string, escapes and all: what is inside one is no value of the message.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def count_values(payload, limit=None):
    """An upper bound on the values json.loads would build from `payload`: one per comma, colon
    and opening bracket outside strings, plus one. Counted in the bytes, at C speed; only when
    that is over `limit` (MAX_ELEMENTS) are the ones inside strings taken off again (in place
    where the strings are few, else on a copy without them)."""
    limit = MAX_ELEMENTS if limit is None else limit

    def count(data, start=0, end=None):
        return sum(data.count(c, start, end) for c in (b",", b":", b"[", b"{"))
    found = count(payload) + 1
    if found <= limit or b'"' not in payload:
        return found
    if payload.count(b'"') <= 2 * limit // 10:
        return found - sum(count(payload, *m.span()) for m in _STRING.finditer(payload))
    return count(_STRING.sub(b'""', payload)) + 1


def parse_payload(payload):
    values = count_values(payload)
    if values > MAX_ELEMENTS:
        raise MessageTooLarge(f"about {values} values in one message (the limit: {MAX_ELEMENTS}; "
                              "a numpy array counts as one: return arrays, not long lists)")
    try:
        return json.loads(payload)
    except RecursionError:
        raise MessageTooLarge(f"values nested more than {MAX_DEPTH} levels deep (the limit)") from None
    except ValueError as exc:
        raise WireError(f"not JSON: {exc}") from None


def header_length(header):
    (length,) = struct.unpack("<Q", header)
    if length > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {length} bytes is over the limit")
    return length
