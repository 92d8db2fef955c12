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


def test_unknown_format_is_named() -> None:
    with pytest.raises(ValueError, match="odp"):
        xxgk.render(random_report(random.Random(1)), "odp")
