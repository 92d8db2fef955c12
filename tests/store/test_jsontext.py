"""`xxgk.store.jsontext`: the store's contract JSON, written by orjson where it writes what the json
module writes, by the json module otherwise. The oracle is the json module itself with the store's
settings (ensure_ascii=False, no spaces), and literal texts for the cases where orjson differs."""

from __future__ import annotations

import datetime
import decimal
import json
import math
import random

import pytest

from xxgk.store import jsontext
from xxgk.store.jsontext import RawJSON, compact_json, dumps


def _json(value: object, sort_keys: bool = False) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys,
                      default=lambda o: o.isoformat() if hasattr(o, "isoformat") else str(o))


@pytest.mark.parametrize("value, text", [
    ({"a": 1e-05}, '{"a":1e-05}'),                      # orjson: 0.00001
    ({"a": [0, 1e-05]}, '{"a":[0,1e-05]}'),             # after a "," following an int
    ([1e16], "[1e+16]"),
    ({"a": float("nan")}, '{"a":NaN}'),                 # orjson: null
    ({"a": float("inf"), "b": 0.5}, '{"a":Infinity,"b":0.5}'),
    ({"n": 10**30}, '{"n":1000000000000000000000000000000}'),  # beyond 64 bits: orjson raises
    ({1: "x"}, '{"1":"x"}'),                            # a non-str key: orjson raises
    ({"d": decimal.Decimal("1.50"), "t": datetime.date(2024, 1, 31)}, '{"d":"1.50","t":"2024-01-31"}'),
    ({"at": datetime.datetime(2024, 1, 31, 8, 0, 5, 120)}, '{"at":"2024-01-31T08:00:05.000120"}'),
    ({"s": "总计\t\"引号\"\\\n\x01\u2028"}, '{"s":"总计\\t\\"引号\\"\\\\\\n\\u0001\u2028"}'),
    ({"raw": "1,052.12", "bbox": [10.5, 20.25]}, '{"raw":"1,052.12","bbox":[10.5,20.25]}'),
])
def test_the_text_is_the_json_modules(value: object, text: str) -> None:
    assert dumps(value) == text
    assert compact_json(value) == text


def test_sorted_keys_and_nesting() -> None:
    value = ["2021", {"t3": {"b": 2, "a": {"z": None, "y": True}}, "t2": {"总": 1}}]
    assert dumps(value, sort_keys=True) == '["2021",{"t2":{"总":1},"t3":{"a":{"y":true,"z":null},"b":2}}]'
    assert dumps(value) == '["2021",{"t3":{"b":2,"a":{"z":null,"y":true}},"t2":{"总":1}}]'


def test_raw_json_passes_through() -> None:
    raw = RawJSON('{"already":"encoded"}')
    assert compact_json(raw) is raw
    assert jsontext.CompactJSON().encode(raw) == '{"already":"encoded"}'


def test_an_unknown_type_is_refused_as_before() -> None:
    with pytest.raises(TypeError):
        dumps({"x": object()})


def test_random_values_match_the_json_module() -> None:
    rng = random.Random(14)
    alphabet = "0123456789.,-e总计件\t\n\"\\/ab\x7f\u3000"

    def value(depth: int = 0) -> object:
        kind = rng.randrange(8 if depth < 3 else 5)
        if kind == 0:
            return rng.randrange(-10**6, 10**6)
        if kind == 1:
            x = rng.choice([rng.uniform(-1e3, 1e3), round(rng.uniform(0, 600), 2), rng.random() * 10 ** rng.randint(-8, 18)])
            return x if math.isfinite(x) else 0.0
        if kind == 2:
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        if kind == 3:
            return rng.choice([None, True, False])
        if kind == 4:
            return rng.randrange(10**20)
        if kind in (5, 6):
            return {"".join(rng.choice("abc总") for _ in range(3)): value(depth + 1) for _ in range(rng.randrange(5))}
        return [value(depth + 1) for _ in range(rng.randrange(5))]

    for _ in range(3000):
        v = value()
        assert dumps(v) == _json(v), v
        assert dumps(v, sort_keys=True) == _json(v, sort_keys=True), v


class _D(dict):
    pass


class _L(list):
    pass


class _F(float):
    pass


@pytest.mark.parametrize("value, differs", [
    ({"a": [1, 2, {"b": "x"}], "c": None}, False),
    ({"where": {"bbox": [10.5, 1e-4, 9.99e15, -0.0, 0.0]}}, False),   # the bounds orjson writes alike
    ({"a": [{"b": (1, 2e-5)}]}, True),                                  # small, in a tuple in a list
    ({"a": {"b": {"c": 1e16}}}, True),
    ([float("nan")], True),
    ([1, float("-inf")], True),
    ({"d": decimal.Decimal("1e-9"), "s": RawJSON("1e-9"), "t": True}, False),
    ({"sub": _D(x=1e-9)}, True),                                        # subclasses: the Python walk
    (_L([_D(x=0.5)]), False),
    ([_F(1e20)], True),
    ([_F(3.0)], False),
])
def test_the_c_walk_answers_as_the_python_walk(value: object, differs: bool) -> None:
    """`xxgk._speedups.floats_differ` (when built) and the Python reference, on hand-picked values:
    the same answer, the one written beside each value."""
    assert jsontext._floats_differ_py(value) is differs
    assert jsontext._floats_differ(value) is differs
    if jsontext._floats_differ_c is not None:
        answer = jsontext._floats_differ_c(value)
        assert answer is None or answer is differs


def test_the_c_walk_is_built_where_a_compiler_is() -> None:
    """Where a C compiler and Python's headers are, `make install` builds the module: the fast walk is in use."""
    import shutil
    import sysconfig
    from pathlib import Path

    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None or not Path(sysconfig.get_paths()["include"], "Python.h").exists():
        pytest.skip("no C compiler or Python headers here")
    assert jsontext._floats_differ_c is not None, "src/xxgk/_speedups.c was not built: run `make install`"


def test_the_c_walk_on_random_values_answers_as_the_python_walk() -> None:
    if jsontext._floats_differ_c is None:
        pytest.skip("xxgk._speedups not built")
    rng = random.Random(15)

    def value(depth: int = 0) -> object:
        kind = rng.randrange(7 if depth < 4 else 4)
        if kind == 0:
            return rng.choice([0.0, -0.0, 1e-4, -1e-4, 9.99e-5, 1e16, 9.999e15, float("nan"), float("inf"),
                               rng.uniform(-1e3, 1e3), rng.random() * 10 ** rng.randint(-8, 18)])
        if kind == 1:
            return rng.choice([None, True, 3, "x", 10**30])
        if kind in (2, 3):
            return rng.choice(["a", 1])
        if kind == 4:
            return {str(i): value(depth + 1) for i in range(rng.randrange(4))}
        if kind == 5:
            return tuple(value(depth + 1) for _ in range(rng.randrange(4)))
        return [value(depth + 1) for _ in range(rng.randrange(4))]

    seen = set()
    for _ in range(5000):
        v = value()
        py = jsontext._floats_differ_py(v)
        assert jsontext._floats_differ_c(v) is py, v
        seen.add(py)
    assert seen == {True, False}
