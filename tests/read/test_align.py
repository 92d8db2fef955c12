"""Rows found by alignment (`xxgk.read.align` through `assign.assign_rows`): printed label variants of
real tables land on the right row, every non-exact placement is a warning naming the printed label and
the row chosen, and a row that cannot be placed is an error, never a shifted table.

The oracle is written here by hand: the printed tables below are typed as agencies print them (the
2021 format's rows copied from the format, then varied), and each row carries its own numbers
(`n 0 0 0 0 0 n`, n = its position), so the expected row of every value is known without the code
under test. Nothing is generated from `xxgk.report.keys`.
"""

from __future__ import annotations

from xxgk.read import assign
from xxgk.read.tokens import Token

#: Table 三 of the 2021 format as printed, (row key, printed label), typed from the format.
T3_2021 = [
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "三、本年度办理结果\t（一）予以公开"),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "（三）不予公开\t1.属于国家秘密"),
    ("denied_law_prohibited", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_admin_query", "8.属于行政查询事项"),
    ("unable_not_held", "（四）无法提供\t1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", "（五）不予处理\t1.信访举报投诉类申请"),
    ("not_processed_duplicate", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_confirm", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
    ("results_total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
]
HEADER = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况", "自然人\t法人或其他组织\t总计", "商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]


def _vals(n: int) -> str:
    return "\t".join([str(n), "0", "0", "0", "0", "0", str(n)])


def _lines(labels: dict[str, str] | None = None, drop: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """The table as tab-separated lines, row i carrying `i 0 0 0 0 0 i`; `labels` replaces a row's
    printed label ('' prints its numbers without a label)."""
    labels = labels or {}
    out = list(HEADER)
    for i, (key, label) in enumerate(T3_2021, 1):
        if key in drop:
            continue
        lab = labels.get(key, label)
        out.append(f"{lab}\t{_vals(i)}" if lab else _vals(i))
    return out


def _tokens(lines: list[str]) -> list[Token]:
    """Tab-separated cells as the text reader makes them: an empty cell between two numbers is a
    blank data cell."""
    toks = []
    for no, line in enumerate(lines, 1):
        col = 0
        pieces = line.split("\t")
        for k, piece in enumerate(pieces):
            if piece.strip():
                toks.append(Token(piece, {"line": no, "col": col}))
            elif 0 < k < len(pieces) - 1 and pieces[k - 1].strip().isdigit() and pieces[k + 1].strip().isdigit():
                toks.append(Token("", {"line": no, "col": col}, blank=True))
            col += len(piece) + 1
    return toks


def _read(lines: list[str], fmt: str = "2021") -> assign.Assigned:
    return assign.assign_rows(_tokens(lines), assign.t3_specs(fmt), table="表三", sum_groups=[(0, 7)])


def _row_of_total(got: assign.Assigned) -> dict[str, int | None]:
    """Row key → the position number its values carry (None when the row is empty)."""
    return {key: got.cells[f"t3.{key}.total"].value for key, _ in T3_2021 if f"t3.{key}.total" in got.cells}  # type: ignore[misc]


def _expected(skip: set[str] = frozenset()) -> dict[str, int | None]:  # type: ignore[assignment]
    return {key: (None if key in skip else i) for i, (key, _) in enumerate(T3_2021, 1)}


def _rules(got: assign.Assigned) -> list[str]:
    return [f.rule for f in got.findings]


def test_canonical_table_reads_exactly_without_findings() -> None:
    got = _read(_lines())
    assert _row_of_total(got) == _expected()
    assert got.findings == []


def test_typo_and_lost_words_land_on_their_row_with_a_warning() -> None:
    got = _read(_lines({"denied_law_prohibited": "2.其他法律行政止公开", "unable_needs_creation": "2.没有现存信息需要另外制作"}))
    assert _row_of_total(got) == _expected()
    sims = [f for f in got.findings if f.rule == "read.row_by_similarity"]
    assert len(sims) == 2 and all(f.severity == "warning" for f in sims)
    assert "其他法律行政止公开" in sims[0].message and "2.其他法律行政法规禁止公开" in sims[0].message
    assert sims[0].cells[0] == "t3.denied_law_prohibited.natural_person"


def test_group_label_typo_does_not_move_rows() -> None:
    got = _read(_lines({"granted": "三三、本年度办理结果\t（一）予以公开"}))
    assert _row_of_total(got) == _expected()
    assert not [f for f in got.findings if f.severity == "error"]


def test_other_numbering_styles() -> None:
    labels = {
        "other_other": "3、其他",
        "denied_state_secret": "（三）不予公开\t(1)属于国家秘密",
        "denied_law_prohibited": "②其他法律行政法规禁止公开",
        "denied_security_stability": "（3）危及“三安全一稳定”",
        "not_processed_duplicate": "2、重复申请",
    }
    got = _read(_lines(labels))
    assert _row_of_total(got) == _expected()
    assert not [f for f in got.findings if f.severity == "error"]
    # '3、其他' is no exact label: its placement is reported, naming the row chosen.
    other = [f for f in got.findings if "t3.other_other.total" in f.cells]
    assert other and other[0].severity == "warning" and "3、其他" in other[0].message


def test_labels_wrapped_above_and_below_their_numbers() -> None:
    lines = _lines({"denied_process_info": "6.属于四类过", "unable_not_held": ""})
    at = lines.index(next(x for x in lines if x.startswith("6.属于四类过")))
    lines.insert(at + 1, "程性信息")  # the rest of the label printed under the numbers
    at = lines.index(next(x for x in lines if x.startswith("8.属于行政查询事项")))
    lines[at + 1 : at + 1] = ["（四）无法提供", "1.本机关不掌握相关政", "府信息"]  # label above, wrapped, detached
    got = _read(lines)
    assert _row_of_total(got) == _expected()
    assert not [f for f in got.findings if f.severity == "error"]


def test_unlabeled_rows_between_labeled_ones_are_placed_by_order() -> None:
    got = _read(_lines({"partially_granted": "", "denied_third_party": "", "denied_internal_affairs": ""}))
    assert _row_of_total(got) == _expected()
    by_order = [f for f in got.findings if f.rule == "read.row_by_order"]
    assert len(by_order) == 3 and all(f.severity == "warning" for f in by_order)
    assert "4.保护第三方合法权益" in by_order[1].message


def test_missing_row_leaves_its_cells_empty_and_the_rest_in_place() -> None:
    got = _read(_lines(drop={"denied_admin_query", "not_processed_publication"}))
    assert _row_of_total(got) == _expected({"denied_admin_query", "not_processed_publication"})
    missing = {f.cells[0] for f in got.findings if f.rule == "read.row_missing"}
    assert missing == {"t3.denied_admin_query.natural_person", "t3.not_processed_publication.natural_person"}


def test_missing_row_with_typos_around_it() -> None:
    labels = {"denied_enforcement_file": "7.属于行政执法卷宗", "unable_not_held": "（四）无法提供\t1.本机关不掌握相关信息"}
    got = _read(_lines(labels, drop={"denied_admin_query"}))
    assert _row_of_total(got) == _expected({"denied_admin_query"})
    assert not [f for f in got.findings if f.severity == "error"]


def test_2019_other_processing_row_inside_a_2021_table_leaves_the_subrows_empty() -> None:
    lines = _lines(drop={"other_fee_unpaid", "other_other"}, labels={"other_no_correction": "（六）其他处理"})
    got = _read(lines)
    want = _expected({"other_no_correction", "other_fee_unpaid", "other_other"})
    assert _row_of_total(got) == want
    merged = [f for f in got.findings if f.rule == "read.rows_merged"]
    assert len(merged) == 1 and merged[0].severity == "warning"
    assert {"t3.other_no_correction.total", "t3.other_fee_unpaid.total", "t3.other_other.total"} <= set(merged[0].cells)
    assert "（六）其他处理" in merged[0].message
    assert "read.row_missing" not in _rules(got)  # the merged finding says it, once


def test_2021_group_label_on_its_own_line_is_not_a_merged_row() -> None:
    lines = _lines({"other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"})
    at = lines.index(next(x for x in lines if x.startswith("1.申请人无正当理由")))
    lines.insert(at, "（六）其他处理")
    got = _read(lines)
    assert _row_of_total(got) == _expected()
    assert got.findings == []


def test_2019_table_reads_its_own_other_processing_row() -> None:
    lines = [x for x in _lines(drop={"other_fee_unpaid", "other_other"}, labels={"other_no_correction": "（六）其他处理"})]
    got = assign.assign_rows(_tokens(lines), assign.t3_specs("2019"), table="表三", sum_groups=[(0, 7)])
    assert got.cells["t3.other_processing.total"].value == 21
    assert got.cells["t3.results_total.total"].value == 24
    assert got.findings == []


def test_row_that_cannot_be_placed_is_an_error_and_nothing_shifts() -> None:
    lines = _lines()
    at = lines.index(next(x for x in lines if x.startswith("1.属于国家秘密") or "1.属于国家秘密" in x))
    lines.insert(at + 1, "\t".join(["9", "9", "9", "9", "9", "9", "54"]))  # an unlabeled row with no free row
    got = _read(lines)
    assert _row_of_total(got) == _expected()
    errors = [f for f in got.findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["read.row_unplaced"]
    assert "9 9 9 9 9 9 54" in errors[0].message


def test_labeled_row_that_resembles_no_row_and_has_no_room_is_an_error() -> None:
    lines = _lines()
    at = lines.index(next(x for x in lines if x.startswith("2.重复申请")))
    lines.insert(at + 1, "3.要求提供公开出版物\t" + "\t".join(["9", "9", "9", "9", "9", "9", "54"]))  # printed twice
    got = _read(lines)
    errors = [f for f in got.findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["read.row_unplaced"]
    want = _expected()
    assert {k: v for k, v in _row_of_total(got).items() if k != "not_processed_publication"} == {
        k: v for k, v in want.items() if k != "not_processed_publication"
    }
    assert "t3.not_processed_publication.total" in errors[0].cells


def test_unlabeled_rows_printed_as_one_run_are_cut_at_line_breaks() -> None:
    """A PDF extractor's markdown: rows without labels follow each other with nothing between them."""
    got = _read(_lines({"denied_admin_query": "", "unable_not_held": "", "unable_needs_creation": ""}))
    assert _row_of_total(got) == _expected()


def test_one_cell_per_line_is_still_one_row() -> None:
    lines = list(HEADER)
    for i, (key, label) in enumerate(T3_2021, 1):
        lines.append(label)
        lines.extend(_vals(i).split("\t"))
    got = _read(lines)
    assert _row_of_total(got) == _expected()
    assert got.findings == []


T2_2021 = [
    "第二十条第（一）项",
    "信息内容\t本年制发件数\t本年废纸件数\t现行有效件数",  # header typo: 废纸 for 废止
    "规章\t1\t0\t5",
    "规范性文件\t2\t1\t7",
    "第二十条第（五）项",
    "信息内容\t本年处理决定数量",
    "行政许可\t97",
    "第二十条第（六）项",
    "信息内容\t本年处理决定数量",
    "行政处罚\t3",
    "行政强制\t4",
    "第二十条第（八）项",
    "信息内容\t本年收费金额（单位：万元）",
    "行政事业性收费\t1.5",
]


def _t2(lines: list[str]) -> dict[str, object]:
    got = assign.assign_rows(_tokens(lines), assign.t2_specs("2021"), table="表二")
    return {k: c.value for k, c in got.cells.items()}, got  # type: ignore[return-value]


def test_table_2_with_a_header_typo_reads_exactly() -> None:
    cells, got = _t2(T2_2021)  # type: ignore[misc]
    assert cells == {
        "t2.regulations.issued": 1, "t2.regulations.repealed": 0, "t2.regulations.in_force": 5,
        "t2.normative_documents.issued": 2, "t2.normative_documents.repealed": 1, "t2.normative_documents.in_force": 7,
        "t2.licensing": 97, "t2.penalty": 3, "t2.compulsion": 4, "t2.admin_fees_wan_yuan": "1.5",
    }  # fmt: skip
    assert got.findings == []


def test_table_2_blocks_printed_before_the_first_table_are_read_by_their_labels() -> None:
    lines = T2_2021[4:] + T2_2021[:4]
    cells, got = _t2(lines)  # type: ignore[misc]
    assert cells["t2.regulations.in_force"] == 5 and cells["t2.normative_documents.in_force"] == 7
    assert cells["t2.licensing"] == 97 and cells["t2.admin_fees_wan_yuan"] == "1.5"
    assert [f.rule for f in got.findings] == ["read.rows_out_of_order"]
    assert got.findings[0].severity == "warning"


# --- Mutated renderings of generated reports -----------------------------------------------------------

import random  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402

from tests.corpus.generate import random_report, render_text  # noqa: E402
from xxgk.read.text import parse_text  # noqa: E402


def _mutated(label: str, rng: random.Random) -> str:
    """One printed variant of a row label: a character lost or mistyped, other numbering, or no label."""
    kind = rng.choice(("lost", "typo", "numbering", "none"))
    words = [i for i, ch in enumerate(label) if "\u4e00" <= ch <= "\u9fff"][2:]
    if kind in ("lost", "typo") and len(words) > 2:
        i = rng.choice(words)
        return label[:i] + ("" if kind == "lost" else "某") + label[i + 1 :]
    if kind == "numbering" and (m := re.match(r"^(\d)\.", label)):
        n = int(m.group(1))
        return rng.choice((f"{n}、", f"({n})", f"（{n}）", "①②③④⑤⑥⑦⑧"[n - 1])) + label[2:]
    return "" if kind == "none" else label


@pytest.mark.parametrize("layout", ["tab002", "markdown", "lines001"])
def test_mutated_labels_never_give_a_silent_wrong_cell(layout: str) -> None:
    """The values come from the generated report (the oracle); up to 8 of its printed Table 三 row
    labels are varied. Every cell must read right, or be named by an error finding."""
    silent = []
    for seed in range(12):
        rng = random.Random(seed)
        report = random_report(random.Random(seed))
        lines = render_text(report, layout, random.Random(seed), variants=False).split("\n")
        at = next(i for i, x in enumerate(lines) if "本年新收" in x)
        end = next(i for i, x in enumerate(lines) if "结转下年" in x)
        rows = [i for i in range(at + 2, end) if re.search(r"[\u4e00-\u9fff]{4}", lines[i]) and "不予公开" not in lines[i]]
        for i in rng.sample(rows, min(8, len(rows))):
            lab = re.search(r"\d\.[\u4e00-\u9fff“”、，（）]+|\([一二三四五六七]\)[\u4e00-\u9fff]+", lines[i])
            if lab:
                lines[i] = lines[i].replace(lab.group(0), _mutated(lab.group(0), rng))
        got = parse_text("\n".join(lines))
        errors = {c for f in got.check() if f.severity == "error" for c in f.cells}
        for key, cell in report.cells.items():
            if key.startswith("t3.") and got.value(key) != cell.value and key not in errors:
                silent.append((seed, key, cell.value, got.value(key)))
    assert not silent, silent[:10]


def test_labels_printed_under_their_numbers_throughout() -> None:
    """A PDF extraction that gives each row's numbers before its label (the label cell's text sits
    lower than the numbers): every row read by the label under it, with one warning, none shifted."""
    lines = list(HEADER)
    for i, (key, label) in enumerate(T3_2021, 1):
        lines.append(_vals(i))
        lines.append(label)
    got = _read(lines)
    assert _row_of_total(got) == _expected()
    assert [f.rule for f in got.findings] == ["read.labels_below"]


def test_a_table_starting_with_an_unlabeled_row_is_not_read_as_labels_below() -> None:
    got = _read(_lines({"new_received": ""}) + ["注：本表数据截至12月31日"])
    assert _row_of_total(got) == _expected()
    assert [f.rule for f in got.findings] == ["read.row_by_order"]


def test_labels_wrapped_under_their_numbers_row_after_row_without_numbering() -> None:
    """PDF text of a table with narrow label cells: each label starts above its numbers and ends
    below them, and the next label follows the tail (no numbering to cut at)."""
    lines = _lines()
    tail = [
        ("4.无正当理由大量反复申请", "4.无正当理由大", "量反复申请"),
        ("5.要求行政机关确认或重新出具已获取信息", "要求行政机关确", "认或重新出具已获取信息"),
        ("（六）其他处理\t1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "其它处理\t申请人无正当理", "由逾期不补正、行政机关不再处理其政府信息公开申请"),
        ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "申请人逾期未按", "收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ]
    for label, above, below in tail:
        at = next(i for i, x in enumerate(lines) if x.startswith(label + "\t"))
        vals = lines[at][len(label) + 1 :]
        lines[at : at + 1] = [above, vals, below]
    lines[lines.index(next(x for x in lines if x.startswith("3.其他")))] = "其它\t" + _vals(23)
    lines[lines.index(next(x for x in lines if x.startswith("（七）总计")))] = "合计\t" + _vals(24)
    got = _read(lines)
    assert _row_of_total(got) == _expected()
    assert not [f for f in got.findings if f.severity == "error"]


def test_a_single_unlabeled_row_where_three_rows_are_free_is_not_guessed() -> None:
    """（六） printed as one row whose label is lost: it could be any of the three sub-rows (or the
    2019 row): no value is put on a row by a guess, an error names the three."""
    lines = _lines(drop={"other_fee_unpaid", "other_other"}, labels={"other_no_correction": ""})
    got = _read(lines)
    assert _row_of_total(got) == _expected({"other_no_correction", "other_fee_unpaid", "other_other"})
    errors = [f for f in got.findings if f.severity == "error"]
    assert [f.rule for f in errors] == ["read.row_ambiguous"]
    assert {"t3.other_no_correction.total", "t3.other_fee_unpaid.total", "t3.other_other.total"} <= set(errors[0].cells)


def test_label_cells_of_several_rows_printed_together_then_their_numbers() -> None:
    """A PDF table extractor's markdown (real 013's shape): the label cells of the last rows come out
    together, then their rows of numbers without labels; each label goes to its row in order."""
    lines = _lines(drop={"not_processed_confirm", "other_no_correction", "other_fee_unpaid", "other_other", "results_total", "carried_forward"})
    lines += [
        "5.要求行政机关确认或重",
        "新出具已获取信息",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
        "（七）总计",
        "四、结转下年度继续办理",
    ] + [_vals(i) for i in range(20, 26)]
    got = _read(lines)
    assert _row_of_total(got) == _expected()
    assert not [f for f in got.findings if f.severity == "error"]


def test_a_number_printed_away_from_its_cell_goes_back_only_where_both_identities_put_it() -> None:
    """Real 013's shape: a PDF extractor printed 结转下年度's 2 as a lone line two rows up and left
    its cell empty. Read as printed, the row above has one number too many and the cell is blank;
    the row identity (25 + ? = 27) and the column identity (2 + 0 = 0 + ?) both demand 2."""
    lines = _lines({"new_received": "一、本年新收政府信息公开申请数量"})
    at = next(i for i, x in enumerate(lines) if x.startswith("一、本年新收"))
    lines[at] = "一、本年新收政府信息公开申请数量\t1\t2\t0\t0\t0\t0\t3"
    at = next(i for i, x in enumerate(lines) if x.startswith("2.申请人逾期"))
    label, vals = lines[at].split("\t", 1)
    lines[at : at + 1] = [label, "2", vals]  # the stray number, then the row's own numbers
    at = next(i for i, x in enumerate(lines) if x.startswith("四、结转"))
    lines[at] = "四、结转下年度继续办理\t25\t\t0\t0\t0\t0\t27"
    got = _read(lines)
    assert got.cells["t3.carried_forward.commercial_enterprise"].value == 2
    assert got.cells["t3.other_fee_unpaid.total"].value == 22 and got.cells["t3.other_fee_unpaid.natural_person"].value == 22
    moved = [f for f in got.findings if f.rule == "read.cell_displaced"]
    assert len(moved) == 1 and moved[0].severity == "warning" and moved[0].cells == ["t3.carried_forward.commercial_enterprise"]


def test_a_stray_number_that_no_blank_cell_demands_stays_out() -> None:
    lines = _lines()
    at = next(i for i, x in enumerate(lines) if x.startswith("2.申请人逾期"))
    label, vals = lines[at].split("\t", 1)
    lines[at : at + 1] = [label, "2", vals]
    at = next(i for i, x in enumerate(lines) if x.startswith("四、结转"))
    lines[at] = "四、结转下年度继续办理\t25\t\t0\t0\t0\t0\t27"  # the column identity demands 0 here, not 2
    got = _read(lines)
    assert got.cells["t3.carried_forward.commercial_enterprise"].value is None
    assert "read.cell_displaced" not in _rules(got)


def test_row_label_memo_is_bounded_and_changes_no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """`assign._greedy` remembers each (label, current row) answer per table format; a reading made
    with an empty memo, with a full one, and with one cleared at every other answer is the same
    (positions as `_expected` counts them), and the memo never holds more than its bound."""
    _ev, memo = assign._for_specs(assign.t3_specs("2021"))
    memo.clear()
    first = _read(_lines())
    assert _row_of_total(first) == _expected() and len(memo) >= len(T3_2021) - 1
    assert _row_of_total(_read(_lines())) == _expected()  # every answer from the memo
    monkeypatch.setattr(assign, "MAX_ROW_MEMO", 2)
    memo.clear()
    got = _read(_lines())
    assert _row_of_total(got) == _expected() and got.findings == first.findings
    assert len(memo) <= 2
    assert assign._for_specs(assign.t3_specs("2021"))[1] is memo  # the same tuple: the same memo
