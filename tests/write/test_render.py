"""xxgk.render: one entry point for every writer; it refuses a report whose identities fail."""

from __future__ import annotations

import random

import pytest

import xxgk
from tests.corpus.generate import random_report
from tests.write import roundtrip as rt
from xxgk.write import FORMATS


def _broken() -> xxgk.Report:
    return rt.broken_report(7, "t3.results_total.total")


@pytest.mark.parametrize("fmt", FORMATS)
def test_refuses_a_report_whose_identities_fail(fmt: str) -> None:
    with pytest.raises(xxgk.ValidationFailed) as e:
        xxgk.render(_broken(), fmt)
    assert any("t3" in f.rule for f in e.value.findings)


@pytest.mark.parametrize("to", ["odp", "DOCX", "", None, ".md"])
def test_unknown_format_is_an_xxgk_error_naming_it(to: object) -> None:
    """An XxgkError (issue 13: it was a bare ValueError, exit 3 material), still a ValueError for
    callers that caught that, raised before the identities are checked."""
    for report in (random_report(random.Random(1)), _broken()):
        with pytest.raises(xxgk.UnknownFormat, match=r"unknown output format .*expected one of docx, html, pdf, xlsx, md") as e:
            xxgk.render(report, to)  # type: ignore[arg-type]
        assert isinstance(e.value, xxgk.RenderError) and isinstance(e.value, ValueError)
        assert repr(to) in str(e.value) and "\n" not in str(e.value)
