"""HTML renderer of generated reports: a report as a government web page, in several table styles.

    from tests.corpus.html import render_html, STYLES
    page = render_html(report, rng, style="official")

Every style prints the title "{agency}{year}年政府信息公开工作年度报告" (sometimes the agency on its own
line above "{year}年…" in official/flat), the preface with "所列数据统计期限为…", the six section
headings (as <h2>/<h3> or <p><strong>) and each section paragraph verbatim (HTML-escaped), one <p> per
paragraph or several paragraphs in one <p> separated by <br>. Numbers are the text layouts' number
variants (`tests.corpus.layouts.Ctx`): thousands separators, units, full-width digits.

Styles:

- ``official``: the 30号 tables with their merged cells. Table 二: caption rows colspan=4, single-value
  blocks colspan=3. Table 三: the identity note rowspan=3 colspan=3, 申请人情况 colspan=7, 自然人/总计
  rowspan=2, 法人或其他组织 colspan=5; 一/二/四 labels colspan=3; 三、本年度办理结果 rowspan=22 (20 in
  2019); （三）…（六） rowspan over their rows; （一）（二）（七） colspan=2. Table 四: 行政复议 rowspan=2
  colspan=5, 行政诉讼 colspan=10, 未经复议直接起诉/复议后起诉 colspan=5, then the 15 headers and one row
  of 15 values.
- ``flat``: every grid position its own <td>, no spans; covered positions repeat the label or are
  empty (chosen per document); value cells never repeat.
- ``split``: ``official`` with Table 三 cut into two <table>s at a random data row (a page break):
  merged cells crossing the cut continue in the second table (an empty or repeated cell), the header
  is repeated or not, and a page number "- N -" or "续表" may sit between the parts.
- ``portal``: the report inside a full portal page (header, <nav>, breadcrumb, sidebars with links to
  other reports, <script>, <style>, footer with a telephone number, sometimes a layout table around
  the article and an unrelated table before it); tables ``official`` or ``flat``-with-blanks; blank
  cells as ``&nbsp;``; numbers inside <span>/<p>/<font>; characters written as entities.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from xxgk.report import Report
from xxgk.report import keys as K

from .layouts import _T4_HEAD, IDENTITY_NOTE, Ctx, _t2_blocks, _t3_rows, _t4_keys

__all__ = ["STYLES", "render_html"]

STYLES: tuple[str, ...] = ("official", "flat", "split", "portal")

_ENTITY = {"“": "&ldquo;", "”": "&rdquo;", "（": "&#65288;", "）": "&#xFF09;", "、": "&#12289;", "：": "&#xff1a;"}


@dataclass
class _C:
    html: str  # cell content, already HTML
    rs: int = 1
    cs: int = 1


class _Doc:
    def __init__(self, report: Report, rng: random.Random, style: str, variants: bool):
        self.ctx = Ctx(report, rng, variants, "html")
        self.rng = rng
        self.style = style
        self.portal = style == "portal"
        self.repeat = rng.random() < 0.5  # flat: covered positions repeat the label
        self.entities = self.portal and rng.random() < 0.7
        self.blank = "&nbsp;" if self.portal else ""

    # -- text ------------------------------------------------------------------------------------

    def esc(self, text: str) -> str:
        s = html.escape(text, quote=False)
        if self.entities:
            s = "".join(_ENTITY[ch] if ch in _ENTITY and self.rng.random() < 0.5 else ch for ch in s)
        return s

    def num(self, key: str) -> str:
        s = html.escape(self.ctx.num(key), quote=False)
        if self.portal:
            s = self.rng.choice((s, f"<span>{s}</span>", f"<p>{s}</p>", f'<span style="font-size:14px"><font face="宋体">{s}</font></span>', f"&nbsp;{s}&nbsp;"))
        return s

    def nums(self, keys: list[str]) -> list[_C]:
        return [_C(self.num(k)) for k in keys]

    def lab(self, text: str) -> str:
        return self.esc(self.ctx.lab(text))

    def heading(self, text: str, level: int = 2) -> str:
        t = self.esc(text)
        form = self.rng.randrange(4)
        if form == 0:
            return f"<h{level}>{t}</h{level}>"
        if form == 1:
            return f"<p><strong>{t}</strong></p>"
        if form == 2:
            return f'<p style="text-indent:2em"><b><span style="font-family:黑体">{t}</span></b></p>'
        return f'<div class="subtitle">{t}</div>'

    def paras(self, key: str) -> str:
        raw = self.ctx.paras(key)
        if not raw:
            return ""
        if self.rng.random() < 0.2:
            return "<p>" + "<br/>\n".join(self.esc(p) for p in raw) + "</p>"
        out = []
        for p in raw:
            indent = self.rng.choice(("", "&nbsp;&nbsp;&nbsp;&nbsp;", "\u3000\u3000"))
            if self.portal and len(p) > 20 and self.rng.random() < 0.3:
                # Word-export noise: a paragraph in several spans, cut anywhere.
                cut = self.rng.randrange(1, len(p) - 1)
                body = f'<span style="font-family:仿宋">{self.esc(p[:cut])}</span><span>{self.esc(p[cut:])}</span>'
            else:
                body = self.esc(p)
            out.append(f'<p style="text-indent:2em">{indent}{body}</p>')
        return "\n".join(out)

    # -- tables ----------------------------------------------------------------------------------

    def table(self, rows: list[list[_C]]) -> str:
        attrs = self.rng.choice(('border="1" cellspacing="0" cellpadding="0"', 'class="MsoNormalTable" width="100%"', ""))
        out = [f"<table {attrs}>".replace(" >", ">"), "<tbody>" if self.rng.random() < 0.5 else ""]
        for row in rows:
            tds = []
            for c in row:
                span = (f' rowspan="{c.rs}"' if c.rs > 1 else "") + (f' colspan="{c.cs}"' if c.cs > 1 else "")
                tds.append(f"<td{span}>{c.html if c.html else self.blank}</td>")
            out.append("<tr>" + "".join(tds) + "</tr>")
        out.append("</tbody>" if out[1] else "")
        out.append("</table>")
        return "\n".join(x for x in out if x)

    def flat(self) -> bool:
        return self.style == "flat" or (self.portal and self.rng.random() < 0.3)

    def fill(self, text: str, n: int) -> list[_C]:
        """`text` then n-1 covered positions (repeated or blank)."""
        return [_C(text)] + [_C(text if self.repeat else "") for _ in range(n - 1)]

    def t2(self) -> list[list[_C]]:
        flat = self.flat()
        rows: list[list[_C]] = []
        for block in _t2_blocks(self.ctx.fmt):
            rows.append(self.fill(self.esc(block.caption), 4) if flat else [_C(self.esc(block.caption), cs=4)])
            head = [_C("信息内容"), *(_C(self.esc(h)) for h in block.header)]
            if flat:
                head += [_C(head[-1].html if self.repeat else "") for _ in range(4 - len(head))]
            else:
                head[-1].cs = 5 - len(head)
            rows.append(head)
            for label, keys in block.rows:
                vals = self.nums(keys)
                if flat:
                    vals += [_C("") for _ in range(3 - len(vals))]
                else:
                    vals[-1].cs = 4 - len(vals)
                rows.append([_C(self.lab(label)), *vals])
        return rows

    def t3_header(self, flat: bool) -> list[list[_C]]:
        note = self.esc(IDENTITY_NOTE)
        orgs = [_C(self.esc(K.T3_COLUMN_LABELS[c])) for c in K.T3_APPLICANT_COLUMNS[1:]]
        if not flat:
            return [
                [_C(note, rs=3, cs=3), _C("申请人情况", cs=7)],
                [_C("自然人", rs=2), _C("法人或其他组织", cs=5), _C("总计", rs=2)],
                orgs,
            ]
        r = self.repeat
        cover = lambda t: _C(t if r else "")  # noqa: E731
        return [
            [_C(note), cover(note), cover(note), *self.fill("申请人情况", 7)],
            [cover(note), cover(note), cover(note), _C("自然人"), *self.fill("法人或其他组织", 5), _C("总计")],
            [cover(note), cover(note), cover(note), cover("自然人"), *orgs, cover("总计")],
        ]

    def t3_body(self, flat: bool) -> list[list[_C]]:
        rows = _t3_rows(self.ctx.fmt)
        n_three = sum(1 for r in rows if r.in_three)
        sub_len: dict[str, int] = {}
        current = None
        for r in rows:
            if r.sub:
                current = r.key
                sub_len[current] = 0
            if r.in_sub and current:
                sub_len[current] += 1
            elif not r.in_sub:
                current = None
        out: list[list[_C]] = []
        group = self.esc("三、本年度办理结果")
        sub_text = ""
        for r in rows:
            label = self.lab(r.label)
            vals = self.nums(r.keys)
            if r.sub:
                sub_text = self.lab(r.sub)
            if flat:
                first_three = r.key == "granted"
                g = _C(group if (first_three or self.repeat) else "")
                if not r.in_three:
                    cells = self.fill(label, 3)
                elif r.in_sub:
                    cells = [g, _C(sub_text if (r.sub or self.repeat) else ""), _C(label)]
                else:
                    cells = [g, *self.fill(label, 2)]
            else:
                if not r.in_three:
                    cells = [_C(label, cs=3)]
                else:
                    cells = [_C(group, rs=n_three)] if r.key == "granted" else []
                    if r.sub:
                        cells.append(_C(sub_text, rs=sub_len[r.key]))
                    cells.append(_C(label) if r.in_sub else _C(label, cs=2))
            out.append(cells + vals)
        return out

    def t4(self) -> list[list[_C]]:
        head = [_C(self.esc(h)) for h in _T4_HEAD]
        vals = self.nums(list(_t4_keys()))
        if self.flat():
            r = self.repeat
            return [
                [*self.fill("行政复议", 5), *self.fill("行政诉讼", 10)],
                [*[_C("行政复议" if r else "") for _ in range(5)], *self.fill("未经复议直接起诉", 5), *self.fill("复议后起诉", 5)],
                head * 3,
                vals,
            ]
        return [
            [_C("行政复议", rs=2, cs=5), _C("行政诉讼", cs=10)],
            [_C("未经复议直接起诉", cs=5), _C("复议后起诉", cs=5)],
            [_C(h.html) for h in head * 3],
            vals,
        ]

    def t3_tables(self) -> str:
        flat = self.flat()
        header, body = self.t3_header(flat), self.t3_body(flat)
        if self.style != "split":
            return self.table(header + body)
        k = self.rng.randrange(1, len(body))
        first, second = body[:k], [list(r) for r in body[k:]]
        # Merged cells crossing the cut: truncated in part 1, continued by a cell at the top of part 2.
        grid_cols: list[list[int]] = []
        occ: dict[int, set[int]] = {}
        for i, row in enumerate(body):
            taken = occ.pop(i, set())
            c, cols = 0, []
            for cell in row:
                while c in taken:
                    c += 1
                cols.append(c)
                for dr in range(1, cell.rs):
                    occ.setdefault(i + dr, set()).update(range(c, c + cell.cs))
                c += cell.cs
            grid_cols.append(cols)
        cont: list[tuple[int, _C]] = []
        first = [list(r) for r in first]
        for i, row in enumerate(first):
            for j, cell in enumerate(row):
                if i + cell.rs > k:
                    left = i + cell.rs - k
                    row[j] = _C(cell.html, rs=k - i, cs=cell.cs)
                    cont.append((grid_cols[i][j], _C(cell.html if self.rng.random() < 0.5 else "", rs=left, cs=cell.cs)))
        top = sorted(cont, key=lambda x: x[0])
        second[0] = [c for _, c in top] + second[0]
        between = self.rng.choice(("", f"<p>- {self.rng.randint(2, 9)} -</p>", "<p>续表</p>", "<p>&nbsp;</p>"))
        part2 = (header if self.rng.random() < 0.5 else []) + second
        return self.table(header + first) + "\n" + between + "\n" + self.table(part2)

    # -- document ---------------------------------------------------------------------------------

    def article(self) -> str:
        ctx = self.ctx
        title_text = f"{ctx.agency}{ctx.year}年政府信息公开工作年度报告"
        if not self.portal and self.rng.random() < 0.3:
            title = f'<p align="center"><strong>{self.esc(ctx.agency)}</strong></p>\n<p align="center"><strong>{ctx.year}年政府信息公开工作年度报告</strong></p>'
        else:
            title = self.rng.choice((f"<h1>{self.esc(title_text)}</h1>", f'<p align="center"><strong>{self.esc(title_text)}</strong></p>'))
        body = [f'<p style="text-indent:2em">{self.esc(ctx.preface())}</p>']
        for key in K.SECTION_KEYS:
            body.append(self.heading(ctx.title(key)))
            body.append(self.paras(key))
            if key == "proactive":
                body.append(self.table(self.t2()))
            elif key == "applications":
                body.append(self.t3_tables())
            elif key == "appeals":
                body.append(self.table(self.t4()))
        content = "\n".join(x for x in body if x)
        if not self.portal:
            return f"{title}\n{content}"
        info = f'<div class="info">发布日期：{ctx.year + 1}-01-{self.rng.randint(10, 31)}&nbsp;&nbsp;来源：{self.esc(ctx.agency)}&nbsp;&nbsp;【字体：大 中 小】</div>'
        return f'<div class="article">\n<div class="article-title">{title}</div>\n{info}\n<div id="zoom" class="TRS_Editor">\n{content}\n</div>\n</div>'

    def page(self) -> str:
        ctx = self.ctx
        head = f'<head><meta charset="utf-8"><title>{self.esc(ctx.agency)}{ctx.year}年政府信息公开工作年度报告</title>'
        if not self.portal:
            return f"<!DOCTYPE html>\n<html>\n{head}</head>\n<body>\n{self.article()}\n</body>\n</html>\n"
        y = ctx.year
        links = "".join(f'<li><a href="/xxgk/{yy}.html">{self.esc(ctx.agency)}{yy}年政府信息公开工作年度报告</a></li>' for yy in (y - 1, y - 2))
        chrome_table = '<table class="topbar"><tr><td>今天是：星期一</td><td><a href="/">无障碍</a></td></tr></table>' if self.rng.random() < 0.5 else ""
        header_tag = self.rng.choice(("header", "div"))
        nav = self.rng.choice(("nav", "div"))
        article = self.article()
        if self.rng.random() < 0.4:
            article = f'<table width="100%"><tr><td class="content-cell">\n{article}\n</td></tr></table>'
        left = f'<div class="left-sidebar"><h3>政府信息公开年报</h3><ul>{links}</ul></div>' if self.rng.random() < 0.5 else ""
        right = f'<aside class="right"><h3>相关报告</h3><ul>{links}</ul><div class="hot">{y}年政府信息公开工作年度报告专栏</div></aside>'
        return (
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
            f'<html xmlns="http://www.w3.org/1999/xhtml">\n{head}\n'
            "<style>table td{border:1px solid #000} .nav li{float:left}</style>\n"
            "<script>var s='<table><tr><td>年度报告 勾稽 本年新收 1 2 3</td></tr></table>'; if (a < b && c > d) {}</script>\n"
            "</head>\n<body>\n<!-- 页头 一、总体情况 -->\n"
            f'<{header_tag} class="header"><div class="logo">{self.esc(ctx.agency)}门户网站</div>{chrome_table}</{header_tag}>\n'
            f'<{nav} class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xxgk/">政务公开</a></li><li><a href="/hd/">互动交流</a></li></ul></{nav}>\n'
            f'<div class="main-wrap" id="main">\n<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; 年度报告</div>\n'
            f"{left}\n{article}\n{right}\n</div>\n"
            f'<footer class="footer">主办单位：{self.esc(ctx.agency)}&nbsp;联系电话：0818-1234567&nbsp;网站标识码：5117000001</footer>\n'
            "<script>document.write('<p>三、收到和处理政府信息公开申请情况</p>');</script>\n"
            "</body>\n</html>\n"
        )


def render_html(report: Report, rng: random.Random, *, style: str, variants: bool = True) -> str:
    """`report` as an HTML page in `style` (one of STYLES); see the module docstring."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    return _Doc(report, rng, style, variants).page()
