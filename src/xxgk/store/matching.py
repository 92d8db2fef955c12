"""Matching a report's printed agency to the hierarchy, without ever guessing.

A report prints its agency as people write it: `洪泽区人民政府` for 淮安市洪泽区人民政府, `上海市科委`
for 上海市科学技术委员会, `佐龙镇人民政府` without its county, a county that has since become a district.
`Matcher` is built once from the hierarchy (`Matcher.from_db()`, or `Matcher.from_rows()` for pure
tests) into dictionaries keyed by normalised names, so a name is matched by a few lookups, never a
scan. Methods are tried best first; the first that finds anything decides:

1. ``exact``: the name as printed (surrounding whitespace removed) is an agency's name;
2. ``alias``: it is one of an agency's aliases (short forms, former names);
   either only if no other agency has the same canonical name (else all are candidates);
3. ``normalised``, in four steps, each only if the one before found nothing:
   a. the canonical form (`canonical`: full-width and whitespace, 人民政府/政府 suffixes,
      街道办事处, 中国共产党 → 中共 …) of the name, alias or qualified name, where a qualified
      name is the agency's own part prefixed by any of its ancestors' place names — but always by
      its own government's for a department, so `渠县财政局` never meets `达州市财政局`;
   b. the same after dropping a 政府办公室 suffix (a government's report signed by its office);
   c. the same with a county's 县/区 and a township's 镇/乡/街道 folded (a 县 that became a 区);
   d. a department's name without any government (`财政局`, `科委`): never matched on its own,
      even when only one agency has it — a hint must decide.

More than one candidate at the deciding step is ``ambiguous`` (the candidates listed for a person
to settle) unless a hint decides: `parent_hint` (an agency the report's agency must lie under: a
constraint) or `origin` (the file's path or URL: a weak hint that may only narrow candidates whose
distinguishing place name it contains). Nothing found is ``none``. When nothing was printed, a title
in the origin (a crawler's `…/80607_平潭综合实验区公安局2021年政府信息公开工作年度报告/page.txt`) is
matched instead, and the match says so (``via="origin"``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

__all__ = ["Match", "Matcher", "canonical", "MAX_CANDIDATES"]

#: Candidates kept in a Match (a bare `财政局` has thousands in a national hierarchy); `Match.total`
#: counts them all. 20 is what a person can read in a settle form.
MAX_CANDIDATES = 20
#: Ancestor place names an agency's qualified names may carry or omit (2**4 = 16 forms at most):
#: province, city, county, township is the deepest chain above a department.
MAX_OPTIONAL_PLACES = 4
#: Foldable 县/区/镇/乡/街道 occurrences tried in a printed name (2**5 - 1 = 31 lookups at most).
MAX_FOLD_SITES = 5
#: Longest printed name looked at; real ones are under 60 characters.
MAX_PRINTED = 300

GOVERNMENT_LEVELS = frozenset({"national", "province", "city", "county", "township"})
_COUNTY_MARK, _TOWNSHIP_MARK = "◇", "◆"

_SPACE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_EDGE = ":：,，。.、;；\"'“”‘’《》<>[]【】"
_OFFICE_END = re.compile(r"政府(?:办公室|办公厅|办)$")
_STREET_END = re.compile(r"街道(?:办事处|办)$")
_PARTY_DOUBLE = re.compile(r"([县市区州旗盟])\1委")
_OFFICE = "政府办公室"


def canonical(name: str) -> str:
    """The form names are compared in at the normalised step.

    Why each rule: NFKC makes full-width letters, digits and brackets plain; whitespace inside a
    name is typesetting (`洪 泽 区`); 人民政府 and 政府 are the same body (`渠县政府`), and a
    government is indexed by its place (`渠县`) so that its departments' names start with it; its
    office keeps a suffix of its own (`渠县政府办公室`), being a body of its own where the hierarchy
    lists it; 街道办事处 is the 街道; 管理委员会 is written 管委会. Party bodies are kept apart: a
    name starting 中共 (or 中国共产党) keeps it, only 委员会 → 委 and `县县委` → `县委`, so
    `中共渠县委员会` never meets `渠县人民政府`.
    """
    s = _SPACE.sub("", unicodedata.normalize("NFKC", name)).strip(_EDGE)
    if s.startswith("中国共产党"):
        s = "中共" + s[5:]
    if s.startswith("中共"):
        return _PARTY_DOUBLE.sub(r"\1委", s.replace("委员会", "委"))
    s = s.replace("人民政府", "政府").replace("管理委员会", "管委会")
    s = _OFFICE_END.sub(_OFFICE, s)
    if s.endswith("政府") and len(s) > 2 and not s.endswith(_OFFICE):
        s = s[:-2]
    return _STREET_END.sub("街道", s)


def _fold_segment(text: str, level: str) -> str:
    """A county's 县/区 and a township's 镇/乡/街道 replaced by a mark (stems of 2+ characters only:
    `渠县` is not folded, a one-character stem would meet unrelated places)."""
    if level == "county" and len(text) >= 3 and text[-1] in "县区":
        return text[:-1] + _COUNTY_MARK
    if level == "township":
        if len(text) >= 4 and text.endswith("街道"):
            return text[:-2] + _TOWNSHIP_MARK
        if len(text) >= 3 and text[-1] in "镇乡":
            return text[:-1] + _TOWNSHIP_MARK
    return text


def _fold_variants(s: str) -> list[str]:
    """`s` with every non-empty combination of its last few 县/区/镇/乡/街道 folded."""
    sites = [(m.start(), m.end(), _TOWNSHIP_MARK if m.group() in ("镇", "乡", "街道") else _COUNTY_MARK)
             for m in re.finditer("街道|[县区镇乡]", s) if m.start() >= 2]
    sites = sites[-MAX_FOLD_SITES:]
    out = []
    for r in range(1, len(sites) + 1):
        for combo in itertools.combinations(sites, r):
            t, last = [], 0
            for start, end, mark in combo:
                t.append(s[last:start])
                t.append(mark)
                last = end
            t.append(s[last:])
            out.append("".join(t))
    return out


def _strip_places(s: str, places: list[str]) -> str:
    """`s` without the ancestors' names it starts with, top down (`淮安市洪泽区` → `洪泽区`)."""
    rest = s
    for p in places:
        if p and rest.startswith(p) and len(rest) > len(p):
            rest = rest[len(p):]
    return rest


def _origin_text(origin: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", unquote(origin)))


def name_from_origin(origin: str | None) -> str | None:
    """The agency of a report title carried in a path or URL (`…/80607_平潭综合实验区公安局2021年
    政府信息公开工作年度报告/page.txt`), last segment first; None when no segment is such a title."""
    if not origin:
        return None
    from xxgk.read.meta import agency_name, title_match

    for seg in reversed(re.split(r"[/\\!?#&=]+", _origin_text(origin))):
        seg = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", seg)
        seg = re.sub(r"^[\dA-Za-z]+[_\-]", "", seg)
        m = title_match(seg)
        if m and (name := agency_name(m.group("agency"))):
            return name
    return None


@dataclass(frozen=True)
class Match:
    """What a printed name matched.

    `agency_id`/`code`/`name`: the agency, or None unless `method` is exact, alias or normalised.
    `candidates`: [{"code", "name", "method"}], JSON-ready for `Report.candidates`: the one matched,
    or those a person must choose from (ambiguous; at most MAX_CANDIDATES of `total`), or none.
    `printed`: the name looked up; `via`: "printed", or "origin" when it came from the origin's
    title because nothing was printed; `decided_by`: "parent_hint" or "origin" when a hint chose
    among several candidates.
    """

    agency_id: int | None
    method: str
    candidates: list[dict[str, str]] = field(default_factory=list)
    code: str | None = None
    name: str | None = None
    printed: str | None = None
    via: str = "printed"
    decided_by: str | None = None
    total: int = 0

    @property
    def matched(self) -> bool:
        return self.method in ("exact", "alias", "normalised")

    def to_dict(self) -> dict[str, Any]:
        return {"agency_id": self.agency_id, "code": self.code, "name": self.name, "method": self.method,
                "candidates": self.candidates, "printed": self.printed, "via": self.via,
                "decided_by": self.decided_by, "total": self.total}


@dataclass(slots=True)
class _Node:
    id: int | None
    code: str
    name: str
    level: str
    aliases: tuple[str, ...]
    parent: int | None = None
    #: Materialised path of codes, as Agency.path: the subtree test for parent_hint.
    path: str = ""
    #: (text, level) per ancestor, top down: a government's place, a department's own part.
    chain: tuple[tuple[str, str], ...] = ()
    own: str = ""


#: One index: normalised key → a node index, or a list of them (most keys name one agency).
_Index = dict[str, Any]


def _add(index: _Index, key: str, i: int) -> None:
    v = index.get(key)
    if v is None:
        index[key] = i
    elif isinstance(v, int):
        if v != i:
            index[key] = [v, i]
    elif v[-1] != i:
        v.append(i)


def _get(index: _Index, key: str) -> list[int]:
    v = index.get(key)
    if v is None:
        return []
    return [v] if isinstance(v, int) else list(v)


class Matcher:
    """The hierarchy's names in dictionaries, for `match`. Build it once per batch and again after
    an import changes the hierarchy (settling a report does not change it)."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """`rows`: mappings with code, name, level, parent (the parent's code or None), aliases
        (a list), and id (optional: the database id reported in Match.agency_id)."""
        self.nodes: list[_Node] = []
        by_code: dict[str, int] = {}
        parents: list[str | None] = []
        for r in rows:
            code = str(r["code"])
            if code in by_code:
                raise ValueError(f"机构编码重复：{code}")
            by_code[code] = len(self.nodes)
            self.nodes.append(_Node(id=r.get("id"), code=code, name=str(r["name"]), level=str(r["level"]),
                                    aliases=tuple(str(a) for a in (r.get("aliases") or []) if str(a).strip())))
            p = r.get("parent")
            parents.append(str(p) if p not in (None, "") else None)
        for i, p in enumerate(parents):
            self.nodes[i].parent = by_code.get(p) if p is not None else None
        self.by_code = by_code
        self.by_id = {n.id: i for i, n in enumerate(self.nodes) if n.id is not None}
        self._exact: _Index = {}
        self._alias: _Index = {}
        self._norm: _Index = {}
        self._fold: _Index = {}
        self._bare: _Index = {}
        for i in self._top_down():
            self._index(i)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Matcher:
        return cls(rows)

    @classmethod
    def from_db(cls, queryset: Any = None) -> Matcher:
        """The whole hierarchy of the store (or the agencies of `queryset`)."""
        from .models import Agency

        qs = queryset if queryset is not None else Agency.objects.all()
        rows = list(qs.values_list("id", "code", "name", "aliases", "level", "parent_id"))
        code_of = {r[0]: r[1] for r in rows}
        return cls({"id": r[0], "code": r[1], "name": r[2], "aliases": r[3] or [], "level": r[4],
                    "parent": code_of.get(r[5])} for r in rows)

    def __len__(self) -> int:
        return len(self.nodes)

    # -- building --------------------------------------------------------------------------------

    def _top_down(self) -> Iterator[int]:
        """Node indexes, every parent before its children; a cycle (not possible in the store,
        whose import refuses them) is cut where it closes."""
        children: dict[int | None, list[int]] = {}
        for i, n in enumerate(self.nodes):
            children.setdefault(n.parent, []).append(i)
        seen: set[int] = set()
        stack = list(reversed(children.get(None, [])))
        pending = [i for i in range(len(self.nodes))]
        while True:
            while stack:
                i = stack.pop()
                if i in seen:
                    continue
                seen.add(i)
                yield i
                stack.extend(reversed(children.get(i, [])))
            rest = next((i for i in pending if i not in seen), None)
            if rest is None:
                return
            self.nodes[rest].parent = None  # inside a cycle: treated as a root
            stack.append(rest)

    def _index(self, i: int) -> None:
        n = self.nodes[i]
        parent = self.nodes[n.parent] if n.parent is not None else None
        n.path = f"{parent.path if parent else '/'}{n.code}/"
        chain = parent.chain + ((parent.own, parent.level),) if parent else ()
        n.chain = chain
        texts = [t for t, _ in chain]
        names = [canonical(n.name)] + [canonical(a) for a in n.aliases]
        owns = list(dict.fromkeys(_strip_places(c, texts) for c in names if c))
        n.own = owns[0] if owns else canonical(n.name)

        gov_at = next((k for k in range(len(chain) - 1, -1, -1) if chain[k][1] in GOVERNMENT_LEVELS), None)
        above: tuple[tuple[str, str], ...]
        if n.level in GOVERNMENT_LEVELS:
            above, required, standalone = chain, (), True
        elif gov_at is None:  # a department with no government above: its name stands alone
            above, required, standalone = (), chain, True
        elif chain[gov_at][1] == "national":  # a ministry: its name stands alone too
            above, required, standalone = (), chain[gov_at + 1:], True
        else:
            above, required, standalone = chain[:gov_at], chain[gov_at:], False
        # A department listed or aliased without its government (`财政局`) is reached only through
        # the bare index, whatever the spelling: never matched on the name alone.
        # (`中共渠县委员会` holds its government's place inside: not bare.)
        bare = set() if standalone else {o for o in owns if chain[gov_at][0] not in o}
        if canonical(n.name) not in bare:
            _add(self._exact, n.name.strip(), i)
        for a in n.aliases:
            if canonical(a) not in bare:
                _add(self._alias, a.strip(), i)
        optional = [c for c in above if c[1] != "national" and c[1] in GOVERNMENT_LEVELS][-MAX_OPTIONAL_PLACES:]

        keys: dict[str, str] = {}  # key → folded key
        for own in owns:
            for r in range(len(optional) + 1):
                for sub in itertools.combinations(optional, r):
                    segs = [*sub, *required, (own, n.level)]
                    keys["".join(t for t, _ in segs)] = "".join(_fold_segment(t, lv) for t, lv in segs)
        for own in bare:
            keys.pop(own, None)
        for c in names:
            if c and c not in bare:
                keys.setdefault(c, c)
        for k, f in keys.items():
            _add(self._norm, k, i)
            if f != k:
                _add(self._fold, f, i)
        for b in bare:
            _add(self._bare, b, i)

    # -- matching --------------------------------------------------------------------------------

    def _tiers(self, printed: str) -> Iterator[tuple[dict[int, str], bool]]:
        """({candidate: method}, needs_hint) per step, best first.

        An exact or alias hit decides only if no other agency has the same canonical name: a
        hierarchy that lists one township as `城关镇人民政府` and another as `吉安县城关镇人民政府`
        does not make the printed `城关镇人民政府` the first one's (both are listed instead)."""
        p = printed.strip()
        c = canonical(p)
        same = _get(self._norm, c) if c else []
        for method, index in (("exact", self._exact), ("alias", self._alias)):
            hits = _get(index, p)
            if hits:
                found = dict.fromkeys(hits, method)
                for i in same:
                    found.setdefault(i, "normalised")
                yield found, False
        if not c:
            return
        yield dict.fromkeys(same, "normalised"), False
        forms = [c]
        if c.endswith(_OFFICE) and len(c) > len(_OFFICE):
            forms.append(c[: -len(_OFFICE)])
            yield dict.fromkeys(_get(self._norm, forms[1]), "normalised"), False
        folded: dict[int, str] = {}
        for form in forms:
            for v in _fold_variants(form):
                folded.update(dict.fromkeys(_get(self._fold, v), "normalised"))
        yield folded, False
        yield dict.fromkeys(_get(self._bare, c), "normalised"), True

    def _hint_node(self, hint: Any) -> int:
        code = getattr(hint, "code", None)
        if code is not None:
            i = self.by_code.get(str(code))
        elif isinstance(hint, int) and not isinstance(hint, bool):
            i = self.by_id.get(hint)
        else:
            i = self.by_code.get(str(hint))
        if i is None:
            raise ValueError(f"未知的上级机构：{hint}")
        return i

    def _places(self, i: int) -> list[str]:
        """The place names of agency `i`, top down: its governments' (and its own, if it is one)."""
        n = self.nodes[i]
        places = [t for t, lv in n.chain if lv in GOVERNMENT_LEVELS and lv != "national"]
        if n.level in GOVERNMENT_LEVELS:
            places.append(n.own)
        return places

    def _by_origin(self, cands: list[int], origin: str, printed: str) -> int | None:
        """The one candidate the origin names, or None.

        A candidate is named when its deepest place name that the printed name lacks (its
        government's for a department, its county's for a township) is in the origin, and no
        other candidate lies in that place: `/达州市/2023/财政局.pdf` names neither 达州市财政局
        nor 渠县财政局 (渠县 is in 达州市: the folder may hold its counties' reports too), while
        `/达州市/渠县/财政局.pdf` names 渠县财政局."""
        text = _origin_text(origin)
        places = {i: self._places(i) for i in cands}
        named = []
        for i in cands:
            place = next((p for p in reversed(places[i]) if len(p) >= 2 and p not in printed), None)
            if place is not None and place in text:
                named.append((i, place))
        # A place that encloses another named candidate's (`/淮安市/洪泽区/`) gives way to it.
        named = [(i, p) for i, p in named if not any(j != i and p in places[j] for j, _ in named)]
        if len(named) != 1:
            return None
        i, place = named[0]
        return i if sum(place in places[j] for j in cands) == 1 else None

    def _candidate(self, i: int, method: str) -> dict[str, str]:
        n = self.nodes[i]
        return {"code": n.code, "name": n.name, "method": method}

    def _matched(self, i: int, method: str, printed: str, via: str, decided_by: str | None) -> Match:
        n = self.nodes[i]
        return Match(n.id, method, [self._candidate(i, method)], n.code, n.name, printed, via, decided_by, 1)

    def _ambiguous(self, cands: dict[int, str], shown: list[int], printed: str, via: str) -> Match:
        ordered = sorted(shown, key=lambda i: self.nodes[i].path)
        return Match(None, "ambiguous", [self._candidate(i, cands[i]) for i in ordered[:MAX_CANDIDATES]],
                     printed=printed, via=via, total=len(ordered))

    def match(self, printed: str | None, *, origin: str | None = None, parent_hint: Any = None) -> Match:
        """Match a printed agency name (see the module's docstring for the method order).

        `origin`: the file's path or URL, a hint only: it narrows several candidates to the one
        whose distinguishing place name (its government's for a department, its county's for a
        township printed without one) it holds, and names the agency when nothing was printed.
        `parent_hint`: an Agency, its code (str) or its id (int); the agency must lie in its
        subtree: it picks the one candidate inside, and a candidate outside it is never matched
        (listed as ambiguous instead). An unknown hint raises ValueError."""
        hint = self._hint_node(parent_hint) if parent_hint is not None else None
        via = "printed"
        name = (printed or "").strip()
        if not name and origin:
            name, via = (name_from_origin(origin) or ""), "origin"
        if not name or len(name) > MAX_PRINTED:
            return Match(None, "none", printed=name or None, via=via)
        for cands, needs_hint in self._tiers(name):
            if not cands:
                continue
            shown = list(cands)
            if hint is not None:
                under = self.nodes[hint].path
                inside = [i for i in shown if self.nodes[i].path.startswith(under)]
                if len(inside) == 1:
                    chose = len(shown) > 1 or needs_hint  # or was it unique anyway
                    return self._matched(inside[0], cands[inside[0]], name, via, "parent_hint" if chose else None)
                if not inside:  # the hint is a constraint: nothing outside it is matched
                    return self._ambiguous(cands, shown, name, via)
                shown = inside
            elif len(shown) == 1 and not needs_hint:
                return self._matched(shown[0], cands[shown[0]], name, via, None)
            if origin and (len(shown) > 1 or needs_hint):
                named = self._by_origin(shown, origin, canonical(name))
                if named is not None:
                    return self._matched(named, cands[named], name, via, "origin")
            return self._ambiguous(cands, shown, name, via)
        return Match(None, "none", printed=name, via=via)
