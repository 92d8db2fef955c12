"""The office frame: who gets in, what they see in the menu, where home sends them."""

from __future__ import annotations

from typing import Any


def test_office_home_for_office_roles_only(staff: dict[str, Any], users: dict[str, Any], login: Any, client: Any) -> None:
    assert client.get("/office/").status_code == 302  # anonymous → login
    for name in ("clerk_a", "reviewer_a", "head_a", "admin_a"):
        r = login(staff[name]).get("/office/")
        assert r.status_code == 200, name
        assert "丙县教育局" in r.content.decode()
    # A supervisor (no office role) and a whole-store administrator (no agency) have no office.
    assert login(users["sup_a"]).get("/office/").status_code == 403
    assert login(users["admin"]).get("/office/").status_code == 403


def test_home_sends_office_staff_to_their_office(staff: dict[str, Any], login: Any) -> None:
    r = login(staff["clerk_a"]).get("/")
    assert r.status_code == 302 and r["Location"] == "/office/"


def test_office_menu_replaces_supervision_menu(staff: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    page = login(staff["clerk_a"]).get("/office/").content.decode()
    assert 'href="/office/"' in page and 'href="/coverage/"' not in page
    page = login(users["sup_a"]).get("/coverage/").content.decode()
    assert 'href="/office/"' not in page


def test_capabilities_follow_roles() -> None:
    from xxgk.web.office.scope import CAPABILITIES

    assert not {"review", "approve"} & CAPABILITIES["clerk"]
    assert "approve" not in CAPABILITIES["reviewer"]
    assert {"edit", "review", "approve"} <= CAPABILITIES["head"]
