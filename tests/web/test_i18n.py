"""Every message of the interface has its Chinese, and django.mo is what the .po fragments give."""

from __future__ import annotations

import re
from pathlib import Path

from xxgk.web import i18n

WEB = Path(i18n.__file__).resolve().parent
_TAG = re.compile(r"""\{%\s*(?:trans|translate)\s+(["'])(.+?)\1""")
_BLOCK = re.compile(r"\{%\s*blocktrans(?:late)?\b[^%]*%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S)
_VAR = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_PY = re.compile(r"""\b(?:_|gettext|gettext_lazy|pgettext)\(\s*(["'])(.+?)\1\s*[,)]""")


def _messages() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in WEB.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= {(path.name, m.group(2)) for m in _TAG.finditer(text)}
        found |= {(path.name, _VAR.sub(r"%(\1)s", m.group(1)).strip()) for m in _BLOCK.finditer(text)}
    for path in WEB.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= {(path.name, m.group(2)) for m in _PY.finditer(text)}
    return found


def test_every_message_is_translated() -> None:
    catalogue = i18n.catalogue()
    missing = sorted(f"{where}: {msg}" for where, msg in _messages() if msg not in catalogue)
    assert not missing, "no Chinese for:\n" + "\n".join(missing)


def test_mo_is_current() -> None:
    assert i18n.main(["--check"]) == 0, "run: python -m xxgk.web.i18n"


def test_po_parser() -> None:
    text = 'msgid "A"\nmsgstr "甲"\n\nmsgid ""\n"long "\n"one"\nmsgstr "长"\n"的"\n\n#, fuzzy\nmsgid "B"\nmsgstr ""\n'
    assert i18n.parse_po(text) == {"A": "甲", "long one": "长的"}
