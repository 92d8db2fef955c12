"""Two narratives compared character by character, and how much of the later one was reused.

Used by `compare` for the year-on-year page (issue 15 point 5). Pure Python, no I/O.

**The diff** (`diff`) is two passes of difflib's `SequenceMatcher`: first on sentences (split after
。；！？ and line ends), which aligns what stayed and localises the changes cheaply; then, inside each
run of changed sentences, on characters, so that an edited sentence shows just the words that
changed. Two things keep it readable and fast:

- an equal run shorter than `MIN_EQUAL` characters between two changes is folded into the change:
  inside rewritten text, a lone "的" or "公开" in common is coincidence, and highlighting around it
  shreds the sentence;
- `autojunk` is off (in Chinese prose the commonest characters are the words themselves, and
  difflib's autojunk would discard them), except for a changed run so large (`CHAR_DIFF_MAX_WORK`
  character pairs) that the quadratic matcher could stall a page: there it is on.

Measured on the one agency's 2019 and 2020 reports of ../shared/real (015/008: 1,650 and 615
characters of prose against 1,638 and 541, two fifths of it rewritten): the diff of their sections
takes ~10 ms and the whole `compare.compare` 16–22 ms on this 2-core machine at a load of 2 (it
grows with other jobs' load: 50–70 ms at a load of 13); a sentence pass alone would be faster but
shows a rewritten sentence as wholly new.

**The reuse ratio** (`reuse`): the share of the later text's characters that lie inside a run of at
least `REUSE_MIN_CHARS` consecutive characters that also occurs somewhere in the earlier text, both
texts compared after NFKC, with whitespace removed and every digit read as `#` (a sentence copied
with this year's numbers put in is still copied). Order does not matter (a moved paragraph counts
as reused), and a run is found wherever it lies in the earlier text. 10 characters because on the
seven real reports the one agency's two years score 0.39–0.41 while every pair of different agencies
scores at most 0.11 (8 characters: 0.17; 6: 0.27: shared set phrases start to count).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

__all__ = [
    "MIN_EQUAL", "REUSE_MIN_CHARS", "CHAR_DIFF_MAX_WORK", "Op", "Run", "TextDiff",
    "sentences", "diff", "fold", "grams", "covered", "counted", "reuse", "section_diff",
]

#: Equal runs shorter than this, between two changes, are shown as changed (see the module docstring).
MIN_EQUAL = 3
#: A run of this many characters (folded) found in the earlier text counts as reused.
REUSE_MIN_CHARS = 10
#: len(a) * len(b) of a changed run above which the character pass uses difflib's autojunk: ~1,400
#: characters against 1,400 take 70 ms without it on a low-variety text (tests), more would stall a page.
CHAR_DIFF_MAX_WORK = 2_000_000

OpTag = Literal["equal", "delete", "insert", "replace"]
RunKind = Literal["equal", "delete", "insert", "moved"]

_SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")


@dataclass(frozen=True)
class Op:
    """One step from the earlier text `a` to the later `b`: `a_text` became `b_text`."""

    tag: OpTag
    a_text: str
    b_text: str


@dataclass(frozen=True)
class Run:
    """A stretch of one side's text and how to show it: `delete` (only in the earlier text),
    `insert` (new in the later text), `moved` (new at this place, but found elsewhere in the earlier
    text: reused, not written), `equal`."""

    kind: RunKind
    text: str


@dataclass
class TextDiff:
    """The diff of one section (or any two texts) and its reuse ratio."""

    a: str
    b: str
    ops: list[Op] = field(default_factory=list)
    #: `reuse(a, b)`; None when b has no characters to measure.
    reuse: float | None = None
    #: Per character of `b`: True where it lies in a run of ≥ REUSE_MIN_CHARS characters found
    #: verbatim (digits included) in the earlier text the caller chose (`section_diff`).
    b_found: list[bool] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(op.tag != "equal" for op in self.ops)

    @property
    def deleted_chars(self) -> int:
        return sum(len(op.a_text) for op in self.ops if op.tag in ("delete", "replace"))

    @property
    def inserted_chars(self) -> int:
        return sum(len(op.b_text) for op in self.ops if op.tag in ("insert", "replace"))

    def left(self) -> list[Run]:
        """The earlier text as runs: equal and deleted."""
        return _coalesce(Run("equal" if op.tag == "equal" else "delete", op.a_text) for op in self.ops if op.a_text)

    def right(self) -> list[Run]:
        """The later text as runs: equal, inserted, and moved (inserted here but reused)."""
        runs: list[Run] = []
        pos = 0
        for op in self.ops:
            n = len(op.b_text)
            if op.tag == "equal" or not self.b_found:
                runs.append(Run("equal" if op.tag == "equal" else "insert", op.b_text))
            else:
                runs.extend(_moved(op.b_text, self.b_found[pos : pos + n]))
            pos += n
        return _coalesce(r for r in runs if r.text)


def _moved(text: str, found: list[bool]) -> list[Run]:
    """Inserted text split into `moved` stretches (found in the earlier text, at least
    REUSE_MIN_CHARS long within this insertion, whitespace included) and `insert` ones."""
    runs = _coalesce(Run("moved" if f else "insert", ch) for ch, f in zip(text, found))
    return [r if r.kind == "insert" or len(r.text) >= REUSE_MIN_CHARS else Run("insert", r.text) for r in runs]


def _coalesce(runs: Iterable[Run]) -> list[Run]:
    out: list[Run] = []
    for r in runs:
        if out and out[-1].kind == r.kind:
            out[-1] = Run(r.kind, out[-1].text + r.text)
        else:
            out.append(r)
    return out


# --- the diff -----------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """`text` cut after each sentence end; the pieces join back to `text` exactly."""
    return [s for s in _SENTENCE_END.split(text) if s]


def diff(a: str, b: str) -> list[Op]:
    """The steps from `a` to `b` (see the module docstring): equal runs and changes, in order, whose
    `a_text`s join to `a` and `b_text`s to `b`."""
    sa, sb = sentences(a), sentences(b)
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
        ta, tb = "".join(sa[i1:i2]), "".join(sb[j1:j2])
        if tag == "replace":
            ops.extend(_char_ops(ta, tb))
        else:
            ops.append(Op(tag, ta, tb))  # type: ignore[arg-type]
    return _cleanup(ops)


def _char_ops(a: str, b: str) -> list[Op]:
    junk = len(a) * len(b) > CHAR_DIFF_MAX_WORK
    sm = SequenceMatcher(None, a, b, autojunk=junk)
    return [Op(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes()]  # type: ignore[arg-type]


def _cleanup(ops: Sequence[Op]) -> list[Op]:
    """Short equal runs between changes become part of the change; adjacent changes merge into one
    (`replace` when it both removes and adds text)."""
    out: list[Op] = []
    for k, op in enumerate(ops):
        if (
            op.tag == "equal" and len(op.a_text) < MIN_EQUAL
            and 0 < k < len(ops) - 1 and ops[k - 1].tag != "equal" and ops[k + 1].tag != "equal"
        ):
            op = Op("replace", op.a_text, op.b_text)
        if out and op.tag != "equal" and out[-1].tag != "equal":
            prev = out.pop()
            a_text, b_text = prev.a_text + op.a_text, prev.b_text + op.b_text
            tag: OpTag = "replace" if a_text and b_text else ("delete" if a_text else "insert")
            op = Op(tag, a_text, b_text)
        elif out and op.tag == "equal" and out[-1].tag == "equal":
            prev = out.pop()
            op = Op("equal", prev.a_text + op.a_text, prev.b_text + op.b_text)
        if op.a_text or op.b_text:
            out.append(op)
    return out


# --- reuse --------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _fold_char(c: str, digits: bool = True) -> str:
    """One character as `reuse` compares it: '' for whitespace, its NFKC form when that is one
    character (a full-width letter → ASCII) else itself, and '#' for a digit when `digits`."""
    if c.isspace():
        return ""
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        n = c
    return "#" if digits and n.isdigit() else n


def fold(text: str, digits: bool = True) -> tuple[str, list[int]]:
    """(the folded text, for each of its characters the index of the original character).
    `digits`: read every digit as '#' (the reuse ratio) or keep it (the moved-text marks)."""
    chars: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        f = _fold_char(c, digits)
        if f:
            chars.append(f)
            where.append(i)
    return "".join(chars), where


def grams(texts: Iterable[str], n: int = REUSE_MIN_CHARS, digits: bool = True) -> set[str]:
    """Every run of `n` folded characters of each text (none spans two texts)."""
    out: set[str] = set()
    for t in texts:
        f, _ = fold(t, digits)
        out.update(f[i : i + n] for i in range(len(f) - n + 1))
    return out


def covered(text: str, earlier: set[str], n: int = REUSE_MIN_CHARS, digits: bool = True) -> list[bool]:
    """Per character of `text`: does it lie in a run of ≥ `n` folded characters found in `earlier`
    (a `grams` set made with the same `digits`)? Whitespace is never covered (it is not counted)."""
    f, where = fold(text, digits)
    mask = [False] * len(text)
    end = -1  # every folded position < end is covered
    for i in range(len(f) - n + 1):
        if f[i : i + n] in earlier:
            for j in range(max(i, end), i + n):
                mask[where[j]] = True
            end = i + n
    return mask


def counted(text: str) -> int:
    """How many characters of `text` the reuse ratio counts (all but whitespace)."""
    return sum(1 for c in text if not c.isspace())


def reuse(a: str | Iterable[str], b: str, n: int = REUSE_MIN_CHARS) -> float | None:
    """The share of `b`'s characters (whitespace left out) that lie in a run of ≥ `n` characters also
    found in `a` (a text, or several texts none of whose runs spans two), digits read as '#'; None
    when `b` has no character to count."""
    total = counted(b)
    if not total:
        return None
    return sum(covered(b, grams([a] if isinstance(a, str) else a, n), n)) / total


def section_diff(a: str, b: str, earlier: set[str] | None = None) -> TextDiff:
    """The diff of two texts, the reuse ratio of `b` against `a`, and the marks of `b`'s inserted
    text found verbatim somewhere in `earlier` (a `grams(…, digits=False)` set; default: `a`'s),
    shown as moved."""
    elsewhere = grams([a], digits=False) if earlier is None else earlier
    return TextDiff(a, b, diff(a, b), reuse(a, b), covered(b, elsewhere, digits=False))
