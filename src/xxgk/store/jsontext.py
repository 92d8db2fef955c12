"""How the store encodes a report's contract JSON. No Django here: the Dask workers that parse
files import it to send the encoding back ready-made."""

from __future__ import annotations

import json
import math
import re
from typing import Any

try:  # 5–10× faster than the json module's C encoder; the output is checked to be the same text
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the json module stays correct
    orjson = None


class RawJSON(str):
    """JSON text encoded already (by the worker that parsed the file), stored as it is: the
    driver that writes the store never decodes and re-encodes a report's 30 KB of cells."""


class RawJSONUTF8:
    """JSON text encoded already, as its UTF-8 bytes (`compact_json_utf8`): what a Dask worker
    sends the driver, which writes the bytes as they are. A str would be decoded from UTF-8 when
    the driver unpickles the worker's result and encoded again when it binds it to the INSERT,
    twice ~30 KB a report in the one process every file passes through. A holder, not a bytes
    subclass: making one copies nothing."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def text(self) -> RawJSON:
        return RawJSON(self.data.decode("utf-8"))


class CompactJSON(json.JSONEncoder):
    """Chinese text as itself (3 bytes a character in UTF-8, not 6 as \\\\uXXXX) and no spaces: the
    contract JSON of a report is half the size, and encodes faster. `RawJSON` passes through;
    dates and decimals (never in the contract, which keeps decimals as strings) as strings."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        kwargs["separators"] = (",", ":")
        super().__init__(*args, **kwargs)

    def encode(self, o: Any) -> str:
        if isinstance(o, RawJSON):
            return str(o)
        return super().encode(o)

    def default(self, o: Any) -> Any:
        return _default(o)


def _default(o: Any) -> Any:
    import datetime
    import decimal

    if isinstance(o, (datetime.date, datetime.datetime)):
        return o.isoformat()
    if isinstance(o, decimal.Decimal):
        return str(o)
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


#: orjson writes what the json module writes (ensure_ascii=False, separators (",", ":"): strings
#: escaped alike, ints, true/false/null, keys in insertion order or sorted by code point) except
#: for floats outside [1e-4, 1e16) (orjson: `0.00001`, json: `1e-05`) and NaN/±Infinity (orjson:
#: null, json: `NaN`). The contract's floats (PDF boxes, OCR confidence: rounded, finite) are all
#: in range, but a hostile PDF may make an infinite box: every value is looked at (`_floats_differ`,
#: ~0.15 ms for a text report's 200 cells, orjson ~0.08, the json module ~0.34), and one float that
#: orjson writes otherwise sends the whole value to the json module. An int beyond 64 bits, a
#: non-str key or a lone surrogate make orjson raise: the json module again.
_ORJSON_OPTS = 0 if orjson is None else orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_SCALAR = frozenset({str, int, bool, type(None)})
_CONTAINER = frozenset({dict, list, tuple})


def _floats_differ_py(value: Any) -> bool:
    """A float anywhere in `value` that orjson writes otherwise than the json module. Level by
    level, each level's values in one comprehension: a walk value by value costs twice as much.
    The reference for the C walk (`xxgk._speedups.floats_differ`, `_floats_differ`)."""
    level: list[Any] = [[value]]
    while level:
        values = [v for o in level for v in (o.values() if type(o) is dict else o)]
        types = set(map(type, values))
        if types <= _SCALAR:
            return False
        if not types <= _SCALAR | _CONTAINER:
            for v in values:
                t = type(v)
                if t in _SCALAR or t in _CONTAINER:
                    continue
                if isinstance(v, float):
                    if not (v == 0 or (math.isfinite(v) and 1e-4 <= abs(v) < 1e16)):
                        return True
                elif isinstance(v, (dict, list, tuple)):  # a subclass (RawJSON is a str: a scalar)
                    if _floats_differ_py(dict(v) if isinstance(v, dict) else list(v)):
                        return True
        level = [v for v in values if type(v) in _CONTAINER]
    return False


try:  # the same walk in C (~20× faster: 0.19 → 0.01 ms for a text report); optional, as _pdfscan
    from .._speedups import VERSION as _SPEEDUPS_VERSION
    from .._speedups import floats_differ as _floats_differ_c
except ImportError:  # pragma: no cover - built without a C compiler
    _floats_differ_c = None
else:
    if _SPEEDUPS_VERSION != 2:  # pragma: no cover - an older build left in place
        _floats_differ_c = None


def _floats_differ(value: Any) -> bool:
    """`_floats_differ_py(value)`, by the C walk when it is built and can decide (it leaves
    subclasses of dict, list, tuple and float to the Python walk)."""
    if _floats_differ_c is not None:
        answer = _floats_differ_c(value)
        if answer is not None:
            return answer
    return _floats_differ_py(value)


def dumps(value: Any, *, sort_keys: bool = False) -> str:
    """`json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys,
    default=<dates and decimals as text>)`, the same text, by orjson when it writes the same."""
    out = _orjson(value, sort_keys)
    if out is not None:
        return out.decode("utf-8")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, default=_default)


def dumps_utf8(value: Any, *, sort_keys: bool = False) -> bytes:
    """`dumps(value)` encoded in UTF-8, without decoding orjson's bytes into a str first. Raises
    UnicodeEncodeError where the text holds a lone surrogate (no UTF-8 for it)."""
    out = _orjson(value, sort_keys)
    if out is not None:
        return out
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys,
                      default=_default).encode("utf-8")


def _orjson(value: Any, sort_keys: bool) -> bytes | None:
    """orjson's encoding of `value` when it is the json module's text, else None."""
    if orjson is None:
        return None
    try:
        out = orjson.dumps(value, default=_default, option=_ORJSON_OPTS | (orjson.OPT_SORT_KEYS if sort_keys else 0))
    except TypeError:  # an int beyond 64 bits, a non-str key, an unknown type: the json module decides
        return None
    return None if _floats_differ(value) else out


def compact_json(value: Any) -> RawJSON:
    """`value` encoded as the store keeps it (`CompactJSON`'s text)."""
    if isinstance(value, RawJSON):
        return value
    return RawJSON(dumps(value))


def compact_json_utf8(value: Any) -> bytes:
    """`compact_json(value)` in UTF-8 (`RawJSONUTF8`)."""
    if isinstance(value, RawJSON):
        return value.encode("utf-8")
    return dumps_utf8(value)
