"""PDF renderer of generated reports: the HTML renderer's page printed by headless Chromium.

    from tests.corpus.pdf import render_pdf, chromium, STYLES
    data = render_pdf(report, rng, style="official")

A born-digital PDF with a real text layer, table rules drawn by the browser, CJK from the system's
Noto CJK fonts. Styles are the HTML styles (`tests.corpus.html.STYLES`); on top of the page, print CSS
chosen by `rng`: A4, font size 9–11pt, borders on every cell, and for some documents a forced page
break before a random row of Table 三 (`page-break-before: always`) with the table header repeated on
the new page (`thead { display: table-header-group }`). Chromium takes ~1 s per document; nothing is
cached.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import tempfile

from xxgk.report import Report

from .html import STYLES, render_html

__all__ = ["STYLES", "chromium", "render_pdf", "html_to_pdf"]


def chromium() -> str | None:
    """The headless browser's path, or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def html_to_pdf(page: str, *, timeout: float = 60) -> bytes:
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (make sysdeps)")
    with tempfile.TemporaryDirectory(prefix="xxgk-pdf-") as tmp:
        src, out = os.path.join(tmp, "in.html"), os.path.join(tmp, "out.pdf")
        with open(src, "w", encoding="utf-8") as f:
            f.write(page)
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--print-to-pdf={out}",
            "--no-pdf-header-footer", f"file://{src}",
        ]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
        if not os.path.exists(out):
            raise RuntimeError(f"chromium produced no PDF (exit {proc.returncode}): {proc.stderr[-500:]!r}")
        with open(out, "rb") as f:
            return f.read()


def _print_css(rng: random.Random) -> str:
    size = rng.choice((9, 10, 10.5, 11))
    return (
        "<style>@page { size: A4; margin: 2cm 1.8cm; }\n"
        f"body {{ font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: {size}pt; }}\n"
        "table { border-collapse: collapse; width: 100%; }\n"
        "td, th { border: 0.75pt solid #000; padding: 2pt 3pt; }\n"
        "thead { display: table-header-group; }\n"
        "tr { page-break-inside: avoid; }\n"
        "</style>\n"
    )


def _break_in_t3(page: str, rng: random.Random) -> str:
    """Force a page break before a random data row of Table 三 (the first table after 本年新收)."""
    start = page.find("本年新收")
    if start < 0:
        return page
    t_end = page.find("</table>", start)
    rows = [m.start() for m in re.finditer(r"<tr>", page[start:t_end])]
    if len(rows) < 3:
        return page
    at = start + rng.choice(rows[1:])
    return page[:at] + '<tr style="page-break-before: always; break-before: page">' + page[at + 4 :]


def render_pdf(report: Report, rng: random.Random, *, style: str, variants: bool = True, page_break: bool | None = None) -> bytes:
    """`report` printed to PDF from its `style` HTML page; see the module docstring."""
    page = render_html(report, rng, style=style, variants=variants)
    if page_break is None:
        page_break = rng.random() < 0.5
    if page_break:
        page = _break_in_t3(page, rng)
    page = page.replace("</head>", _print_css(rng) + "</head>", 1)
    return html_to_pdf(page)
