"""The interface's Chinese: `.po` fragments → the `django.mo` Django reads.

Messages are written in English in code and templates (`{% translate "Coverage" %}`, `gettext`),
translated in `locale/zh_Hans/LC_MESSAGES/parts/*.po`, one fragment per part of the app so that
parts are translated side by side without touching one file. This module joins the fragments and
writes `django.mo` (GNU gettext's format, which Python's `gettext` reads), without needing GNU
gettext installed:

    python -m xxgk.web.i18n            # rebuild django.mo
    python -m xxgk.web.i18n --check    # exit 1 when django.mo is not what the fragments give

`tests/web/test_i18n.py` fails when a template's message has no translation or `django.mo` is stale.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PARTS = LOCALE / "parts"
MO = LOCALE / "django.mo"

HEADER = "Content-Type: text/plain; charset=UTF-8\nLanguage: zh_Hans\nPlural-Forms: nplurals=1; plural=0;\n"


class PoError(ValueError):
    pass


def parse_po(text: str, name: str = "<po>") -> dict[str, str]:
    """msgid → msgstr of a .po text (msgctxt as `ctx\\x04id`, plurals as the joined forms)."""
    out: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    field: str | None = None

    def flush() -> None:
        nonlocal entry
        if "msgid" in entry:
            mid = "".join(entry["msgid"])
            if "msgid_plural" in entry:
                mid += "\0" + "".join(entry["msgid_plural"])
                strs = [("".join(v)) for k, v in sorted(entry.items()) if k.startswith("msgstr[")]
                value = "\0".join(strs)
            else:
                value = "".join(entry.get("msgstr", []))
            if "msgctxt" in entry:
                mid = "".join(entry["msgctxt"]) + "\x04" + mid
            if mid and value:
                if mid in out and out[mid] != value:
                    raise PoError(f"{name}: {mid!r} translated twice, differently")
                out[mid] = value
        entry = {}

    for no, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            if not line:
                flush()
                field = None
            continue
        if line.startswith('"'):
            if field is None:
                raise PoError(f"{name}:{no}: continuation without a field")
            entry[field].append(_string(line, name, no))
            continue
        key, _, rest = line.partition(" ")
        if key in ("msgid", "msgctxt") and "msgid" in entry and ("msgstr" in entry or any(k.startswith("msgstr[") for k in entry)):
            flush()
        if key not in ("msgid", "msgstr", "msgctxt", "msgid_plural") and not key.startswith("msgstr["):
            raise PoError(f"{name}:{no}: unknown field {key!r}")
        field = key
        entry[field] = [_string(rest.strip(), name, no)]
    flush()
    return out


def _string(token: str, name: str, no: int) -> str:
    try:
        value = ast.literal_eval(token)
    except (SyntaxError, ValueError):
        raise PoError(f"{name}:{no}: not a quoted string: {token[:40]}") from None
    if not isinstance(value, str):
        raise PoError(f"{name}:{no}: not a string")
    return value


def catalogue() -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted(PARTS.glob("*.po")):
        for k, v in parse_po(path.read_text(encoding="utf-8"), path.name).items():
            if k in out and out[k] != v:
                raise PoError(f"{path.name}: {k!r} is translated differently in another fragment")
            out[k] = v
    return out


def mo_bytes(messages: dict[str, str]) -> bytes:
    """GNU .mo: header, sorted original and translation tables, then the strings (no hash table)."""
    items = sorted({"": HEADER, **messages}.items())
    ids = [k.encode("utf-8") for k, _ in items]
    strs = [v.encode("utf-8") for _, v in items]
    n = len(items)
    start = 7 * 4 + 16 * n
    offsets: list[tuple[int, int]] = []
    blob = b""
    for s in ids + strs:
        offsets.append((len(s), start + len(blob)))
        blob += s + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    table = b"".join(struct.pack("<2I", *o) for o in offsets)
    return head + table + blob


def build() -> bytes:
    return mo_bytes(catalogue())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    data = build()
    if "--check" in args:
        current = MO.read_bytes() if MO.exists() else b""
        if current != data:
            print(f"{MO} is stale: run python -m xxgk.web.i18n", file=sys.stderr)
            return 1
        return 0
    MO.write_bytes(data)
    print(f"wrote {MO} ({len(catalogue())} messages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
