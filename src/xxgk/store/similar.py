"""Near-duplicate narratives (雷同): a MinHash signature of a report's prose, and the exact
comparison of two narratives that the store's `quality.narrative_duplicate` shows a person.

The signature is computed where the file is parsed (a Dask worker), so it is a pure function of the
sections, the same in every process: no Python `hash()` (salted per process), shingles hashed with
fixed integer arithmetic, MinHash permutations from datasketch's seeded generator. It is stored in
`Version.signature`; the driver's `quality.refresh` finds candidate pairs by MinHash banding
(`lsh_pairs`: the candidates of datasketch's `MinHashLSH`, vectorised over all signatures at
once), then compares each candidate pair exactly (`jaccard`) and shows the passages they share
(`shared_passages`).

What is compared is the narrative a person wrote, not what every report prints:

1. NFKC, lower case, whitespace removed (layouts differ only there);
2. every run of digits masked to one `#`: two offices that changed only the numbers are caught;
3. punctuation removed (full stops, quotes and brackets vary between copies);
4. boilerplate cut out (`BOILERPLATE`: the official section and sub-section titles, the legal
   basis, the statistics period, the fee and "no appeals" sentences, the slogans every report
   opens with). A cut is a break: no shingle spans it, so two reports sharing only boilerplate
   share nothing;
5. character shingles of `SHINGLE` characters within each section (none spans two sections).

Measured on ../shared/real and ../shared/seeds (12 reports of 11 agencies): independent reports of
different agencies share at most 0.8% of their shingles (4% with the boilerplate left in); the
one agency's 2019 and 2020 reports (same office, text reused) 21%. `signature` takes 0.3–0.45 ms
for a report of 1,800 characters of prose. See `quality.thresholds` for the decision threshold.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..report import keys as K

__all__ = [
    "SHINGLE", "NUM_PERM", "SEED", "BOILERPLATE", "Sketch", "Narrative", "TooManyPairs",
    "signature", "decode", "minhash", "narrative", "shingles", "jaccard", "jaccard_many", "shared_passages",
    "lsh_pairs", "estimated", "estimated_pairs",
]

#: Parameters of the stored signature: changing one makes old signatures incomparable (`decode`
#: refuses a signature made with others). k = 5 characters: Chinese words are 1–4 characters, so a
#: 5-gram spans a word boundary and set phrases shorter than 5 characters match nothing alone.
SHINGLE = 5
NUM_PERM = 128
SEED = 14
_MAGIC = b"XM\x01"
_HEADER = struct.Struct("<3sBHII16s")  # magic, k, num_perm, seed, shingles, digest of the text

#: Phrases every report may print whatever office wrote it (normalised form: no whitespace or
#: punctuation, digits as `#`), cut before shingling. Longest first in the pattern, so a long
#: phrase wins over a short one inside it. Found as the passages that three or more of the 12
#: real and sample reports share (everything else they share is under 8 characters), plus the
#: official titles (domain.md §2.3) and the sentences of an empty year.
BOILERPLATE: tuple[str, ...] = (
    # titles of the report, its sections and the sub-sections of 一 (domain.md §2.3) and 五
    "政府信息公开工作年度报告", "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议行政诉讼情况", "因政府信息公开工作被申请行政复议提起行政诉讼情况",
    "存在的主要问题及改进情况", "存在的主要问题及改进措施", "存在的主要问题", "存在主要问题", "存在问题",
    "改进情况", "改进措施", "其他需要报告的事项", "无其他需要报告事项", "政府信息公开平台建设",
    "政府信息管理", "监督保障", "依申请公开", "主动公开", "平台建设",
    # legal basis and statistics period
    "中华人民共和国政府信息公开条例", "政府信息公开条例", "国办公开办函#号", "政府信息公开信息处理费管理办法",
    "本报告中所列数据的统计期限自#年#月#日起至#年#月#日止", "所列数据的统计期限", "统计期限",
    # sentences of a year without applications, appeals or fees
    "未收到公众法人或其他组织提出的政府信息公开申请", "未发生因政府信息公开工作引发的行政复议行政诉讼",
    "被申请行政复议", "提起行政诉讼", "行政复议", "行政诉讼", "未发出政府信息处理费收费通知",
    "未收取信息处理费", "政府信息处理费", "信息处理费", "收费通知",
    # set phrases and slogans
    "坚持以习近平新时代中国特色社会主义思想为指导", "习近平新时代中国特色社会主义思想", "深入学习贯彻党的二十大精神",
    "深入学习贯彻", "党的二十大", "公开为常态不公开为例外", "应公开尽公开", "知情权参与权表达权和监督权",
    "知情权参与权和监督权", "知情权表达权参与权和监督权", "三审三校", "先审查后公开", "政府网站和政务新媒体",
    "政务新媒体", "政府门户网站", "人民群众", "公众法人或其他组织", "法人或其他组织",
    # the domain's own nouns, present in every sentence of every report
    "政府信息公开申请", "政府信息公开工作", "政府信息公开", "政务公开工作要点", "政务公开工作", "政务公开",
    "信息公开", "政府信息", "情况如下", "统计如下", "详见下表",
)

_DIGITS = re.compile(r"\d+")
_NOISE = re.compile(r"[^\w#]|_")
_BOILERPLATE_RE = re.compile("|".join(re.escape(p) for p in sorted(set(BOILERPLATE), key=lambda p: (-len(p), p))))
_BREAK = "|"
#: (pattern, replacement) in order; each replacement is at most one character, so a normalised
#: character always has one position in the original text (`_sub_tracked`).
_STEPS: tuple[tuple[re.Pattern[str], str], ...] = ((_DIGITS, "#"), (_NOISE, ""), (_BOILERPLATE_RE, _BREAK))


@functools.lru_cache(maxsize=65536)
def _norm_char(c: str) -> str:
    """One character as compared: NFKC, lower case, nothing for whitespace (per character, so that
    the position of every normalised character in the original is known)."""
    if c.isspace():
        return ""
    return unicodedata.normalize("NFKC", c).lower()


class _Table(dict):  # type: ignore[type-arg]
    """str.translate's table, filled on first sight of each character (`_norm_char`)."""

    def __missing__(self, code: int) -> str:
        self[code] = value = _norm_char(chr(code))
        return value


_TABLE = _Table()


def _translate(text: str) -> str:
    return text.translate(_TABLE)


def _clean(text: str) -> str:
    t = _translate(text)
    for rx, repl in _STEPS:
        t = rx.sub(repl, t)
    return t


def _sub_tracked(rx: re.Pattern[str], repl: str, s: str, pos: list[int]) -> tuple[str, list[int]]:
    """`rx.sub(repl, s)` that keeps, for each output character, the position of its source."""
    out: list[str] = []
    opos: list[int] = []
    last = 0
    for m in rx.finditer(s):
        a, b = m.span()
        out.append(s[last:a])
        opos.extend(pos[last:a])
        if repl:
            out.append(repl)
            opos.append(pos[a])
        last = b
    out.append(s[last:])
    opos.extend(pos[last:])
    return "".join(out), opos


def _clean_tracked(text: str) -> tuple[str, list[int]]:
    # Each character through the translation table (`_norm_char`, cached per code point), not
    # normalised anew: the quality refresh tracks every narrative of a similar pair (~0.3 ms each).
    table = _TABLE
    chars = [table[ord(c)] for c in text]
    s = "".join(chars)
    if len(s) == len(text) and "" not in chars:  # every character maps to exactly one
        pos = list(range(len(text)))
    else:
        pos = [i for i, n in enumerate(chars) for _ in range(len(n))]
    for rx, repl in _STEPS:
        s, pos = _sub_tracked(rx, repl, s, pos)
    return s, pos


@dataclass(frozen=True)
class Narrative:
    """A report's prose as compared: `text` is the sections' normalised texts joined by breaks;
    `where[i]` is (section key, offset in that section's original text) of `text[i]`, or None
    for a break between sections."""

    text: str
    where: tuple[tuple[str, int] | None, ...]
    sections: Mapping[str, str]


def narrative(sections: Mapping[str, Any]) -> Narrative:
    """The normalised narrative with the position of every character (for `shared_passages`)."""
    parts: list[str] = []
    where: list[tuple[str, int] | None] = []
    kept: dict[str, str] = {}
    for key in K.SECTION_KEYS:
        raw = sections.get(key)
        if not isinstance(raw, str) or not raw:
            continue
        s, pos = _clean_tracked(raw)
        if not s.strip(_BREAK):
            continue
        kept[key] = raw
        if parts:
            parts.append(_BREAK)
            where.append(None)
        parts.append(s)
        where.extend((key, p) for p in pos)
    return Narrative("".join(parts), tuple(where), kept)


def _text(sections: Mapping[str, Any]) -> str:
    """`narrative(sections).text` without the positions: what the signature hashes."""
    parts = []
    for key in K.SECTION_KEYS:
        raw = sections.get(key)
        if isinstance(raw, str) and raw:
            s = _clean(raw)
            if s.strip(_BREAK):
                parts.append(s)
    return _BREAK.join(parts)


# --- shingles -----------------------------------------------------------------------------------

_U64 = np.uint64
_PRIME = _U64(1099511628211)  # FNV-64's prime: any odd multiplier spreads the code points


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _kgram_hashes(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(64-bit hash of each k-gram that spans no break, its start position), in text order."""
    k = SHINGLE
    if len(text) < k:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    cp = _codes(text)
    n = len(cp) - k + 1
    with np.errstate(over="ignore"):
        h = cp[:n].copy()
        for j in range(1, k):
            h = h * _PRIME + cp[j : j + n]
        # splitmix64's finaliser: every bit of the k-gram reaches every bit of the hash.
        h ^= h >> _U64(30)
        h *= _U64(0xBF58476D1CE4E5B9)
        h ^= h >> _U64(27)
        h *= _U64(0x94D049BB133111EB)
        h ^= h >> _U64(31)
    breaks = np.concatenate(([0], np.cumsum(cp == ord(_BREAK))))
    ok = breaks[k : k + n] == breaks[:n]
    return h[ok], np.nonzero(ok)[0]


def _unique(a: np.ndarray) -> np.ndarray:
    """np.unique for a 1-d array (sorted), several times faster on the small arrays used here."""
    s = np.sort(a)
    if len(s) < 2:
        return s
    keep = np.empty(len(s), bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def shingles(text: str) -> np.ndarray:
    """The distinct 64-bit shingle hashes of a normalised text, sorted."""
    return _unique(_kgram_hashes(text)[0])


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """|A ∩ B| / |A ∪ B| of two `shingles` sets (0 when either is empty)."""
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def jaccard_many(a: np.ndarray, others: Sequence[np.ndarray]) -> np.ndarray:
    """`jaccard(a, o)` for each of `others` in one vectorised pass (a cluster of copies compares
    one report with hundreds)."""
    out = np.zeros(len(others), np.float64)
    lens = np.array([len(o) for o in others], np.int64)
    if not len(a) or not len(others) or not lens.sum():
        return out
    cat = np.concatenate(list(others))
    pos = np.minimum(np.searchsorted(a, cat), len(a) - 1)
    hit = np.concatenate(([0], np.cumsum(a[pos] == cat)))
    ends = np.cumsum(lens)
    inter = hit[ends] - hit[ends - lens]
    union = len(a) + lens - inter
    np.divide(inter, union, out=out, where=(lens > 0))
    return out


# --- MinHash --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for (NUM_PERM, SEED), drawn as datasketch 2.0 draws them
    (`MinHash._init_permutations`: numpy's legacy RandomState, whose stream numpy keeps stable)
    without importing datasketch, which imports scipy (0.5 s in every worker and the driver);
    tests/store/test_similar.py holds them equal to datasketch's own."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch's affine32 scheme applies it to each input."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _minhash_values(hashes32: np.ndarray) -> np.ndarray:
    """datasketch `MinHash(scheme="affine32").update_batch(hashes32)` with an identity hash function,
    in one vectorised step (tests/store/test_similar.py holds the two equal)."""
    a, b = _permutations()
    with np.errstate(over="ignore"):
        m = np.multiply.outer(a, _fmix32(hashes32.astype(np.uint32)))  # NUM_PERM × n, rows contiguous
        m += b[:, None]
        return m.min(axis=1).astype(np.uint32)


def signature(sections: Mapping[str, Any]) -> bytes | None:
    """The MinHash signature of a report's narrative, for `Version.signature`; None when nothing
    but boilerplate is left (no narrative to compare).

    Bytes: a header (format, SHINGLE, NUM_PERM, SEED, the number of distinct shingles, a 16-byte
    BLAKE2b digest of the normalised text: equal digests are equal narratives, numbers aside) and
    NUM_PERM little-endian uint32 MinHash values."""
    text = _text(sections)
    h64, _ = _kgram_hashes(text)
    if not len(h64):
        return None
    distinct = _unique(h64)
    values = _minhash_values(_unique((distinct >> _U64(32)).astype(np.uint32)))
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    header = _HEADER.pack(_MAGIC, SHINGLE, NUM_PERM, SEED, len(distinct), digest)
    return header + values.astype("<u4").tobytes()


@dataclass(frozen=True)
class Sketch:
    """A decoded signature."""

    shingles: int
    digest: bytes
    hashvalues: np.ndarray


def decode(sig: bytes | memoryview | None) -> Sketch | None:
    """The stored signature, or None when absent or made with other parameters (then it cannot be
    compared with the others: re-parse to refresh it)."""
    if sig is None:
        return None
    raw = bytes(sig)
    if len(raw) != _HEADER.size + 4 * NUM_PERM:
        return None
    magic, k, num_perm, seed, count, digest = _HEADER.unpack_from(raw)
    if magic != _MAGIC or k != SHINGLE or num_perm != NUM_PERM or seed != SEED:
        return None
    values = np.frombuffer(raw, dtype="<u4", offset=_HEADER.size).astype(np.uint32)
    return Sketch(count, digest, values)


def minhash(sketch: Sketch) -> Any:
    """A datasketch LeanMinHash of a decoded signature (for MinHashLSH)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=SEED, hashvalues=sketch.hashvalues, scheme="affine32")


# --- shared passages --------------------------------------------------------------------------------


def shared_passages(a: Narrative, b: Narrative, *, min_chars: int = 30, limit: int = 3) -> list[dict[str, Any]]:
    """The longest passages the two narratives share, at least `min_chars` normalised characters
    each (digits masked: a passage whose numbers differ still counts), longest first, at most
    `limit`. Each: its length, its text as `a` prints it (cut at 200 characters), and where it is
    in each: {"section", "start", "end"}, offsets into that section's original text."""
    k = SHINGLE
    ha, pa = _kgram_hashes(a.text)
    hb, pb = _kgram_hashes(b.text)
    if not len(ha) or not len(hb):
        return []
    starts_b: dict[int, list[int]] = {}
    for h, p in zip(hb.tolist(), pb.tolist()):
        lst = starts_b.setdefault(h, [])
        if len(lst) < 4:
            lst.append(p)
    found: list[tuple[int, int, int]] = []  # (length, start in a, start in b)
    ta, tb = a.text, b.text
    i_prev_end = -1
    for h, i in zip(ha.tolist(), pa.tolist()):
        if i < i_prev_end or h not in starts_b:
            continue
        best = (0, 0)
        for j in starts_b[h]:
            n = k
            while i + n < len(ta) and j + n < len(tb) and ta[i + n] == tb[j + n] and ta[i + n] != _BREAK:
                n += 1
            if ta[i:i + k] == tb[j:j + k] and n > best[0]:
                best = (n, j)
        if best[0]:
            i_prev_end = i + best[0]
            if best[0] >= min_chars:
                found.append((best[0], i, best[1]))
    found.sort(key=lambda f: (-f[0], f[1]))
    out = []
    for n, i, j in found[:limit]:
        wa, wb = _span(a, i, n), _span(b, j, n)
        text = a.sections[wa["section"]][wa["start"]:wa["end"]]
        out.append({"chars": n, "text": text if len(text) <= 200 else text[:199] + "…", "this": wa, "other": wb})
    return out


def _span(nar: Narrative, i: int, n: int) -> dict[str, Any]:
    first, last = nar.where[i], nar.where[i + n - 1]
    assert first is not None and last is not None  # a passage never spans a break
    return {"section": first[0], "start": first[1], "end": last[1] + 1}


class TooManyPairs(Exception):
    """More candidate pairs than the caller's budget (`lsh_pairs(max_pairs=…)`)."""

    def __init__(self, pairs: int) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def _band_keys(hashvalues: np.ndarray, b: int, rows: int) -> np.ndarray:
    cols = hashvalues[:, b * rows : (b + 1) * rows].astype(np.uint64)
    if rows == 1:
        return cols[:, 0]
    if rows == 2:  # packed exactly into 64 bits
        return (cols[:, 0] << _U64(32)) | cols[:, 1]
    key = cols[:, 0].copy()  # hashed: a collision only adds a candidate, which the comparison drops
    with np.errstate(over="ignore"):
        for c in range(1, rows):
            key = key * _PRIME + cols[:, c]
    return key


def lsh_pairs(hashvalues: np.ndarray, bands: int, rows: int, among: np.ndarray | None = None,
              max_pairs: int | None = None) -> np.ndarray:
    """Candidate pairs of MinHash banding: (i, j), i < j, rows of `hashvalues` (n × NUM_PERM) that
    agree on every value of at least one band, the candidates datasketch's
    `MinHashLSH(params=(bands, rows))` returns (tests/store/test_similar.py holds the two equal),
    vectorised: one sort per band instead of one Python query per report. `among`: keep only
    pairs with at least one member marked (the reports being refreshed).

    Memory stays proportional to the distinct pairs found. `max_pairs` bounds the work: when more
    distinct pairs than that are found, or one band's buckets alone hold twice as many (counted
    before they are built), it raises `TooManyPairs`: reports that are all alike (one template
    for thousands) make the pairs quadratic."""
    n = len(hashvalues)
    marked = np.ones(n, bool) if among is None else among
    codes = np.zeros(0, np.int64)
    for b in range(bands):
        key = _band_keys(hashvalues, b, rows)
        order = np.argsort(key, kind="stable")
        ks = key[order]
        starts = np.flatnonzero(np.concatenate(([True], ks[1:] != ks[:-1])))
        lengths = np.diff(np.append(starts, n))
        multi = np.flatnonzero(lengths > 1)
        if not len(multi):
            continue
        # Pairs with a marked member per bucket: C(s, 2) − C(s − m, 2).
        run_of = np.repeat(np.arange(len(starts)), lengths)
        m = np.bincount(run_of, weights=marked[order], minlength=len(starts))[multi]
        s_ = lengths[multi].astype(np.float64)
        in_band = int((s_ * (s_ - 1) / 2 - (s_ - m) * (s_ - m - 1) / 2).sum())
        if max_pairs is not None and in_band > 2 * max_pairs:
            raise TooManyPairs(max(in_band, len(codes)))
        keep = np.isin(run_of, multi)
        o, k = order[keep], ks[keep]
        found = []
        for d in range(1, int(lengths.max())):
            same = k[d:] == k[:-d]
            if not same.any():
                break
            x, y = o[:-d][same], o[d:][same]
            both = marked[x] | marked[y]
            x, y = x[both], y[both]
            found.append(np.minimum(x, y) * n + np.maximum(x, y))
        if found:
            codes = _unique(np.concatenate([codes, *found]))
            if max_pairs is not None and len(codes) > max_pairs:
                raise TooManyPairs(len(codes))
    return np.stack([codes // n, codes % n], axis=1)


def estimated_pairs(hashvalues: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The MinHash estimate of the Jaccard similarity of each pair of rows."""
    out = np.empty(len(pairs), np.float64)
    for s in range(0, len(pairs), 65536):
        p = pairs[s : s + 65536]
        out[s : s + len(p)] = (hashvalues[p[:, 0]] == hashvalues[p[:, 1]]).sum(axis=1) / hashvalues.shape[1]
    return out


def estimated(a: Sketch, b: Sketch) -> float:
    """MinHash estimate of the Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / len(a.hashvalues)
