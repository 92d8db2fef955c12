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
