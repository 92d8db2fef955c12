"""The deadline board on a fixed day (Thursday 2025-03-20): each bucket holds exactly the
applications counted by hand below, sorted by due date, masked, and none of another office."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xxgk.web.office.applications import board, service

D = dt.date
TODAY = D(2025, 3, 20)


def make(agency: Any, user: Any, on: dt.date, name: str) -> Any:
    return service.create_application(agency, user, applicant_type="natural_person", applicant_name=name,
                                      channel="counter", submitted_on=on, description="x", phone="13812345678")


def section(html: str, key: str) -> str:
    start = html.index(f'<section id="{key}">')
    return html[start:html.index("</section>", start)]


def test_board_buckets(tree: dict[str, Any], staff: dict[str, Any], login: Any, monkeypatch: Any) -> None:
    a, u = tree["dept_a"], staff["clerk_a"]
    # 2025-0001 received 2/10: 2/11–14(4) 17–21(9) 24–28(14) 3/3–7(19) 3/10(20) → due 3/10: overdue
    make(a, u, D(2025, 2, 10), "赵一")
    # 2025-0002 received 2/24: 2/25–28(4) 3/3–7(9) 10–14(14) 17–21(19) 24(20) → due 3/24: this week (3/20–3/26)
    make(a, u, D(2025, 2, 24), "钱二")
    # 2025-0003 received 3/3, 补正 asked 3/5 with 15 working days (to 3/26): stopped, nothing offered yet
    c3 = make(a, u, D(2025, 3, 3), "孙三")
    service.add_event(c3, "correction_requested", u, on=D(2025, 3, 5), days=15)
    # 2025-0004 received 3/14 (Fri): 7 working days 3/17–21(5) 24(6) 25(7) → notice by 3/25: correction bucket;
    # due 3/17–21(5) 24–28(10) 3/31–4/3(14) [4/4 清明] 4/7–11(19) 4/14(20) → not this week
    make(a, u, D(2025, 3, 14), "李四")
    # 2025-0005 received 3/10, silent consultation sent 3/12: answer due 3/13,14(2) 17–21(7) 24–28(12)
    # 3/31,4/1,4/2(15) → running on 3/20; its correction window (3/11–3/19) has passed
    c5 = make(a, u, D(2025, 3, 10), "周五")
    service.add_event(c5, "consultation", u, on=D(2025, 3, 12))
    # 2025-0006 closed: on no bucket
    c6 = make(a, u, D(2025, 2, 10), "吴六")
    service.reply(c6, D(2025, 3, 3), "granted")
    # 2025-0007 received 2/17, fee notice received 2/19 unpaid: pay by 2/20,21(2) 24–28(7) 3/3–7(12)
    # 10–14(17) 17,18,19(20) = 3/19 → stopped, other_fee_unpaid offered; its own due 3/17 does not make it overdue
    c7 = make(a, u, D(2025, 2, 17), "郑七")
    service.add_event(c7, "fee_notice", u, on=D(2025, 2, 19), method="per_page", pages=31)
    # another office's overdue application
    other = make(tree["dept_b"], staff["clerk_b"], D(2025, 2, 10), "王八")

    b = board.buckets(a.pk, TODAY)
    refs = {k: [r["ref"] for r in v["rows"]] for k, v in b.items()}
    assert refs == {"overdue": ["2025-0001"], "week": ["2025-0002"], "stopped": ["2025-0007", "2025-0003"],
                    "correction": ["2025-0004"], "consultation": ["2025-0005"], "no_due": []}
    assert {k: v["count"] for k, v in b.items()} == {"overdue": 1, "week": 1, "stopped": 2, "correction": 1,
                                                      "consultation": 1, "no_due": 0}
    assert b["correction"]["rows"][0]["until"] == D(2025, 3, 25)
    assert b["consultation"]["rows"][0]["until"] == D(2025, 4, 2)
    stopped = {r["ref"]: r for r in b["stopped"]["rows"]}
    assert stopped["2025-0007"]["waiting"] == "fee" and stopped["2025-0007"]["until"] == D(2025, 3, 19)
    assert stopped["2025-0007"]["offered"] == ["其他处理：申请人逾期未按收费通知要求缴纳费用"]
    assert stopped["2025-0003"]["until"] == D(2025, 3, 26) and stopped["2025-0003"]["offered"] == []

    monkeypatch.setattr(service, "today", lambda: TODAY)
    html = login(u).get("/office/board/").content.decode()
    assert ">2025-0001<" in section(html, "overdue") and ">2025-0002<" not in section(html, "overdue")
    assert ">2025-0002<" in section(html, "week")
    assert section(html, "stopped").index(">2025-0007<") < section(html, "stopped").index(">2025-0003<")
    assert ">2025-0004<" in section(html, "correction") and "2025-03-25" in section(html, "correction")
    assert ">2025-0005<" in section(html, "consultation")
    assert ">2025-0006<" not in html and f"/office/applications/{other.pk}/" not in html
    assert "赵*" in html and "赵一" not in html and "13812345678" not in html

    # a day later the correction period of 2025-0003 is still running, on 3/27 it has passed
    b = board.buckets(a.pk, D(2025, 3, 27))
    assert [r["offered"] for r in b["stopped"]["rows"] if r["ref"] == "2025-0003"] == [["其他处理：申请人无正当理由逾期不补正"]]
