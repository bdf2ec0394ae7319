"""Results of slow, pure computations kept between builds, keyed by the content of everything they read.

A new price row re-runs every chapter, but most of a chapter's sensitivity checks read only the rows of one period
(May 2024, the first round): their inputs are the same as in the last build, and so is their result. `call(fn,
*args)` returns the result an earlier build computed for the same function and the same inputs, else computes it.

The key is a fingerprint of the package's code (passed by the build), the Python and library versions, the
function (its code, defaults, the values its closure holds and the globals it names, recursively) and every
argument, taken value by value: a data frame by its columns, types, index and every cell. Anything the fingerprint
cannot read exactly (an object of an unknown kind) means no reuse: the call simply runs. Functions of this package
referred to by name are covered by the code fingerprint. Results go through the build's content-checked store
(renders.py) and are used only under the build: a notebook run in Jupyter computes everything.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import os
import pickle
import re
import sys
import types

import numpy as np
import pandas as pd

from . import renders

ENTRY = "result.pickle"
FORMAT = b"memo-1"  # bump when the fingerprint changes meaning


class Unreadable(Exception):
    """A value the fingerprint cannot take exactly."""


def call(fn, *args, **kwargs):
    """fn(*args, **kwargs), or the result an earlier build computed for the same function and inputs."""
    code = os.environ.get("PRICEWAR_CODE_HASH")
    if not code or renders.root() is None:
        return fn(*args, **kwargs)
    try:
        name = key(code, fn, args, kwargs)
    except (Unreadable, RecursionError):
        return fn(*args, **kwargs)
    kept = renders.fetch_bytes(name, ENTRY)
    if kept is not None:
        try:
            return pickle.loads(kept)
        except Exception:  # noqa: BLE001 (a damaged or outdated entry is computed again)
            pass
    result = fn(*args, **kwargs)
    try:
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 (a result that cannot be kept is simply not kept)
        return result
    renders.store_bytes(name, {ENTRY: data}, {"function": getattr(fn, "__qualname__", "?")})
    return result


def key(code: str, fn, args, kwargs) -> str:
    versions = f"{sys.version}|{np.__version__}|{pd.__version__}".encode()
    digest = hashlib.sha256(FORMAT + b"\0" + code.encode() + b"\0" + versions)
    _Fingerprint(digest).take((fn, args, kwargs))
    return "memo-" + digest.hexdigest()[:40]


def fingerprint(value) -> bytes:
    """The exact fingerprint of one value; Unreadable when some of it cannot be read exactly."""
    sub = _Fingerprint(hashlib.sha256())
    sub.take(value)
    return sub.digest.digest()


def own_module(name: str | None) -> bool:
    return bool(name) and (name == __package__ or name.startswith(__package__ + "."))


class _Fingerprint:
    """Feeds a value, exactly, into a hash: equal fingerprints mean equal values (cycles are cut by reference)."""

    def __init__(self, digest):
        self.digest = digest
        self.seen: dict[int, int] = {}
        self.keep: list = []  # objects seen stay alive, so their ids are not reused meanwhile

    def put(self, *parts) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
            self.digest.update(len(data).to_bytes(8, "little") + data)

    def take(self, value) -> None:
        if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
            self.put(type(value).__name__, repr(value))
            return
        if isinstance(value, (np.generic, pd.Timestamp, pd.Timedelta, pd.Period, dt.date, dt.time, dt.timedelta)) \
                or value is pd.NaT or value is pd.NA:
            self.put(type(value).__qualname__, repr(value))
            return
        if id(value) in self.seen:  # a cycle or a shared object: refer to its first appearance
            self.put("ref", self.seen[id(value)])
            return
        self.seen[id(value)] = len(self.seen)
        self.keep.append(value)
        if isinstance(value, (tuple, list)):
            self.put(type(value).__name__, len(value))
            for item in value:
                self.take(item)
        elif isinstance(value, dict):
            self.put(type(value).__name__, len(value))
            for k, v in value.items():
                self.take(k)
                self.take(v)
        elif isinstance(value, (set, frozenset)):
            self.put(type(value).__name__, len(value))
            for part in sorted(self.alone(item) for item in value):
                self.put(part)
        elif isinstance(value, pd.DataFrame):
            self.put("DataFrame", value.shape)
            self.take(dict(value.attrs))
            self.index(value.index)
            self.index(value.columns)
            for i in range(value.shape[1]):
                self.array(value.iloc[:, i].array)
        elif isinstance(value, pd.Series):
            self.put("Series")
            self.take(value.name)
            self.take(dict(value.attrs))
            self.index(value.index)
            self.array(value.array)
        elif isinstance(value, pd.Index):
            self.index(value)
        elif isinstance(value, np.ndarray):
            self.array(value)
        elif isinstance(value, types.FunctionType):
            self.function(value)
        elif isinstance(value, types.MethodType):
            self.put("method")
            self.take(value.__func__)
            self.take(value.__self__)
        elif isinstance(value, functools.partial):
            self.put("partial")
            self.take((value.func, value.args, value.keywords))
        elif isinstance(value, types.ModuleType):
            self.put("module", value.__name__)
        elif isinstance(value, (types.BuiltinFunctionType, type)):
            self.named(value)
        elif isinstance(value, enum.Enum):
            self.named(type(value))
            self.put(value.name)
        elif isinstance(value, re.Pattern):
            self.put("pattern", value.pattern, value.flags)
        elif isinstance(value, types.CodeType):
            self.code(value)
        elif (dataclasses.is_dataclass(value) or own_module(type(value).__module__)) \
                and not hasattr(type(value), "__slots__"):
            # A dataclass or one of this package's objects: its class and its attributes are all of it. Other
            # objects may hold state outside their __dict__, so they are not read.
            self.named(type(value))
            self.take(vars(value))
        else:
            raise Unreadable(type(value).__qualname__)

    def alone(self, value) -> bytes:
        """The fingerprint of one value on its own (to sort the members of a set)."""
        return fingerprint(value)

    def named(self, obj) -> None:
        """A class or built-in function, which must be importable under its name."""
        module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        found = sys.modules.get(module or "")
        for part in (name or "<none>").split("."):
            found = getattr(found, part, None)
        if found is not obj:
            raise Unreadable(f"{module}.{name}")
        self.put("named", module, name)

    def index(self, index: pd.Index) -> None:
        self.put(type(index).__name__, index.nlevels)
        self.take(list(index.names))
        if isinstance(index, pd.MultiIndex):
            for level in range(index.nlevels):
                self.array(index.get_level_values(level).array)
        else:
            self.array(index.array)

    def array(self, values) -> None:
        """A column's values, exactly: numbers by their bytes, anything else value by value."""
        dtype = getattr(values, "dtype", None)
        self.put("array", str(dtype), len(values))
        if isinstance(values, pd.Categorical):
            self.array(values.categories.array)
            self.put(np.asarray(values.codes).tobytes())
            return
        raw = np.asarray(values) if not isinstance(values, pd.api.extensions.ExtensionArray) or \
            isinstance(values, (pd.arrays.DatetimeArray, pd.arrays.TimedeltaArray, pd.arrays.NumpyExtensionArray)) \
            else None
        if raw is not None and raw.dtype.kind in "biufcmM":
            self.put(raw.shape, np.ascontiguousarray(raw).tobytes())
            return
        for item in (raw if raw is not None else values):
            self.take(item)

    def function(self, fn: types.FunctionType) -> None:
        module, name = fn.__module__, fn.__qualname__
        if own_module(module) and "<" not in name:
            self.named(fn)  # this package's own, by name: the code fingerprint covers it
            return
        self.put("function", module, name)
        self.code(fn.__code__)
        self.take((fn.__defaults__, fn.__kwdefaults__))
        self.take(tuple(cell.cell_contents if _filled(cell) else _EMPTY for cell in fn.__closure__ or ()))
        # The globals it reads (a notebook's variables, say): names in its code and in the code nested in it.
        named = {}
        for name in _names(fn.__code__):
            if name in fn.__globals__:
                named[name] = fn.__globals__[name]
        self.take(named)

    def code(self, code: types.CodeType) -> None:
        self.put("code", code.co_code, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
                 code.co_argcount, code.co_kwonlyargcount, code.co_flags)
        self.take(tuple(code.co_consts))


_EMPTY = ("<empty cell>",)


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018
    except ValueError:
        return False
    return True


def _names(code: types.CodeType) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names += _names(const)
    return sorted(set(names))
