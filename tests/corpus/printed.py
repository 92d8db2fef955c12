"""Reports printed the way real published text shows them, with the generator's own truth.

`print_report(report, layout, style, rng)` prints a generated `Report` (tests/corpus/generate.py)
with every label taken from the hand-written catalogue of `tests/corpus/variants.py`, never from
`xxgk.report.keys`, and returns a `Printed`: the text, what it printed for each cell (value text,
row label, column label), the value each contract key must read back as (`expected`), and which of
those values the document alone forces (`decidable`).

Layouts (`REAL_LAYOUTS`), each after a real document in ../shared/real:

- ``tsv``: one row per line, cells tab-separated (a Word/WPS copy); the control layout on which
  the label families are measured;
- ``spaced_rows``: one row per line, cells separated by single spaces;
- ``oneline_spaced``: a crawler's page.txt (real 008): metadata header lines, then the whole report on
  one line, cells space-separated;
- ``oneline_glued``: page.txt with cells glued (real 002, 006, 015, 025): ``713000074``, a row's
  digits running into the next row's numbering (``10000016.属于四类过程性信息``), labels glued to
  digits (``规范性文件1077``, ``政府集中采购2832995元``); Table 四 glued or space-separated;
- ``glued_rows``: cells glued, but each table row on its own line (innerText without cell tabs);
- ``md_extract``: markdown from a PDF table extractor (real 013): small pipe tables, some rows
  without their label, the missing labels printed as wrapped plain lines before the table, stray
  header rows; Table 二's single-value blocks as plain lines;
- ``pdf_wrapped``: PDF text (real 021): long labels wrapped over lines, the numbers on the first
  label line, on a line between the pieces, below the label or (rarely) above it; the group label
  三、本年度办理结果 sometimes one character per line; page numbers ``- N -``.

`Style` holds the label choices of one document: the catalogue family of the row bodies
(official / wording / typo / any), the numbering styles, where group labels sit (merged into the
first row, on their own line, on the second row, missing), whether a 2021 table prints the 2019
row （六）其他处理 as one row (real 021), whether labels wrap, whether Table 二 values carry units
(`2笔 984361元`, real 008; glued layouts always print the amount's 元, real 015). `style_for(family, rng)` gives the
style of one label-variant family (`LABEL_FAMILIES`), all else official.

Glued digit runs can be split several ways. `decidable` holds the keys whose value every split of
their own row agrees on (cells per row, no leading zeros, the row-sum and block-sum identities;
see tests/corpus/oracle.py); the others a reader may leave undecided, but then only with an error
finding naming them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable

from . import variants as V
from .oracle import splits

REAL_LAYOUTS: tuple[str, ...] = (
    "tsv", "spaced_rows", "oneline_spaced", "oneline_glued", "glued_rows", "md_extract", "pdf_wrapped",
)
GLUED_LAYOUTS = frozenset({"oneline_glued", "glued_rows"})
LABEL_FAMILIES: tuple[str, ...] = (
    "official", "wording", "typo", "numbering", "group", "wrapped", "mixed2019", "units", "any",
)


# --- style ------------------------------------------------------------------------------------


@dataclass
class Style:
    labels: str = "official"  # catalogue family of row bodies: official | wording | typo | any
    item_numbering: str = "dot"
    sub_numbering: str = "full"
    top_numbering: str = "comma"
    groups: str = "merged"  # merged | own | late | missing
    mixed: bool = False  # 2021 table printing （六）其他处理 as one row (real 021)
    wrap: bool = False  # long labels wrapped over lines (line layouts only)
    units: bool = False  # units on Table 二 values: '2笔 984361元' (real 008), '12件'


def style_for(family: str, rng: random.Random) -> Style:
    """The style of one label-variant family; everything not named by the family is official."""
    if family not in LABEL_FAMILIES:
        raise ValueError(f"unknown family {family!r}; expected one of {', '.join(LABEL_FAMILIES)}")
    s = Style()
    if family in ("wording", "typo"):
        s.labels = family
    elif family == "numbering":
        s.item_numbering = rng.choice([k for k in V.NUMBERING if k != "dot"])
        s.sub_numbering = rng.choice(list(V.SUB_NUMBERING))
        s.top_numbering = rng.choice(list(V.TOP_NUMBERING))
    elif family == "group":
        s.groups = rng.choice(("own", "late", "missing"))
    elif family == "wrapped":
        s.wrap = True
    elif family == "mixed2019":
        s.mixed = True
    elif family == "units":
        s.units = True
    elif family == "any":
        s.labels = "any"
        s.item_numbering = rng.choice(list(V.NUMBERING))
        s.sub_numbering = rng.choice(list(V.SUB_NUMBERING))
        s.top_numbering = rng.choice(("comma", "comma", "dot", "none"))
        s.groups = rng.choice(("merged", "merged", "own", "late", "missing"))
        s.mixed = rng.random() < 0.2
        s.wrap = rng.random() < 0.5
        s.units = rng.random() < 0.3
    return s


# --- the printed document ---------------------------------------------------------------------------


@dataclass
class CellTruth:
    key: str  # the key the printed cell belongs to ('t3.other_processing.total' in a mixed table)
    raw: str  # the value as printed
    row_label: str  # the row label as printed (group labels on the same row included)
    col_label: str  # the column header it sits under


@dataclass
class Printed:
    text: str
    layout: str
    style: Style
    format: str
    agency: str
    year: int
    truth: dict[str, CellTruth]  # what was printed, per printed cell
    expected: dict[str, Any]  # contract key → value it must read back as (None: absent/blank)
    decidable: set[str]  # contract keys whose value the document alone forces


@dataclass
class Row:
    texts: list[str]  # label cells before the values (header rows: all their cells)
    keys: list[str] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)
    cols: list[str] = field(default_factory=list)  # column label of each value
    key: str | None = None  # t3 row key of a value row
    pieces: list[str] | None = None  # wrapped label pieces (pdf_wrapped / wrapped family)


# --- values -----------------------------------------------------------------------------------------


def _raw(report: Any, key: str, glued: bool, rng: random.Random, units: bool) -> str:
    val = report.value(key)
    if val is None:
        return ""
    if key.endswith(".change"):
        n = int(val)
        return f"+{n}" if n > 0 and not glued and rng.random() < 0.3 else str(n)
    if key.endswith("procurement.amount"):
        return f"{val}元" if glued or units else str(val)
    if key.endswith("procurement.items") and units and int(val):
        return f"{val}笔"
    if units and not glued and key.startswith("t2") and not key.endswith("_wan_yuan") and rng.random() < 0.2:
        return f"{val}件"
    return str(val)


# --- labels -----------------------------------------------------------------------------------------


def _row_label(key: str, style: Style, rng: random.Random) -> str:
    spec = V.T3_SPECS[key]
    body = V.pick(spec.bodies, style.labels, rng).text
    numbering = {"item": style.item_numbering, "sub": style.sub_numbering, "top": style.top_numbering}[spec.kind]
    return V.numbered(spec.kind, spec.n, numbering) + body


def _group_label(group: str, style: Style, rng: random.Random) -> str:
    spec = V.T3_GROUPS[group]
    lab = V.pick(spec.bodies, style.labels, rng)
    if lab.numbered:
        return lab.text
    body = lab.text
    numbering = style.top_numbering if spec.kind == "top" else style.sub_numbering
    return V.numbered(spec.kind, spec.n, numbering) + body


def _lab(labels: tuple[V.Label, ...], style: Style, rng: random.Random) -> str:
    fam = style.labels if style.labels in ("wording", "typo", "any") else "official"
    return V.pick(labels, fam, rng).text


# --- tables -----------------------------------------------------------------------------------------


def _t2_rows(report: Any, fmt: str, style: Style, rng: random.Random, glued: bool, units: bool) -> list[Row]:
    rows: list[Row] = []
    if fmt == "2019":
        cols = V.T2_COLUMN_LABELS_2019
        blocks = (
            ("一", ("made", "published", "total_published"), ("regulations", "normative_documents")),
            ("五", ("previous_items", "change", "decisions"), ("licensing", "other_services")),
            ("六", ("previous_items", "change", "decisions"), ("penalty", "compulsion")),
            ("八", ("previous_items", "change"), ("admin_fees",)),
            ("九", ("items", "amount"), ("procurement",)),
        )
        for n, cs, names in blocks:
            heads = [_lab(cols[c], style, rng) for c in cs]
            rows.append(Row([_lab(V.T2_CAPTIONS[n], style, rng)]))
            rows.append(Row([_lab(cols["item"], style, rng), *heads]))
            for name in names:
                keys = [f"t2_2019.{name}.{c}" for c in cs]
                rows.append(Row([_lab(V.T2_LABELS_2019[name], style, rng)], keys,
                                [_raw(report, k, glued, rng, units) for k in keys], heads))
        return rows
    cols21 = V.T2_COLUMN_LABELS_2021
    three = [_lab(cols21[c], style, rng) for c in ("issued", "repealed", "in_force")]
    rows.append(Row([_lab(V.T2_CAPTIONS["一"], style, rng)]))
    rows.append(Row([_lab(cols21["item"], style, rng), *three]))
    for name in ("regulations", "normative_documents"):
        keys = [f"t2.{name}.{c}" for c in ("issued", "repealed", "in_force")]
        rows.append(Row([_lab(V.T2_LABELS_2021[name], style, rng)], keys, [_raw(report, k, glued, rng, units) for k in keys], three))
    for n, head, names in (("五", "decisions", ("licensing",)), ("六", "decisions", ("penalty", "compulsion")),
                           ("八", "fee", ("admin_fees_wan_yuan",))):
        h = _lab(cols21[head], style, rng)
        rows.append(Row([_lab(V.T2_CAPTIONS[n], style, rng)]))
        rows.append(Row([_lab(cols21["item"], style, rng), h]))
        for name in names:
            key = f"t2.{name}"
            rows.append(Row([_lab(V.T2_LABELS_2021[name], style, rng)], [key], [_raw(report, key, glued, rng, units)], [h]))
    return rows


def _t3_header(style: Style, rng: random.Random) -> tuple[list[Row], list[str]]:
    c = {k: _lab(V.T3_COLUMN_LABELS[k], style, rng).replace("\n", "") for k in V.T3_COLUMNS}
    rows = [
        Row([_lab(V.T3_HEADER_TEXT["note"], style, rng), _lab(V.T3_HEADER_TEXT["band"], style, rng)]),
        Row([c["natural_person"], _lab(V.T3_HEADER_TEXT["orgs"], style, rng), c["total"]]),
        Row([c[k] for k in V.T3_APPLICANT_COLUMNS[1:]]),
    ]
    return rows, [c[k] for k in V.T3_COLUMNS]


def _t3_rows(report: Any, fmt: str, style: Style, rng: random.Random) -> tuple[list[Row], dict[str, Any]]:
    """Value rows (with group labels placed per `style.groups`) and the expected t3 values."""
    header, cols = _t3_header(style, rng)
    expected = {f"t3.{r}.{c}": report.value(f"t3.{r}.{c}") for r in (V.T3_ROWS_2019 if fmt == "2019" else V.T3_ROWS_2021)
                for c in V.T3_COLUMNS}
    order = list(V.T3_ROWS_2019 if fmt == "2019" else V.T3_ROWS_2021)
    sums: dict[str, int] = {}
    if fmt == "2021" and style.mixed:
        others = ("other_no_correction", "other_fee_unpaid", "other_other")
        for c in V.T3_COLUMNS:
            sums[c] = sum(int(report.value(f"t3.{o}.{c}")) for o in others)
            for o in others:
                expected[f"t3.{o}.{c}"] = None
        i = order.index("other_no_correction")
        order[i : i + 3] = [V.T3_MIXED_OTHER]
    rows: list[Row] = []
    seen_groups: set[str] = set()
    carry: list[str] = []  # style 'late': group labels printed on the row after their first row
    for j, key in enumerate(order):
        label = _row_label(key, style, rng)
        groups = [g for g in V.group_of(key) if g not in seen_groups]
        if key == V.T3_MIXED_OTHER:
            groups = [g for g in groups if g == "results"]  # （六）其他处理 is the row itself
        seen_groups.update(groups)
        glabels = [_group_label(g, style, rng) for g in groups]
        texts: list[str] = []
        if style.groups == "merged":
            texts = glabels
        elif style.groups == "own":
            rows += [Row([g]) for g in glabels]
        elif style.groups == "late":
            nxt = order[j + 1] if j + 1 < len(order) else None
            if glabels and nxt is not None and set(groups) <= set(V.group_of(nxt)):
                texts, carry = carry, glabels
            else:
                texts, carry = [*carry, *glabels], []
        texts.append(label)
        if key == V.T3_MIXED_OTHER and fmt == "2021":
            keys = [f"t3.{key}.{c}" for c in V.T3_COLUMNS]
            raws = [str(sums[c]) for c in V.T3_COLUMNS]
        else:
            keys = [f"t3.{key}.{c}" for c in V.T3_COLUMNS]
            raws = [str(report.value(k)) for k in keys]
        rows.append(Row(texts, keys, raws, cols, key=key))
    return header + rows, expected


def _t4_rows(report: Any, style: Style, rng: random.Random) -> list[Row]:
    L = V.T4_LABELS
    heads = [_lab(L[c], style, rng) for c in V.T4_COLUMNS]
    keys = [f"t4.{b}.{c}" for b in V.T4_BLOCKS for c in V.T4_COLUMNS]
    cols = [f"{b}/{h}" for b in V.T4_BLOCKS for h in heads]
    return [
        Row([_lab(L["review"], style, rng), _lab(L["litigation"], style, rng)]),
        Row([*heads, _lab(L["litigation_direct"], style, rng), _lab(L["litigation_after_review"], style, rng)]),
        Row([*heads, *heads]),
        Row([], keys, [str(report.value(k)) for k in keys], cols),
    ]


def _decided(row: Row) -> set[str]:
    """Keys of `row` on which every split of its glued digit run agrees."""
    block = 7 if row.key else (5 if len(row.keys) == 15 else None)
    cands = splits("".join(row.raws), row.keys, block)
    if not cands:
        return set()
    return {k for i, k in enumerate(row.keys) if all(c[i] == cands[0][i] for c in cands)}


# --- document text ---------------------------------------------------------------------------------


def _preface(report: Any, fmt: str) -> str:
    y = report.year
    notice = "国办公开办函〔2019〕60号" if fmt == "2019" else "国办公开办函〔2021〕30号"
    return (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发"
            f"〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{notice}）要求，由{report.agency}编制。"
            f"本报告中所列数据统计时限为{y}年1月1日至{y}年12月31日。")


def _crawler_header(report: Any, rng: random.Random) -> list[str]:
    y = report.year
    title = f"{report.agency}{y}年度政府信息公开工作年度报告"
    n = rng.randint(10000, 99999)
    return [
        f"标题: {title}",
        f"发布时间: {y + 1}-01-{rng.randint(5, 28):02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}",
        "文号: ",
        "发布机构: ",
        "栏目: 政府信息公开年报",
        f"原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/{y + 1}01/t{y + 1}0115_{n}.htm",
        "==================== 正文 ====================",
    ]


def _wrap(text: str, rng: random.Random) -> list[str]:
    """`text` cut into pieces of 6–11 characters (a PDF table cell's width), never inside digits."""
    return wrap_at(text, rng.randint(6, 11))


def wrap_at(text: str, width: int) -> list[str]:
    """`text` cut into pieces of `width` characters, never inside a run of digits."""
    out: list[str] = []
    i = 0
    while i < len(text):
        j = min(i + width, len(text))
        while i + 1 < j < len(text) and text[j - 1].isdigit() and text[j].isdigit():
            j -= 1
        out.append(text[i:j])
        i = j
    return out or [""]


@dataclass
class _Doc:
    report: Any
    fmt: str
    layout: str
    style: Style
    rng: random.Random
    t2: list[Row]
    t3: list[Row]
    t4: list[Row]
    headings: dict[str, str]


def _paras(report: Any, key: str) -> list[str]:
    return [p for p in report.sections.get(key, "").split("\n") if p.strip()]


#: Where a wrapped row's numbers come out of a PDF's text relative to its label pieces: beside the
#: first piece (top-aligned cells), between the pieces (vertically centred), after them (real 021),
#: before them (a bottom-aligned label in a row made tall by another cell; issue 13 names it).
_NUMBERS_AT = ("first", "between", "below", "above")
_NUMBERS_AT_WEIGHTS = (3, 3, 3, 1)


def _line_rows(rows: list[Row], sep: str, d: _Doc, wrap: bool) -> list[str]:
    """Table rows as lines joined by `sep`; wrapped labels put the numbers with a label piece or below."""
    rng = d.rng
    out: list[str] = []
    for row in rows:
        label = "".join(row.texts) if sep == "" else sep.join(row.texts)
        vals = sep.join(row.raws) if sep else "".join(row.raws)
        if wrap and row.keys and row.key and len(row.texts[-1]) > 10:
            # Group labels (merged cells of their own) first, then the row label wrapped in its cell.
            out += row.texts[:-1]
            pieces = _wrap(row.texts[-1], rng)
            row.pieces = [*row.texts[:-1], *pieces]
            where = rng.choices(_NUMBERS_AT, weights=_NUMBERS_AT_WEIGHTS)[0] if len(pieces) > 1 else "first"
            if where == "first":
                out += [f"{pieces[0]}{sep or ' '}{vals}", *pieces[1:]]
            elif where == "between":
                out += [pieces[0], vals, *pieces[1:]]
            elif where == "below":
                out += [*pieces, vals]
            else:  # above: a label cell aligned to the bottom of a tall row
                out += [vals, *pieces]
            continue
        if not row.keys:
            out.append(label)
        elif not label:
            out.append(vals)
        else:
            out.append(f"{label}{sep or rng.choice(('', '', ' '))}{vals}")
    return out


def _glued_row(row: Row, rng: random.Random) -> str:
    label = "".join(row.texts)
    if not row.keys:
        return label
    return f"{label}{rng.choice(('', '', ' '))}{''.join(row.raws)}"


def _body_lines(d: _Doc, table_lines: Callable[[list[Row], str], list[str]]) -> list[str]:
    r = d.report
    out = [_preface(r, d.fmt)]
    for key in ("overview", "proactive", "applications", "appeals", "problems", "other"):
        out.append(d.headings[key])
        out += _paras(r, key)
        if key == "proactive":
            out += table_lines(d.t2, "t2")
        elif key == "applications":
            out += table_lines(d.t3, "t3")
        elif key == "appeals":
            out += table_lines(d.t4, "t4")
    out.append(f"{r.agency} {r.year + 1}年1月{d.rng.randint(5, 28)}日")
    return out


def _render(d: _Doc) -> str:
    r, rng, layout = d.report, d.rng, d.layout
    title = [r.agency, f"{r.year}年政府信息公开工作年度报告"]
    if layout in ("tsv", "spaced_rows"):
        sep = "\t" if layout == "tsv" else " "
        return "\n".join(title + _body_lines(d, lambda rows, t: _line_rows(rows, sep, d, d.style.wrap and t == "t3")))
    if layout == "glued_rows":
        return "\n".join(title + _body_lines(d, lambda rows, t: [_glued_row(x, rng) for x in rows]))
    if layout == "oneline_spaced":
        body = _body_lines(d, lambda rows, t: [" ".join([*x.texts, *x.raws]) for x in rows])
        return "\n".join(_crawler_header(r, rng) + [" ".join(body)])
    if layout == "oneline_glued":
        t4_spaced = rng.random() < 0.4
        joiner = rng.choice(("", " "))

        def tables(rows: list[Row], t: str) -> list[str]:
            if t == "t4" and t4_spaced:
                return [("".join(x.texts) + " " if x.texts else "") + " ".join(x.raws) if x.keys else "".join(x.texts) for x in rows]
            return ["".join(_glued_row(x, rng) for x in rows)]

        body = _body_lines(d, tables)
        return "\n".join(_crawler_header(r, rng) + [joiner.join(body)])
    if layout == "md_extract":
        return "\n".join(title + _body_lines(d, lambda rows, t: _md_table(rows, t, d)))
    if layout == "pdf_wrapped":
        return "\n".join(title + _body_lines(d, lambda rows, t: _pdf_table(rows, t, d)))
    raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(REAL_LAYOUTS)}")


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_sep(n: int) -> str:
    return "|" + "---|" * n


def _md_table(rows: list[Row], t: str, d: _Doc) -> list[str]:
    """Markdown as a PDF table extractor writes it (real 013)."""
    rng = d.rng
    out: list[str] = []
    if t == "t2":
        # The single-value blocks come out as plain lines, the three-column block as a table.
        first = rows[:4] if d.fmt == "2021" else rows[:4]
        rest = rows[4:]
        out.append("".join(first[0].texts))
        out.append(_md_row(first[1].texts))
        out.append(_md_sep(len(first[1].texts)))
        for x in first[2:]:
            out.append(_md_row([*x.texts, *x.raws]))
        for x in rest:
            out.append(" ".join([*x.texts, *x.raws]) if x.keys else "".join(x.texts))
        return out
    if t == "t4":
        for x in rows[:-1]:
            out.append("".join(x.texts))
        heads = [h[2:] or h for h in rows[2].texts[:4]] * 3
        out += [_md_row(heads), _md_sep(len(heads)), _md_row(rows[-1].raws), _md_sep(len(rows[-1].raws))]
        return out
    header = rows[:3]
    for x in header:
        out.append("".join(x.texts))
    out.append(_md_row(["业", "构", "益组织", "务机构", "", "", "", ""]))
    out.append(_md_sep(8))
    body = rows[len(header):]
    i = 0
    while i < len(body):
        chunk = body[i : i + rng.randint(2, 5)]
        i += len(chunk)
        plain: list[str] = []
        lines: list[str] = []
        for x in chunk:
            if not x.keys:  # a group label on its own row
                plain += _wrap("".join(x.texts), rng)
                continue
            if rng.random() < 0.6:
                lines.append(_md_row(["".join(x.texts), *x.raws]))
            else:
                plain += _wrap("".join(x.texts), rng)
                lines.append(_md_row(x.raws))
        out += ["", *plain] if plain else [""]
        for j, line in enumerate(lines):
            out.append(line)
            if j == 0:
                out.append(_md_sep(line.count("|") - 1))
    return out


def _pdf_table(rows: list[Row], t: str, d: _Doc) -> list[str]:
    """PDF text (real 021): wrapped labels, numbers beside or below them, a vertical group label."""
    rng = d.rng
    if t != "t3":
        return _line_rows(rows, " ", d, False)
    out: list[str] = []
    page_at = rng.randrange(5, len(rows) - 3) if rng.random() < 0.5 else -1
    for n, row in enumerate(rows):
        texts = list(row.texts)
        if texts and V.T3_GROUPS["results"].bodies[0].text in texts[0] and rng.random() < 0.5:
            out += list(texts.pop(0))  # one character per line
        out += _line_rows([Row(texts, row.keys, row.raws, row.cols, row.key)], " ", d, True)
        if n == page_at:
            out += ["", f"- {rng.randint(2, 6)} -", ""]
    return out


# --- public API --------------------------------------------------------------------------------------


def print_report(report: Any, layout: str, style: Style, rng: random.Random) -> Printed:
    """`report` printed in `layout` with labels of `style`; see the module docstring."""
    if layout not in REAL_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(REAL_LAYOUTS)}")
    fmt = "2019" if report.format == "2019" else "2021"
    if fmt == "2019":
        style.mixed = False
    glued = layout in GLUED_LAYOUTS
    units = style.units
    t2 = _t2_rows(report, fmt, style, rng, glued, units)
    t3, expected = _t3_rows(report, fmt, style, rng)
    t4 = _t4_rows(report, style, rng)
    fam = style.labels if style.labels != "official" else "official"
    headings = {k: V.pick(v, fam, rng).text for k, v in V.SECTION_HEADINGS.items()}
    d = _Doc(report, fmt, layout, style, rng, t2, t3, t4, headings)
    text = _render(d).rstrip("\n") + "\n"
    truth: dict[str, CellTruth] = {}
    decidable: set[str] = set()
    for row in (*t2, *t3, *t4):
        label = "".join(row.pieces) if row.pieces else "".join(row.texts)
        for k, raw, col in zip(row.keys, row.raws, row.cols):
            truth[k] = CellTruth(k, raw, label, col)
        if row.keys:
            decidable |= _decided(row) if glued else set(row.keys)
    for key in (*V.T2_KEYS_2019,) if fmt == "2019" else V.T2_KEYS_2021:
        expected[key] = report.value(key)
    for b in V.T4_BLOCKS:
        for c in V.T4_COLUMNS:
            expected[f"t4.{b}.{c}"] = report.value(f"t4.{b}.{c}")
    decidable = {k for k in decidable if k in expected}
    decidable |= {k for k, v in expected.items() if v is None}  # absent rows: nothing to split
    return Printed(text, layout, style, fmt, report.agency, report.year, truth, expected, decidable)
