"""The report model: typed cells with provenance, and the `xxgk/report@1` JSON form.

`Report.cells` (key → Cell) is the single source of truth; the nested `t2`/`t3`/`t4` objects of the
JSON contract are derived from it, so a value can never disagree with its own raw text or location.

`Finding` lives in `finding.py` (re-exported here) so that `checks` needs nothing of this module at
run time: the dependency runs one way, model → checks → finding, with no import cycle.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import keys as K
from .checks import check as _check
from .finding import Finding, Severity
from .values import Semantic, Value, read_value

__all__ = ["SCHEMA", "Cell", "Finding", "Report", "Severity"]

SCHEMA = "xxgk/report@1"


@dataclass
class Cell:
    key: str
    raw: str
    value: Value
    semantic: Semantic
    where: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_raw(cls, key: str, raw: str, where: dict[str, Any] | None = None) -> Cell:
        # `read_value(raw, key in DECIMAL_KEYS, key.endswith(SIGNED_SUFFIX))`, through the plain
        # dicts of `_reads`: every reader makes ~200 cells a report, of a few hundred distinct texts.
        reads = _READS.get(key)
        if reads is None:
            reads = _reads(key)
        read = reads.get(raw)
        if read is None:
            read = read_value(raw, key in K.DECIMAL_KEYS, key.endswith(K.SIGNED_SUFFIX))
            if len(reads) < _REMEMBERED:
                reads[raw] = read
        return cls(key, raw, read[0], read[1], where if where is not None else {})

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "raw": self.raw, "value": self.value, "semantic": self.semantic, "where": self.where}


@dataclass
class Report:
    format: str = "unknown"
    agency: str | None = None
    year: int | None = None
    sections: dict[str, str] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)
    #: Findings of the reader (ambiguities, missing rows); `check()` adds the arithmetic ones.
    findings: list[Finding] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    #: Added fields beyond the contract (legal basis, contact, …).
    extra: dict[str, Any] = field(default_factory=dict)
    #: The publication date (ISO) when the document prints one (`发布时间`, `成文日期`, the date
    #: under the signature): report-json.md's optional `published_on`.
    published_on: str | None = None

    # -- access ---------------------------------------------------------------------------

    def value(self, key: str) -> Value:
        cell = self.cells.get(key)
        return cell.value if cell else None

    def __getitem__(self, key: str) -> Value:
        return self.value(key)

    @property
    def table_format(self) -> str:
        """The table layout the cells follow: '2019' or '2021' (pre2019/unknown reports have none)."""
        return "2019" if self.format == "2019" else "2021"

    def check(self, previous: Report | None = None) -> list[Finding]:
        """Reader findings plus every identity and warning of report-json.md; see `checks.check`."""
        return _check(self, previous)

    def raise_for_errors(self, previous: Report | None = None) -> None:
        from ..errors import ValidationFailed

        errors = [f for f in self.check(previous) if f.severity == "error"]
        if errors:
            raise ValidationFailed(errors)

    # -- JSON -----------------------------------------------------------------------------

    def tables(self) -> dict[str, Any]:
        """The nested t2/t3/t4 (or t2_2019) objects of the contract, built from the cells (a
        missing cell is null): one dict display per format (`_table_builder`) over their values."""
        keys, cells_of, build = _table_builder(self.table_format)
        try:
            cells = cells_of(self.cells)
        except KeyError:  # a cell missing: null
            get = self.cells.get
            cells = tuple(get(k) or _NO_CELL for k in keys)
        return build(cells)

    def to_dict(self, *, with_findings: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema": SCHEMA,
            "source": self.source,
            "format": self.format,
            "agency": self.agency,
            "year": self.year,
            **({"published_on": self.published_on} if self.published_on else {}),
            "sections": {k: self.sections.get(k, "") for k in K.SECTION_KEYS},
        }
        if self.format in ("2019", "2021"):
            d.update(self.tables())
        if self.extra:
            d["extra"] = self.extra
        if with_findings:
            d["findings"] = [f.to_dict() for f in self.check()]
        d["cells"] = [c.to_dict() for c in self.cells.values()]
        return d

    def to_json(self, **kw: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kw)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        """Inverse of `to_dict`. Accepts a contract object with or without `cells`: values given only in
        t2/t3/t4 become cells whose raw text is the value itself.

        The raw text is what was printed and the value only what it reads as, so a cell whose `value`
        or `semantic` is not what its `raw` reads as (an edited value, a changed raw text) is refused
        with `xxgk.InvalidReport`, and so is a t2/t3/t4 value that disagrees with its cell: keeping
        either would print one number and check another. A cell given without `value`/`semantic`
        takes them from its raw text."""
        from ..errors import InvalidReport

        if not isinstance(d, dict):
            raise InvalidReport(f"a report must be a JSON object, not {type(d).__name__}")
        if d.get("schema", SCHEMA) != SCHEMA:
            raise InvalidReport(f"not an {SCHEMA} object: unknown schema {_short(d.get('schema'))}")
        _expect(d, "format", str)
        _expect(d, "agency", str)
        _expect(d, "year", int)
        for name in ("sections", "source", "extra"):
            _expect(d, name, dict)
        for name in ("cells", "findings"):
            _expect(d, name, list)
        sections = d.get("sections") or {}
        bad = next((k for k, v in sections.items() if not isinstance(v, str)), None)
        if bad is not None:
            raise InvalidReport(f"sections[{bad!r}] must be text, not {type(sections[bad]).__name__}")
        r = cls(
            format=d.get("format") or "unknown",
            agency=d.get("agency"),
            year=d.get("year"),
            sections=dict(sections),
            source=dict(d.get("source") or {}),
            extra=dict(d.get("extra") or {}),
            published_on=d.get("published_on"),
        )
        for i, c in enumerate(d.get("cells") or []):
            cell = _cell_from_dict(i, c)
            if cell.key in r.cells:
                raise InvalidReport(f"cells[{i}]: {cell.key!r} is given twice")
            r.cells[cell.key] = cell
        if r.format in ("2019", "2021"):
            for key in K.cell_keys(r.table_format):
                if not _has_path(d, key):
                    continue
                node: Any = d
                for p in key.split("."):
                    node = node[p]
                if key in r.cells:
                    cell = r.cells[key]
                    if not _same(node, cell.value):
                        raise InvalidReport(
                            f"{key} is {_short(node)} in the tables but its cell's raw text {_short(cell.raw)} reads as "
                            f"{cell.value!r}: change the cell's raw text, or leave the value out of one of them"
                        )
                    continue
                r.cells[key] = Cell.from_raw(key, "" if node is None else str(node))
        # Reader findings only: arithmetic findings are recomputed by check().
        for i, f in enumerate(d.get("findings") or []):
            if not isinstance(f, dict) or not isinstance(f.get("rule"), str):
                raise InvalidReport(f"findings[{i}] must be an object with a rule")
            if f["rule"].startswith("read."):
                if f.get("severity") not in ("error", "warning") or not isinstance(f.get("cells", []), list):
                    raise InvalidReport(f"findings[{i}] ({f['rule']!r}): severity must be error or warning, cells a list")
                r.findings.append(Finding.from_dict(f))
        return r

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_values(cls, values: dict[str, Any], **fields: Any) -> Report:
        """Build a report from key → value (int, decimal string or None); used by generators and tests."""
        r = cls(**fields)
        for key, v in values.items():
            r.cells[key] = Cell.from_raw(key, "" if v is None else str(v))
        return r


#: Cell key → raw text → `read_value` of it with the key's flags; one dict per pair of flags, shared
#: by the keys that have them. Bounded: keys and texts beyond `_REMEMBERED` are read, not kept.
_READS: dict[str, dict[str, tuple[Value, Semantic]]] = {}
_READS_BY_FLAGS: dict[tuple[bool, bool], dict[str, tuple[Value, Semantic]]] = {}
_REMEMBERED = 4096


def _reads(key: str) -> dict[str, tuple[Value, Semantic]]:
    """The texts read for `key`'s flags (decimal, signed): `Cell.from_raw`'s cache."""
    reads = _READS_BY_FLAGS.setdefault((key in K.DECIMAL_KEYS, key.endswith(K.SIGNED_SUFFIX)), {})
    if len(_READS) < _REMEMBERED:
        _READS[key] = reads
    return reads


@functools.lru_cache(maxsize=16)
def _table_plan(fmt: str) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    """(key, parent path, leaf name) of every cell key of `fmt`, in printed order."""
    out = []
    for key in K.cell_keys(fmt):
        *parents, leaf = key.split(".")
        out.append((key, tuple(parents), leaf))
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _table_builder(fmt: str) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]], Callable[[tuple[Any, ...]], dict[str, Any]]]:
    """(cell keys, a getter of their cells, a function of those cells → the nested tables of their
    values) of `fmt`.

    The function is one nested dict display, generated from `_table_plan` as the straightforward
    walk nests it (`_tables_walk`: each key under its parents, nodes and leaves in first-use order),
    so that building a report's tables is one expression (40 µs → 10 a report); tests/report/
    test_model_fast.py holds the two equal."""
    root: dict[str, Any] = {}
    keys: list[str] = []
    for key, parents, leaf in _table_plan(fmt):
        node = root
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = len(keys)  # the index of its cell
        keys.append(key)

    def display(node: dict[str, Any]) -> str:
        return "{" + ", ".join(f"{name!r}: {display(v) if isinstance(v, dict) else f'c[{v}].value'}" for name, v in node.items()) + "}"

    build = eval(f"lambda c: {display(root)}", {})  # noqa: S307 - source made above from the format's keys
    return tuple(keys), operator.itemgetter(*keys), build


#: Stands for a missing cell in `Report.tables`: its value is null.
_NO_CELL = Cell("", "", None, "empty")


def _tables_walk(cells: dict[str, Cell], fmt: str) -> dict[str, Any]:
    """`Report.tables` the straightforward way, each key walked down from the root: the reference
    `_table_builder`'s display is made from and tested against."""
    out: dict[str, Any] = {}
    for key, parents, leaf in _table_plan(fmt):
        node = out
        for p in parents:
            node = node.setdefault(p, {})
        cell = cells.get(key)
        node[leaf] = cell.value if cell else None
    return out


def _expect(d: dict[str, Any], name: str, kind: type) -> None:
    """`d[name]`, when given and not null, is a `kind` (bool is no year)."""
    from ..errors import InvalidReport

    v = d.get(name)
    if v is not None and (not isinstance(v, kind) or isinstance(v, bool)):
        raise InvalidReport(f"{name} must be {kind.__name__}, not {type(v).__name__} ({_short(v)})")


def _short(v: Any, limit: int = 60) -> str:
    """repr(v), cut: a message is one line of reasonable length whatever the JSON held."""
    text = repr(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same type: JSON's true is not the count 1, nor "3" the count 3."""
    return type(a) is type(b) and a == b


def _cell_from_dict(i: int, c: Any) -> Cell:
    """One entry of `cells`, held to its raw text (see `Report.from_dict`)."""
    from ..errors import InvalidReport

    if not isinstance(c, dict):
        raise InvalidReport(f"cells[{i}] must be an object with key and raw, not {type(c).__name__}")
    key, raw, where = c.get("key"), c.get("raw", ""), c.get("where") or {}
    if not isinstance(key, str) or not key:
        raise InvalidReport(f"cells[{i}] has no key")
    if not isinstance(raw, str):
        raise InvalidReport(f"cells[{i}] ({key!r}): raw must be the printed text as a string, not {_short(raw)}")
    if not isinstance(where, dict):
        raise InvalidReport(f"cells[{i}] ({key!r}): where must be an object, not {_short(where)}")
    cell = Cell.from_raw(key, raw, dict(where))
    for name, want in (("value", cell.value), ("semantic", cell.semantic)):
        if name in c and not _same(c[name], want):
            raise InvalidReport(
                f"cells[{i}] ({key!r}): {name} {_short(c[name])} disagrees with its raw text {_short(raw)}, which reads as "
                f"{want!r}; the raw text is what was printed: change it, or leave {name} out"
            )
    return cell


def _has_path(d: dict[str, Any], key: str) -> bool:
    node: Any = d
    for p in key.split("."):
        if not isinstance(node, dict) or p not in node:
            return False
        node = node[p]
    return True
