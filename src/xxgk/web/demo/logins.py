"""The demo's accounts: one per role at the whole store, the city and two counties, so that a
person trying the demo sees what each role at each node sees (a county supervisor never the other
county). One password for all, printed by `xxgk demo`: these accounts exist for the demo only."""

from __future__ import annotations

from dataclasses import dataclass

#: The demo accounts' password (long enough for the project's validators, not a common one).
PASSWORD = "xxgk-demo-2025"


@dataclass(frozen=True)
class Login:
    username: str
    role: str  # core.models.ROLES
    agency_code: str | None  # None: the whole store
    note: str  # what the account shows, in Chinese, for the printed list


LOGINS: tuple[Login, ...] = (
    Login("demo_admin", "administrator", None, "全部机构的管理员（可进入 /admin/）"),
    Login("city_admin", "administrator", "9901", "乙市管理员"),
    Login("city_supervisor", "supervisor", "9901", "乙市监督员"),
    Login("city_analyst", "analyst", "9901", "乙市分析员（只读）"),
    Login("bing_supervisor", "supervisor", "990101", "丙县监督员（看不到丁县）"),
    Login("bing_analyst", "analyst", "990101", "丙县分析员（只读）"),
    Login("ding_supervisor", "supervisor", "990102", "丁县监督员"),
)


def install(password: str = PASSWORD) -> list[Login]:
    """Create the demo accounts or reset them to the demo's role, node and password (idempotent)."""
    from django.contrib.auth.models import User

    from xxgk.store.models import Agency

    from ..core.models import Profile

    for login in LOGINS:
        user, _ = User.objects.get_or_create(username=login.username)
        whole = login.agency_code is None
        user.is_staff = user.is_superuser = whole
        user.is_active = True
        user.set_password(password)
        user.save()
        agency = Agency.objects.get(code=login.agency_code) if login.agency_code else None
        Profile.objects.update_or_create(user=user, defaults={"role": login.role, "agency": agency})
    return list(LOGINS)
