"""Masking of applicants' personal data (条例 Art. 15; PIPL): every list, board, export and audit
detail shows these instead of the values; only the application's own page shows them in full.

The rules keep just enough for a clerk to recognise a record they already know (the surname, the
issuing region of an ID, the last digits of a phone) and never enough to identify a stranger.
A value too short to keep a prefix and a suffix is masked entirely, so masking never shows more
of a short value than of a long one. Every function takes "" (or None) to "".
"""

from __future__ import annotations

STAR = "*"


def _stars(n: int) -> str:
    return STAR * max(n, 0)


def mask_name(name: str | None) -> str:
    """First character kept, every other character starred: '张三' → '张*', '欧阳娜娜' → '欧***',
    'John Smith' → 'J*********'. A one-character name is starred entirely."""
    name = (name or "").strip()
    if len(name) <= 1:
        return _stars(len(name))
    return name[0] + _stars(len(name) - 1)


def _keep_ends(value: str | None, head: int, tail: int) -> str:
    value = (value or "").strip()
    if len(value) < head + tail + 1:
        return _stars(len(value))
    return value[:head] + _stars(len(value) - head - tail) + value[-tail:]


def mask_id(number: str | None) -> str:
    """'110101199001011234' → '110***********1234' (first 3, last 4 kept); 7 characters or fewer → all stars."""
    return _keep_ends(number, 3, 4)


def mask_phone(phone: str | None) -> str:
    """'13812345678' → '138****5678' (first 3, last 4 kept); 7 characters or fewer → all stars."""
    return _keep_ends(phone, 3, 4)


def mask_address(address: str | None) -> str:
    """First 6 characters + '***' ('北京市东城区景山前街4号' → '北京市东城区***'); an address of 6
    characters or fewer keeps only its first half."""
    address = (address or "").strip()
    if not address:
        return ""
    keep = 6 if len(address) > 6 else len(address) // 2
    return address[:keep] + "***"


def mask_email(email: str | None) -> str:
    """'abc@x.com' → 'a***@x.com': the first character of the local part and the domain; without
    an '@' the value is treated as a name ('abc' → 'a***')."""
    email = (email or "").strip()
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    if not at:
        return email[0] + "***"
    return (local[:1] + "***" if local else "***") + "@" + domain


def masked(app: object) -> dict[str, str]:
    """The five personal fields of an application, masked, keyed by their model field names."""
    return {
        "applicant_name": mask_name(getattr(app, "applicant_name", "")),
        "id_number": mask_id(getattr(app, "id_number", "")),
        "phone": mask_phone(getattr(app, "phone", "")),
        "address": mask_address(getattr(app, "address", "")),
        "email": mask_email(getattr(app, "email", "")),
    }
