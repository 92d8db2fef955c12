"""Masking of applicants' personal data: literal expectations, including short, empty and
non-Chinese values (a short value is never shown more than a long one)."""

from __future__ import annotations

import pytest

from xxgk.web.office.masking import mask_address, mask_email, mask_id, mask_name, mask_phone, masked


@pytest.mark.parametrize("value,expected", [
    ("张三", "张*"), ("欧阳娜娜", "欧***"), ("张", "*"), ("", ""), (None, ""), ("  李四 ", "李*"),
    ("John Smith", "J*********"), ("Li", "L*"), ("某某科技有限公司", "某*******"),
])
def test_mask_name(value: str | None, expected: str) -> None:
    assert mask_name(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("110101199001011234", "110***********1234"), ("11010119900101123X", "110***********123X"),
    ("E12345678", "E12**5678"), ("12345678", "123*5678"), ("1234567", "*******"), ("A1", "**"), ("", ""),
])
def test_mask_id(value: str, expected: str) -> None:
    assert mask_id(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("13812345678", "138****5678"), ("010-12345678", "010*****5678"), ("+8613812345678", "+86*******5678"),
    ("12345", "*****"), ("", ""), (None, ""),
])
def test_mask_phone(value: str | None, expected: str) -> None:
    assert mask_phone(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("北京市东城区景山前街4号", "北京市东城区***"), ("丙县教育局", "丙县***"), ("北京市东城区", "北京市***"),
    ("1 Main Street, Springfield", "1 Main***"), ("", ""),
])
def test_mask_address(value: str, expected: str) -> None:
    assert mask_address(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("abc@x.com", "a***@x.com"), ("a@x.com", "a***@x.com"), ("张三@例子.中国", "张***@例子.中国"),
    ("@x.com", "***@x.com"), ("noatsign", "n***"), ("", ""),
])
def test_mask_email(value: str, expected: str) -> None:
    assert mask_email(value) == expected


def test_masked_record() -> None:
    class App:
        applicant_name, id_number, phone = "王五", "110101199001011234", "13812345678"
        address, email = "北京市东城区景山前街4号", "wangwu@example.cn"

    assert masked(App()) == {"applicant_name": "王*", "id_number": "110***********1234", "phone": "138****5678",
                             "address": "北京市东城区***", "email": "w***@example.cn"}
