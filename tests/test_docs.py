"""The README documents every finding rule the code can emit (examples.md habit 11)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "xxgk"
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")

_RULE = re.compile(r'Finding\(\s*"([a-z0-9_]+\.[a-z0-9_.]+)"')


def emitted_rules() -> set[str]:
    rules: set[str] = set()
    for path in SRC.rglob("*.py"):
        rules.update(_RULE.findall(path.read_text(encoding="utf-8")))
    for path in SRC.rglob("*.py"):  # rule ids passed to a helper that builds the Finding
        rules.update(re.findall(r'report, "([a-z0-9_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    return rules


def test_rules_are_found() -> None:
    rules = emitted_rules()
    assert {"t3.column_identity", "t3.row_sum", "t4.block_sum", "read.ambiguous_cells"} <= rules


def test_every_rule_is_documented() -> None:
    missing = sorted(r for r in emitted_rules() if f"`{r}`" not in README)
    assert missing == []
