"""Failure rates of the readers on catalogue-labelled text, per layout and per label family.

    PYTHONPATH=src python -m tests.corpus.measure_printed [--n 20]

Prints one Markdown table: for each layout (official labels), each label family (tab-separated
rows) and each layout with all families mixed ('any'), the documents read exactly and the share of
cells right, undecided with an error finding (allowed where the document cannot decide), flagged
although their own row decides them, and wrong with no error finding; and how many documents gave
the printed agency and year (not part of "exact"). Use it to decide which
NOT_YET_* entries of tests/corpus/test_printed.py to remove; the test file uses the same corpora
(seed 1000).
"""

from __future__ import annotations

import argparse
from collections import Counter

import xxgk

from .generate import printed_corpus
from .oracle import score
from .printed import LABEL_FAMILIES, REAL_LAYOUTS


def measure(layout: str, family: str, n: int) -> dict[str, float | int]:
    """Counts and shares over `n` documents of `printed_corpus(n, 1000, layout, family)`."""
    tot: Counter[str] = Counter()
    exact = refused = agency = year = 0
    fmt = "2019" if family == "units" else "mixed"
    for i, doc in enumerate(printed_corpus(n, seed=1000, layout=layout, family=family, fmt=fmt)):
        try:
            got = xxgk.parse(doc.text.encode("utf-8"), name=f"{layout}-{family}-{i}")
        except xxgk.InputError:
            refused += 1
            continue
        s = score(doc, got)
        exact += s.exact
        agency += s.agency_ok
        year += s.year_ok
        tot.update(right=s.right, flagged=s.flagged, flagged_decidable=s.wrong_flagged_decidable, silent=s.wrong_silent)
    cells = sum(tot.values()) or 1
    return {"docs": n, "exact": exact, "refused": refused, "agency": agency, "year": year,
            **{k: v / cells for k, v in tot.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.corpus.measure_printed", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20, help="documents per case (default 20)")
    args = ap.parse_args(argv)
    cases = [(lay, "official") for lay in REAL_LAYOUTS] + [("tsv", f) for f in LABEL_FAMILIES if f != "official"]
    cases += [(lay, "any") for lay in REAL_LAYOUTS if lay != "tsv"]
    print("| layout | labels | docs exact | cells right | undecided, error (ok) | decidable, error | wrong, no error "
          "| refused | agency right | year right |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for layout, family in cases:
        m = measure(layout, family, args.n)
        print(f"| {layout} | {family} | {m['exact']}/{m['docs']} | {m.get('right', 0):.1%} | {m.get('flagged', 0):.1%} "
              f"| {m.get('flagged_decidable', 0):.1%} | {m.get('silent', 0):.1%} | {m['refused']} | {m['agency']} | {m['year']} |",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
